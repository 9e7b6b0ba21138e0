// Every string a request carries in its path, query or JSON body, and every key and string inside the free-form JSON
// it may send, refuses NUL (and, in JSON, a lone UTF-16 surrogate) with a 400 naming the field, since PostgreSQL's
// text and jsonb cannot store them. The cases come from the declaration: for each field a request otherwise valid for
// its schema, with the bad character in that one field, so a missing storable() anywhere fails here. Headers are left
// out (HTTP cannot carry NUL in a header), and so is the multipart upload (its file name is cleaned by the service).
import { beforeAll, describe, expect, it } from "@effect/vitest"
import type { HttpApiEndpoint } from "@effect/platform"
import { HttpApi, HttpApiSchema } from "@effect/platform"
import { Either, Option, ParseResult, Schema, SchemaAST } from "effect"
import { CarabaseApi } from "../../src/Api"
import { createWorkspace, hostSuite } from "../support/hostSuite"

type Path = ReadonlyArray<string | number>
type Location = "path" | "query" | "body"

interface Case {
  /** Where the bad character is; for a bad key, the object holding it. */
  readonly at: Path
  /** The encoded request part with the bad character in it. */
  readonly value: unknown
  /** The name the refusal must mention: the field, or inside free-form JSON the nearest key (none: any NUL message). */
  readonly field: string | undefined
  /** Whether `field` is settled; if not, the enclosing property names the case. */
  readonly named: boolean
  /** Free text, whose refusal must name the field; a format (a UUID, a date) may refuse it with its own words. */
  readonly freeText: boolean
}

/**
 * Fields that never reach PostgreSQL, each with the reason, answered by their own checks (or harmlessly accepted):
 * for them only "never a 5xx" is asserted, so one that starts reaching the database is still caught.
 */
const NOT_STORED: Record<string, string> = {
  "POST /api/v1/embeddings body input": "sent to the embedder, never stored",
  "POST /api/v1/embeddings body input[0]": "sent to the embedder, never stored",
  "GET /api/v1/tasks query folio": "compared in memory with the folios of each task",
  "GET /api/v1/tasks query tag": "compared in memory with the tags of each task",
  "GET /api/v1/auth/:provider/callback query code": "sent to the provider after the state matched",
  "GET /api/v1/auth/:provider/callback query state": "format-checked before any lookup",
  "GET /api/v1/auth/:provider/callback query error": "only quoted back in the answer",
  "GET /api/v1/auth/:provider/callback query error_description": "only quoted back in the answer",
  "POST /api/v1/jobs/:name/run path name": "looked up in the job catalog before anything runs",
  "GET /api/v1/jobs/:name/runs path name": "looked up in the job catalog (404 naming the jobs) before any read",
  "GET /api/v1/jobs/:name/runs query before": "parsed into a date and time; only that reaches the query"
}

const UUID = "4a0e5b8e-1c1e-4f7a-9a3c-2b7f9d3e6c10"
/** Tried in order for a string field until one decodes: plain text first, then the formats the API uses. */
const STRINGS = [
  // First: 32 letters and digits, the shape of a Slack signing secret or WhatsApp app secret, so a channel's body
  // samples whole (its secret is checked against its kind); any other text field takes it as well as "hello".
  "hello0world1sample2secret3abcdef",
  "hello",
  "2026-03-14",
  "2026-03-14:0",
  UUID,
  "https://example.com/page",
  "ABCD-1234",
  "true",
  "5",
  `whsec_${Buffer.alloc(32, 7).toString("base64")}`
]
const BLOCK = { type: "paragraph", attrs: { id: "b1" }, content: [{ type: "text", text: "hello" }] }
const badKey = (bad: string) => `bad${bad}key`

const decodes = (ast: SchemaAST.AST, value: unknown) =>
  Either.isRight(ParseResult.decodeUnknownEither(Schema.make(ast))(value))

const isStringField = (ast: SchemaAST.AST) => {
  const encoded = SchemaAST.encodedAST(ast)
  return encoded._tag === "StringKeyword" || encoded._tag === "TemplateLiteral"
}

