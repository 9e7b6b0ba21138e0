// Strict input over real HTTP and a real MCP client: every endpoint the API declares with a body or a query, and every
// MCP tool the server lists, refuses a key it does not know with an answer that names the key and lists the accepted
// ones, instead of dropping it. Both lists are read from the host itself (the declaration, tools/list), so a new
// endpoint or tool is covered without anyone adding it here.
import { describe, expect, it } from "@effect/vitest"
import type { HttpApiEndpoint } from "@effect/platform"
import { HttpApi } from "@effect/platform"
import { Option, Schema, SchemaAST } from "effect"
import { CarabaseApi } from "../../src/Api"
import { catalog } from "../../src/mcp/ToolCatalog"
import { call, createWorkspace, hostSuite, mcpClients } from "../support/hostSuite"

const suite = hostSuite("strict_input")
const connect = mcpClients(suite)
const EXTRA = "zzz_not_a_field"

interface Target {
  readonly name: string
  readonly method: string
  readonly path: string
  readonly pathSchema: Option.Option<Schema.Schema.Any>
  readonly payload: Option.Option<Schema.Schema.Any>
  readonly urlParams: Option.Option<Schema.Schema.Any>
}

const targets: Array<Target> = []
HttpApi.reflect(CarabaseApi, {
  onGroup: () => undefined,
  onEndpoint: ({ endpoint, group }) => {
    const e = endpoint as unknown as HttpApiEndpoint.HttpApiEndpoint.AnyWithProps
    targets.push({
      name: `${group.identifier}.${e.name}`,
      method: e.method,
      path: e.path,
      pathSchema: e.pathSchema as Option.Option<Schema.Schema.Any>,
      payload: e.payloadSchema as Option.Option<Schema.Schema.Any>,
      urlParams: e.urlParamsSchema as Option.Option<Schema.Schema.Any>
    })
  }
})

/** The upload reads its multipart body itself (a stream, not a decoded payload); its own test is below. */
const RAW_BODY = new Set(["artifacts.upload"])

/**
 * Workspace settings are an open map by design (clients keep their own preferences there): an unknown key is stored
 * and read back, never dropped. Their test is below.
 */
const OPEN_MAP = new Set(["settings.merge"])

const hasBody = (method: string) => !["GET", "HEAD", "OPTIONS"].includes(method)

const literalsIn = (ast: SchemaAST.AST): Array<string> => {
  switch (ast._tag) {
    case "Literal":
      return typeof ast.literal === "string" ? [ast.literal] : []
    case "Union":
      return ast.types.flatMap(literalsIn)
    case "Refinement":
      return literalsIn(ast.from)
    case "Transformation":
      return literalsIn(ast.from)
    default:
      return []
  }
}

const CANDIDATES = ["0b5e7c3a-61f2-4d0e-9a57-3c2d8e4f1a90", "2026-01-15", "1", "github", "granola"]

/** A valid path for the endpoint: each parameter the first candidate (or literal of its schema) it decodes. */
const pathFor = (target: Target) => {
  if (Option.isNone(target.pathSchema)) return target.path
  const values: Record<string, string> = {}
  for (const property of SchemaAST.getPropertySignatures(target.pathSchema.value.ast)) {
    const field = Schema.make(property.type) as Schema.Schema<unknown, unknown, never>
    const fits = [...literalsIn(property.type), ...CANDIDATES].find((candidate) =>
      Option.isSome(Schema.decodeUnknownOption(field)(candidate))
    )
    if (fits === undefined) throw new Error(`no path value for ${target.name}.${String(property.name)}`)
    values[String(property.name)] = fits
  }
  return target.path.replace(/:([A-Za-z]+)/g, (_, key: string) => encodeURIComponent(values[key]!))
}

