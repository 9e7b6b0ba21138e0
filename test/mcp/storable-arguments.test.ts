// Every string argument of every MCP tool refuses NUL and a lone UTF-16 surrogate, which PostgreSQL's text and jsonb
// cannot store, as invalid params naming the argument (never the generic "failed inside the host"), and nothing is
// stored. The cases come from what tools/list publishes: for each tool a call valid for its input JSON Schema, with
// the bad character in one string argument (or list item) at a time, so a tool whose argument lacks the check fails
// here.
import { Client } from "@modelcontextprotocol/sdk/client/index.js"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js"
import { ErrorCode, McpError, type Tool } from "@modelcontextprotocol/sdk/types.js"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { TOOL_NAMES } from "../../src/mcp/ToolCatalog"
import { asOwner, call, createWorkspace, hostSuite } from "../support/hostSuite"

interface JsonSchema {
  readonly type?: string
  readonly enum?: ReadonlyArray<unknown>
  readonly pattern?: string
  readonly format?: string
  readonly minLength?: number
  readonly maxLength?: number
  readonly minimum?: number
  readonly items?: JsonSchema
  readonly properties?: Readonly<Record<string, JsonSchema>>
  readonly $ref?: string
  readonly $defs?: Readonly<Record<string, JsonSchema>>
}

type Path = ReadonlyArray<string | number>

interface Leaf {
  readonly path: Path
  readonly value: string
  /** Free text (no enum, pattern or format), whose refusal must say why; a format may refuse it in its own words. */
  readonly freeText: boolean
}

/**
 * Tried in order for a string argument until one fits its schema: "hello" names the seeded folio and entity, and the
 * UUID is the seeded artifact's, so the valid calls get past the lookups to the writes.
 */
const strings = () => ["hello", "2026-03-14", "2026-03-14:0", artifact]
const BAD = ["\u0000", "\ud800"]
const UNSTORABLE = "contains a NUL character or an unpaired UTF-16 surrogate, which cannot be stored"

const resolve = (schema: JsonSchema, root: JsonSchema): JsonSchema => {
  if (schema.$ref === undefined) return schema
  const { $ref, ...rest } = schema
  const target = root.$defs?.[$ref.replace("#/$defs/", "")]
  if (target === undefined) throw new Error(`unresolved ${$ref}`)
  return { ...resolve(target, root), ...rest }
}

const fits = (value: string, schema: JsonSchema) =>
  (schema.pattern === undefined || new RegExp(schema.pattern, "u").test(value)) &&
  value.length >= (schema.minLength ?? 0) &&
  value.length <= (schema.maxLength ?? Infinity)

/** A value valid for `schema`, with every optional property present so that each one is tried. */
const sample = (schema: JsonSchema, root: JsonSchema): unknown => {
  const s = resolve(schema, root)
  if (s.enum !== undefined) return s.enum[0]
  switch (s.type) {
    case "string": {
      const value = strings().find((candidate) => fits(candidate, s))
      if (value === undefined) throw new Error(`no sample string fits ${JSON.stringify(s)}`)
      return value
    }
    case "integer":
    case "number":
      return s.minimum ?? 1
    case "boolean":
      return true
    case "array":
      return [sample(s.items ?? {}, root)]
    case "object":
      return Object.fromEntries(Object.entries(s.properties ?? {}).map(([key, child]) => [key, sample(child, root)]))
    default:
      throw new Error(`cannot sample ${JSON.stringify(s)}`)
  }
}

const leaves = (schema: JsonSchema, root: JsonSchema, value: unknown, path: Path = []): Array<Leaf> => {
  const s = resolve(schema, root)
  if (typeof value === "string") {
    return [{ path, value, freeText: s.enum === undefined && s.pattern === undefined && s.format === undefined }]
  }
  if (Array.isArray(value)) return value.flatMap((item, i) => leaves(s.items ?? {}, root, item, [...path, i]))
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => leaves(s.properties?.[key] ?? {}, root, item, [...path, key]))
  }
  return []
}

const withValue = (base: unknown, path: Path, value: unknown): Record<string, unknown> => {
  const copy = structuredClone(base) as Record<string | number, unknown>
  let at = copy
  path.slice(0, -1).forEach((key) => (at = at[key] as Record<string | number, unknown>))
  at[path.at(-1)!] = value
  return copy as Record<string, unknown>
}

const label = (path: Path) =>
  path.map((key, i) => (typeof key === "number" ? `[${key}]` : i === 0 ? key : `.${key}`)).join("")

const suite = hostSuite("mcp-storable")
let workspace: string
let artifact: string
let client: Client
let tools: ReadonlyArray<Tool>
let stored: ReadonlyArray<unknown>