/** Encoded values that may satisfy `ast`, built from its shape; `sample` keeps the first that does. */
const candidates = (ast: SchemaAST.AST, depth: number): ReadonlyArray<unknown> => {
  if (depth > 8) return []
  if (isStringField(ast)) return STRINGS
  switch (ast._tag) {
    case "Literal":
      return [ast.literal]
    case "Enums":
      return ast.enums.map(([, value]) => value)
    case "NumberKeyword":
      return [1, 0.5]
    case "BooleanKeyword":
      return [true]
    case "UnknownKeyword":
    case "AnyKeyword":
      return [{}]
    case "Declaration":
      return [BLOCK, [BLOCK]]
    case "Refinement":
    case "Transformation":
      return candidates(ast.from, depth + 1)
    case "Suspend":
      return candidates(ast.f(), depth + 1)
    case "Union":
      return ast.types.flatMap((member) => Option.toArray(sample(member, depth + 1)))
    case "TupleType": {
      const elements = ast.elements.map((element) => sample(element.type, depth + 1))
      if (elements.some(Option.isNone)) return []
      const head = elements.map((element) => Option.getOrThrow(element))
      const rest = ast.rest.length === 0 ? Option.none() : sample(ast.rest[0]!.type, depth + 1)
      return Option.isSome(rest) ? [[...head, rest.value], head] : [head]
    }
    case "TypeLiteral": {
      const full: Record<string, unknown> = {}
      const required: Record<string, unknown> = {}
      for (const property of ast.propertySignatures) {
        if (typeof property.name !== "string") continue
        const value = sample(property.type, depth + 1)
        if (Option.isSome(value)) {
          full[property.name] = value.value
          if (!property.isOptional) required[property.name] = value.value
        } else if (!property.isOptional) return []
      }
      return [full, required]
    }
    default:
      return []
  }
}

const sample = (ast: SchemaAST.AST, depth = 0): Option.Option<unknown> =>
  Option.fromNullable(candidates(ast, depth).find((value) => decodes(ast, value)))

/** Every string leaf of a plain JSON value, with the value rebuilt around a bad one there. */
const jsonCases = (value: unknown, bad: string, at: Path = []): Array<Case> => {
  const inJson = { field: [...at].reverse().find((key) => typeof key === "string"), named: true, freeText: true }
  if (typeof value === "string") return [{ at, value: `${value}${bad}`, ...inJson }]
  if (Array.isArray(value)) {
    return value.flatMap((item, i) =>
      jsonCases(item, bad, [...at, i]).map((c) => ({
        ...c,
        value: value.map((other, j) => (j === i ? c.value : other))
      }))
    )
  }
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>
    return [
      { at, value: { ...record, [badKey(bad)]: "x" }, ...inJson },
      ...Object.entries(record).flatMap(([key, item]) =>
        jsonCases(item, bad, [...at, key]).map((c) => ({ ...c, value: { ...record, [key]: c.value } }))
      )
    ]
  }
  return []
}

/** One case per string field (and per string and key of free-form JSON) reachable in `ast`. */
const cases = (ast: SchemaAST.AST, bad: string, depth = 0): Array<Case> => {
  if (depth > 8) return []
  if (isStringField(ast)) {
    const base = Option.getOrElse(sample(ast), () => "hello") as string
    return [{ at: [], value: `${base}${bad}`, field: undefined, named: false, freeText: decodes(ast, `${base}x`) }]
  }
  switch (ast._tag) {
    case "Refinement":
    case "Transformation":
      return cases(ast.from, bad, depth + 1)
    case "Suspend":
      return cases(ast.f(), bad, depth + 1)
    case "Union":
      return ast.types.flatMap((member) => cases(member, bad, depth + 1))
    case "UnknownKeyword":
    case "AnyKeyword":
      return jsonCases({ note: ["hello"] }, bad)
    case "Declaration":
      return Option.match(sample(ast), { onNone: () => [], onSome: (base) => jsonCases(base, bad) })
    case "TupleType": {
      const rest = ast.rest[0]
      if (rest === undefined) return []
      return cases(rest.type, bad, depth + 1).map((c) => ({ ...c, at: [0, ...c.at], value: [c.value] }))
    }
    case "TypeLiteral": {
      const base = sample(ast)
      if (Option.isNone(base)) return []
      const object = base.value as Record<string, unknown>
      const inside = (name: string, c: Case): Case => ({
        ...c,
        at: [name, ...c.at],
        value: { ...object, [name]: c.value },
        ...(c.named ? {} : { field: name, named: true })
      })
      return [
        ...ast.propertySignatures.flatMap((property) =>
          typeof property.name === "string"
            ? cases(property.type, bad, depth + 1).map((c) => inside(property.name as string, c))
            : []
        ),
        ...ast.indexSignatures.flatMap((signature) => [
          ...(isStringField(signature.parameter)
            ? [{ at: [], value: { ...object, [badKey(bad)]: 1 }, field: undefined, named: false, freeText: true }]
            : []),
          ...cases(signature.type, bad, depth + 1).map((c) => inside("extra", c))
        ])
      ]
    }
    default:
      return []
  }
}

interface Request {
  readonly name: string
  /** `METHOD path location field`, as NOT_STORED names it. */
  readonly key: string
  readonly bad: string
  readonly method: string
  readonly path: string
  readonly location: Location
  readonly at: Path
  readonly field: string | undefined
  readonly freeText: boolean
  readonly url: string
  readonly body: string | undefined
}

const label = (at: Path) =>
  at.map((key, i) => (typeof key === "number" ? `[${key}]` : i === 0 ? key : `.${key}`)).join("")

const requests: Array<Request> = []
const unsampled: Array<string> = []