const expectRefusal = (answer: { status: number; body: any }, context: string) => {
  expect(answer.status, context).toBe(400)
  expect(answer.body._tag, context).toBe("HttpApiDecodeError")
  const issue = (answer.body.issues as Array<{ _tag: string; path: Array<string>; message: string }>).find(
    (candidate) => candidate.path.at(-1) === EXTRA
  )
  expect(issue, context).toMatchObject({
    _tag: "Unexpected",
    message: expect.stringMatching(/^is unexpected, expected: "/)
  })
  expect(answer.body.message, context).toContain(`["${EXTRA}"]`)
}

describe("every declared body and query refuses a key it does not know", () => {
  const bodies = targets.filter(
    (target) => Option.isSome(target.payload) && !RAW_BODY.has(target.name) && !OPEN_MAP.has(target.name)
  )
  const queries = targets.filter(
    (target) => Option.isSome(target.urlParams) || (Option.isSome(target.payload) && !hasBody(target.method))
  )

  it("the declaration was read", () => {
    expect(bodies.filter((target) => hasBody(target.method)).length).toBeGreaterThan(25)
    expect(queries.length).toBeGreaterThan(10)
  })

  for (const target of bodies.filter((candidate) => hasBody(candidate.method))) {
    it(`${target.method} ${target.path} (${target.name}) names the unknown body key`, async () => {
      const workspace = await createWorkspace(suite.base, target.name)
      const path = pathFor(target).replace(/^\/api\/v1/, "")
      const answer = await call(suite.base, target.method, path, { workspace, body: { [EXTRA]: 1 } })
      expectRefusal(answer, `${target.method} ${path} -> ${JSON.stringify(answer.body)}`)
    })
  }

  for (const target of queries) {
    it(`${target.method} ${target.path} (${target.name}) names the unknown query parameter`, async () => {
      const workspace = await createWorkspace(suite.base, target.name)
      const path = `${pathFor(target).replace(/^\/api\/v1/, "")}?${EXTRA}=1`
      // The import route's body is a zip (the guard refuses any other type before the query is read).
      const answer =
        target.name === "portability.startImport"
          ? await fetch(`${suite.base}/api/v1${path}`, {
              method: "POST",
              headers: { "content-type": "application/zip", "x-workspace-id": workspace },
              body: "PK"
            }).then(async (response) => ({ status: response.status, body: await response.json() }))
          : await call(suite.base, target.method, path, {
              workspace,
              ...(hasBody(target.method) ? { body: {} } : {})
            })
      expectRefusal(answer, `${target.method} ${path} -> ${JSON.stringify(answer.body)}`)
    })
  }

  it("a known key beside the unknown one is not enough: the whole request is refused, nothing stored", async () => {
    const workspace = await createWorkspace(suite.base, "folio")
    const answer = await call(suite.base, "POST", "/folios", { workspace, body: { name: "Atlas", colour: "red" } })
    expect(answer.status).toBe(400)
    expect(answer.body.message).toContain('["colour"]')
    expect(answer.body.message).toContain('is unexpected, expected: "name" | "about"')
    expect((await call(suite.base, "GET", "/folios", { workspace })).body.folios).toEqual([])
  })

  it("workspace settings keep a key the host does not read, and give it back", async () => {
    const workspace = await createWorkspace(suite.base, "settings")
    const put = await call(suite.base, "PUT", "/workspace-settings", { workspace, body: { desktop_theme: "dark" } })
    expect(put).toMatchObject({ status: 200, body: { desktop_theme: "dark" } })
    expect((await call(suite.base, "GET", "/workspace-settings", { workspace })).body.desktop_theme).toBe("dark")
    const wrong = await call(suite.base, "PUT", "/workspace-settings", {
      workspace,
      body: { update_channel: "nightly" }
    })
    expect(wrong.status).toBe(400)
  })

  it("the upload refuses a form field other than `file`, naming it, and stores nothing", async () => {
    const workspace = await createWorkspace(suite.base, "upload")
    const form = new FormData()
    form.append("file", new Blob(["hello"], { type: "text/plain" }), "hello.txt")
    form.append("title", "a title the host would have dropped")
    const response = await fetch(`${suite.base}/api/v1/artifacts/upload`, {
      method: "POST",
      headers: { "x-workspace-id": workspace },
      body: form
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({
      _tag: "UploadInvalid",
      reason: "UnknownField",
      field: "title",
      message: '"title" is not a field of an upload: send the file, and only the file, in a field named `file`'
    })
    expect((await call(suite.base, "GET", "/artifacts", { workspace })).body.artifacts).toEqual([])
  })
})

describe("every MCP tool refuses an argument it does not know", () => {
  it("as a tool error naming the argument and the accepted ones, for each tool the server lists", async () => {
    const workspace = await createWorkspace(suite.base, "mcp")
    const optIn = Object.fromEntries(catalog.filter((tool) => tool.optIn === true).map((tool) => [tool.name, true]))
    expect(
      (await call(suite.base, "PUT", "/workspace-settings", { workspace, body: { mcp_tools: optIn } })).status
    ).toBe(200)
    const client = await connect(workspace)
    const { tools } = await client.listTools()
    expect(tools.map((listed) => listed.name).sort()).toEqual(catalog.map((tool) => tool.name).sort())
    for (const listed of tools) {
      const result = await client.callTool({ name: listed.name, arguments: { [EXTRA]: 1 } })
      const text = (result.content as Array<{ text: string }>).map((part) => part.text).join("\n")
      expect(result.isError, `${listed.name}: ${text}`).toBe(true)
      expect(text, listed.name).toContain(`invalid arguments for ${listed.name}`)
      expect(text, listed.name).toContain(`["${EXTRA}"]`)
      const accepted = Object.keys((listed.inputSchema.properties ?? {}) as object)
      for (const key of accepted) expect(text, listed.name).toContain(`"${key}"`)
    }
  })

  it("a tool called with only known arguments still answers", async () => {
    const workspace = await createWorkspace(suite.base, "mcp-ok")
    const client = await connect(workspace)
    const result = await client.callTool({ name: "create_memory", arguments: { content: "strict but fair" } })
    expect(result.isError ?? false).toBe(false)
    const unknown = await client.callTool({ name: "create_memory", arguments: { content: "x", tags: ["a"] } })
    expect(unknown.isError).toBe(true)
    const stored = (await call(suite.base, "GET", "/memories", { workspace })).body.memories
    expect(stored.map((memory: { content: string }) => memory.content)).toEqual(["strict but fair"])
  })
})
