// Property-based robustness over every endpoint the API declares: random path parameters, query strings, headers and
// bodies (arbitrary JSON, broken JSON, and objects shaped like the endpoint's own payload schema, so many get past
// the first checks into deeper validation and the handlers) never produce a 500 and never a stack trace. The endpoint list comes from the
// declaration itself, so a new route is fuzzed without anyone remembering to add it.
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import type { HttpApiEndpoint } from "@effect/platform"
import { HttpApi } from "@effect/platform"
import { FastCheck as fc, Option, Schema, SchemaAST } from "effect"
import { CarabaseApi } from "../../src/Api"
import { runClient } from "../support/apiClient"
import { createDatabase, type TestDatabase } from "../support/database"
import { encodeSegment, expectStillHealthy, fetchAnswer, leaksInternals, nasty } from "../support/fuzzing"
import { hostEnv, scratchDir, startHost, type HostProcess } from "../support/hostProcess"
import { freePort } from "../support/ports"

const RUNS = Number(process.env.CARABASE_FUZZ_RUNS ?? 100)
let db: TestDatabase
let host: HostProcess
let base: string
let workspace: string

interface Target {
  readonly method: string
  readonly path: string
  readonly payload: Option.Option<Schema.Schema.Any>
  readonly urlParams: Option.Option<Schema.Schema.Any>
}

const targets: Array<Target> = []
HttpApi.reflect(CarabaseApi, {
  onGroup: () => undefined,
  onEndpoint: ({ endpoint }) => {
    const e = endpoint as unknown as HttpApiEndpoint.HttpApiEndpoint.AnyWithProps
    targets.push({
      method: e.method,
      path: e.path,
      payload: e.payloadSchema as Option.Option<Schema.Schema.Any>,
      urlParams: e.urlParamsSchema as Option.Option<Schema.Schema.Any>
    })
  }
})

const segment = fc.oneof(
  nasty,
  fc.string({ maxLength: 40 }),
  fc.uuid(),
  fc.constantFrom("2026-11-25", "backup", "slack", "today", "1")
)

const value: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 60 }),
  nasty,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 20 }), { maxLength: 5 }),
  fc.json().map((text) => JSON.parse(text) as unknown)
)

/** Property names and literal values anywhere in the wire form of a schema, to build bodies that look right. */
const shapeOf = (schema: Schema.Schema.Any) => {
  const keys = new Set<string>()
  const literals = new Set<unknown>()
  const seen = new Set<SchemaAST.AST>()
  const walk = (ast: SchemaAST.AST): void => {
    if (seen.has(ast)) return
    seen.add(ast)
    switch (ast._tag) {
      case "TypeLiteral":
        for (const property of ast.propertySignatures) {
          if (typeof property.name === "string") keys.add(property.name)
          walk(property.type)
        }
        return
      case "Union":
        return ast.types.forEach(walk)
      case "TupleType":
        ast.elements.forEach((element) => walk(element.type))
        return ast.rest.forEach((rest) => walk(rest.type))
      case "Refinement":
        return walk(ast.from)
      case "Transformation":
        return walk(ast.from)
      case "Suspend":
        return walk(ast.f())
      case "Literal":
        literals.add(ast.literal)
        return
      default:
        return
    }
  }
  walk(Schema.encodedSchema(schema).ast)
  return { keys: [...keys], literals: [...literals] }
}

/**
 * Objects with the payload's own field names holding random values (and its literals, so enum-like fields sometimes
 * match): many pass the first checks and reach deeper validation and the handlers. Built from the AST rather than
 * with Arbitrary.make, whose filtered generators can spin on refinements no random value meets.
 */