HttpApi.reflect(CarabaseApi, {
  onGroup: () => undefined,
  onEndpoint: ({ endpoint }) => {
    const e = endpoint as unknown as HttpApiEndpoint.HttpApiEndpoint.AnyWithProps
    const schemaOf = (schema: Option.Option<Schema.Schema.Any>) => Option.map(schema, (s) => s.ast)
    const parts = {
      path: schemaOf(e.pathSchema as Option.Option<Schema.Schema.Any>),
      query: schemaOf(e.urlParamsSchema as Option.Option<Schema.Schema.Any>),
      body: schemaOf(e.payloadSchema as Option.Option<Schema.Schema.Any>)
    }
    if (Option.isSome(parts.body) && HttpApiSchema.getMultipart(parts.body.value) !== undefined) {
      parts.body = Option.none()
    }
    const bases = {} as Record<Location, unknown>
    for (const location of ["path", "query", "body"] as const) {
      const ast = parts[location]
      if (Option.isNone(ast)) continue
      const base = sample(ast.value)
      if (Option.isNone(base)) unsampled.push(`${e.method} ${e.path} ${location}`)
      else bases[location] = base.value
    }
    const build = (location: Location, value: unknown) => {
      const all = { ...bases, [location]: value } as Record<Location, Record<string, string> | undefined>
      const pathParams = all.path ?? {}
      const search = all.query === undefined ? "" : new URLSearchParams(all.query).toString()
      return {
        url: `${e.path.replace(/:([A-Za-z_]+)/g, (_, name: string) => encodeURIComponent(pathParams[name] ?? ""))}${
          search === "" ? "" : `?${search}`
        }`,
        body:
          location === "body" ? JSON.stringify(value) : all.body === undefined ? undefined : JSON.stringify(all.body)
      }
    }
    for (const location of ["path", "query", "body"] as const) {
      const ast = parts[location]
      if (Option.isNone(ast) || bases[location] === undefined) continue
      // A URL cannot carry a lone surrogate (it is not UTF-8), so only JSON bodies get that case.
      const bads = location === "body" ? ["\u0000", "\ud800"] : ["\u0000"]
      for (const bad of bads) {
        for (const c of cases(ast.value, bad)) {
          const name = `${e.method} ${e.path} ${location} ${label(c.at)}`
          const variant = requests.filter((r) => r.key === name && r.bad === bad).length
          requests.push({
            name: `${name}${bad === "\u0000" ? "" : " (lone surrogate)"}${variant === 0 ? "" : ` #${variant + 1}`}`,
            key: name,
            bad,
            method: e.method,
            path: e.path,
            location,
            at: c.at,
            field: c.field,
            freeText: c.freeText,
            ...build(location, c.value)
          })
        }
      }
    }
  }
})

const t = hostSuite("storable")
let workspace: string

beforeAll(async () => {
  workspace = await createWorkspace(t.base, "Storable")
})

const send = async (request: Request) => {
  const response = await fetch(`${t.base}${request.url}`, {
    method: request.method,
    headers: { "content-type": "application/json", "x-workspace-id": workspace },
    redirect: "manual",
    signal: AbortSignal.timeout(15_000),
    ...(request.body === undefined || request.method === "GET" ? {} : { body: request.body })
  })
  const text = await response.text()
  let body: any
  try {
    body = JSON.parse(text)
  } catch {
    body = text
  }
  return { status: response.status, body }
}

const startsWith = (path: ReadonlyArray<unknown>, prefix: Path) =>
  prefix.every((key, i) => path[i] === key || String(path[i]) === String(key))

describe("text PostgreSQL cannot store is refused with a precise 400", () => {
  it("every declared endpoint's path, query and body could be given a valid sample", () => {
    expect(unsampled).toEqual([])
    expect(requests.length).toBeGreaterThan(100)
  })

  for (const request of requests) {
    const key = request.key
    it(request.name, async () => {
      const answer = await send(request)
      const answered = JSON.stringify(answer.body).slice(0, 400)
      const context = `${request.method} ${request.url} ${request.body ?? ""} -> ${answer.status} ${answered}`
      expect(answer.status, context).toBeLessThan(500)
      if (NOT_STORED[key] !== undefined) return
      expect(answer.status, context).toBe(400)
      expect(answer.body._tag, context).toBe("HttpApiDecodeError")
      const issues = (answer.body.issues as Array<{ path: Array<unknown>; message: string }>).filter((issue) =>
        startsWith(issue.path, request.at)
      )
      expect(issues, context).not.toEqual([])
      if (request.freeText) {
        // An element of a list may be named in the singular: `aliases[0]` is "an alias", `tags[1]` "tag".
        const names = request.field === undefined ? [] : [request.field, request.field.replace(/e?s$/, "")]
        const precise = issues.filter((issue) =>
          names.length === 0
            ? /NUL character or an unpaired UTF-16 surrogate/.test(issue.message)
            : names.some((name) => issue.message.includes(name))
        )
        expect(precise, context).not.toEqual([])
      }
    })
  }
})