/** Every row of the workspace, table by table, as a digest; job bookkeeping is left out. */
const snapshot = () =>
  asOwner(suite.db, async (db) => {
    const tables = await db.query<{ name: string }>(
      `SELECT c.table_name AS name FROM information_schema.columns c
         JOIN information_schema.tables t USING (table_schema, table_name)
        WHERE c.table_schema = 'public' AND c.column_name = 'workspace_id' AND t.table_type = 'BASE TABLE'
          AND c.table_name <> 'job_runs'
        ORDER BY 1`
    )
    const rows = []
    for (const { name } of tables.rows) {
      const result = await db.query(
        `SELECT count(*)::int AS rows, md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) AS digest
           FROM "${name}" t WHERE workspace_id = $1`,
        [workspace]
      )
      rows.push({ name, ...result.rows[0] })
    }
    return rows
  })

/** Whether entity extraction still has the seeding's sources to read (queued, or a run going on). */
const extracting = () =>
  asOwner(suite.db, async (db) => {
    const result = await db.query(
      `SELECT (SELECT count(*) FROM extraction_queue WHERE workspace_id = $1)
            + (SELECT count(*) FROM job_runs WHERE workspace_id = $1 AND name = 'entity-extraction' AND status = 'running')
              AS n`,
      [workspace]
    )
    return Number(result.rows[0].n) > 0
  })

/** A snapshot once the seeding's background work (indexing, entity extraction) has stopped changing it. */
const settled = async () => {
  let previous = await snapshot()
  for (let i = 0; i < 120; i++) {
    await new Promise((resolve) => setTimeout(resolve, 250))
    const next = await snapshot()
    if (JSON.stringify(next) === JSON.stringify(previous) && !(await extracting())) return next
    previous = next
  }
  throw new Error("the workspace kept changing after seeding")
}

const outcome = (name: string, args: Record<string, unknown>) =>
  client.callTool({ name, arguments: args }).then(
    (result) => ({ result, error: undefined }),
    (error: unknown) => ({ result: undefined, error })
  )

beforeAll(async () => {
  workspace = await createWorkspace(suite.base, "Storable MCP")
  const seeded = [
    await call(suite.base, "POST", "/folios", { workspace, body: { name: "hello", about: "Seeded" } }),
    await call(suite.base, "POST", "/entities", { workspace, body: { name: "hello", type: "person" } })
  ]
  expect(seeded.map((answer) => answer.status)).toEqual([201, 201])
  const form = new FormData()
  form.append("file", new Blob(["hello from an artifact"], { type: "text/plain" }), "hello.txt")
  const uploaded = await fetch(`${suite.base}/api/v1/artifacts/upload`, {
    method: "POST",
    headers: { "x-workspace-id": workspace },
    body: form
  })
  expect(uploaded.status).toBe(201)
  artifact = ((await uploaded.json()) as { artifact: { id: string } }).artifact.id
  client = new Client({ name: "carabase-test", version: "1.0.0" })
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${suite.base}/mcp`), {
      requestInit: { headers: { "x-workspace-id": workspace } }
    })
  )
  tools = (await client.listTools()).tools
  stored = await settled()
})

afterAll(async () => {
  await client?.close().catch(() => undefined)
})

describe("MCP string arguments PostgreSQL cannot store", () => {
  it("tools/list lists every tool of the catalog", () => {
    expect(tools.map((definition) => definition.name).sort()).toEqual([...TOOL_NAMES].sort())
  })

  for (const name of TOOL_NAMES) {
    it(`${name} refuses a NUL or a lone surrogate in each string argument as invalid params naming it`, async () => {
      const definition = tools.find((candidate) => candidate.name === name)!
      const schema = definition.inputSchema as JsonSchema
      const base = sample(schema, schema)
      const strings = leaves(schema, schema, base)
      expect(strings, `${name} has no string argument to try`).not.toEqual([])
      for (const leaf of strings) {
        for (const bad of BAD) {
          const args = withValue(base, leaf.path, `${leaf.value}${bad}`)
          const { result, error } = await outcome(name, args)
          const context = `${name} ${label(leaf.path)} ${JSON.stringify(args)} -> ${
            error instanceof Error ? error.message : JSON.stringify(result)
          }`
          expect(error, context).toBeInstanceOf(McpError)
          const refusal = error as McpError
          expect(refusal.code, context).toBe(ErrorCode.InvalidParams)
          expect(refusal.message, context).toContain(`invalid arguments for ${name}`)
          for (const key of leaf.path)
            if (typeof key === "string") expect(refusal.message, context).toContain(`["${key}"]`)
          if (leaf.freeText) {
            const argument = [...leaf.path].reverse().find((key) => typeof key === "string")
            expect(refusal.message, context).toContain(`${argument} ${UNSTORABLE}`)
          }
        }
      }
      expect(await snapshot(), `${name} stored something`).toEqual(stored)
    })
  }

  it("the same calls without the bad character pass validation", async () => {
    for (const definition of tools) {
      const schema = definition.inputSchema as JsonSchema
      const args = sample(schema, schema) as Record<string, unknown>
      const { result, error } = await outcome(definition.name, args)
      const context = `${definition.name} ${JSON.stringify(args)} -> ${String(error)} ${JSON.stringify(result)}`
      expect(error, context).toBeUndefined()
      expect(JSON.stringify(result?.content), context).not.toContain("failed inside the host")
    }
  })
})