const shapedBody = (schema: Option.Option<Schema.Schema.Any>): fc.Arbitrary<string> => {
  if (Option.isNone(schema)) return fc.json()
  const { keys, literals } = shapeOf(schema.value)
  if (keys.length === 0) return fc.json()
  const field = literals.length === 0 ? value : fc.oneof(value, fc.constantFrom(...literals))
  return fc
    .record(Object.fromEntries(keys.map((key) => [key, field])), { requiredKeys: [] })
    .map((object) => JSON.stringify(object))
}

const body = (target: Target) =>
  fc.oneof(
    { weight: 3, arbitrary: shapedBody(target.payload) },
    { weight: 2, arbitrary: fc.json() },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
    { weight: 1, arbitrary: fc.constantFrom("{", '{"a":', "[1,2", '"\\ud800"', "", "null", "{}".repeat(1000)) }
  )

const request = (target: Target) =>
  fc.record({
    params: fc.array(segment, { minLength: 4, maxLength: 4 }),
    query: fc.oneof(
      fc.constant(""),
      fc
        .dictionary(fc.constantFrom("limit", "q", "from", "to", "date", "type", "cursor", "workspace"), segment, {
          maxKeys: 3
        })
        .map((params) => new URLSearchParams(params).toString())
    ),
    workspace: fc.oneof(
      { weight: 5, arbitrary: fc.constant("the workspace") },
      { weight: 1, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.oneof(fc.uuid(), nasty, fc.string({ maxLength: 40 })) }
    ),
    contentType: fc.constantFrom("application/json", "application/json", "text/plain", undefined),
    body: body(target)
  })

const send = async (target: Target, input: fc.RecordValue<Record<string, unknown>> & Record<string, any>) => {
  let i = 0
  const url = `${base}${target.path.replace(/:[A-Za-z]+/g, () => encodeSegment(input.params[i++]))}${input.query === "" ? "" : `?${input.query}`}`
  const headers: Record<string, string> = {}
  if (input.contentType !== undefined) headers["content-type"] = input.contentType
  if (input.workspace !== undefined) {
    try {
      headers["x-workspace-id"] =
        input.workspace === "the workspace" ? workspace : new Headers({ v: input.workspace }).get("v")!
    } catch {
      headers["x-workspace-id"] = "not-a-header-safe-value"
    }
  }
  const hasBody = !["GET", "HEAD", "OPTIONS"].includes(target.method)
  const answer = await fetchAnswer(url, { method: target.method, headers, ...(hasBody ? { body: input.body } : {}) })
  return { url, ...answer }
}

beforeAll(async () => {
  db = await createDatabase("fuzz")
  const port = await freePort()
  base = `http://127.0.0.1:${port}`
  host = startHost({
    cwd: scratchDir(),
    env: hostEnv(db, port, { CARABASE_BACKUP_DIR: path.join(scratchDir("carabase-fuzz-"), "backups") })
  })
  await host.ready()
  workspace = (await runClient(base, (api) => api.workspaces.create({ payload: { name: "Fuzzed" } }))).workspace.id
})
afterAll(async () => {
  await host?.stop()
  await db?.drop()
})

describe("every declared endpoint under random input", () => {
  it("the declaration was read", () => {
    expect(targets.length).toBeGreaterThan(40)
  })

  for (const target of targets) {
    it(`${target.method} ${target.path} never answers 500 or shows internals`, async () => {
      await fc.assert(
        fc.asyncProperty(request(target), async (input) => {
          const answer = await send(target, input)
          const context = `${target.method} ${answer.url} -> ${answer.status} ${answer.text.slice(0, 300)}`
          expect(answer.status, context).not.toBe(500)
          expect(answer.status === 503 && host.child.exitCode === null ? answer.text : "", context).not.toContain(
            "database"
          )
          expect(leaksInternals(answer.text), context).toBe(false)
          if (answer.status >= 400 && answer.text !== "") {
            expect(() => JSON.parse(answer.text), context).not.toThrow()
          }
        }),
        { numRuns: RUNS }
      )
    }, 120_000)
  }

  it("the host is still healthy afterwards", () => expectStillHealthy(base, host))
})
