// Every tool call the published Carabase skills write (test/fixtures/carabase-skill-calls.json, taken from the
// SKILL.md files of carabase/carabase-claw-skills at the commit it names), replayed in order through the SDK's
// client against a workspace seeded with what the skills talk about (the Backend folio, Acme Project, Alice Chen,
// tasks on 2026-03-28 and 2026-03-30): each call is accepted as written, and each answer has the shape the skill
// documents for it, an empty answer of a canonical tool ending with its `[hint: …]` trailer.
import type { Client } from "@modelcontextprotocol/sdk/client/index.js"
import { readFileSync } from "node:fs"
import { beforeAll, describe, expect, it } from "@effect/vitest"
import { call, createWorkspace, hostSuite, mcpClients } from "../support/hostSuite"

interface SkillCall {
  readonly skill: string
  readonly line: number
  readonly form: string
  readonly tool: string
  readonly arguments: Record<string, unknown>
}

const fixture = JSON.parse(readFileSync(new URL("../fixtures/carabase-skill-calls.json", import.meta.url), "utf8")) as {
  commit: string
  calls: ReadonlyArray<SkillCall>
}

const suite = hostSuite("mcp_skill_replay")
const connect = mcpClients(suite)
let A: string
let client: Client
const ids: Record<string, string> = {}

const text = (result: any): string =>
  ((result.content as Array<{ type: string; text?: string }> | undefined) ?? [])
    .filter((part) => part.type === "text")
    .map((part) => part.text)
    .join("\n")

/** The skills' placeholders, by argument and as written, with what this workspace has in their place. */
const placeholder = (key: string, value: unknown): unknown => {
  if (value === "a1b2c3d4-...") return ids.artifact
  if (key === "concept_root_ids") return (value as Array<string>).map((v) => (v === "..." ? ids["Acme Project"] : v))
  if (value === "…" && key === "folio_name") return "Backend"
  if (value === "…" || value === "<resolved>" || value === "<project>") return "Acme Project"
  if (value === "<topic>") return "Redis caching layer"
  if (value === "<recent>") return "2026-03-01"
  if (value === "<the fact, stated declaratively>") return "Friday deploys are frozen"
  return value
}

const HEADING = /^## \d{2}:\d{2} [AP]M(?: \[#[^\]]+\])*(?: \[[^\]#][^\]]*\])*$/
const TRAILER = /\n\[hint: [^\n]*`(carabase_[a-z_]+)`[^\n]*\]\n\[trace: [^\n]+\]$/

/** An empty canonical answer ends with a hint naming the next tool; a non-empty one has no hint. */
const hintedWhenEmpty = (result: any, items: ReadonlyArray<unknown>) =>
  items.length === 0 ? expect(text(result)).toMatch(TRAILER) : expect(text(result)).not.toContain("[hint:")

const shapes: Record<string, (answer: any, result: any, args: Record<string, unknown>) => void> = {
  read_daily_note: (answer, _result, args) => {
    expect(answer).toMatchObject({ date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), text: expect.any(String) })
    const headings = (answer.text as string).split("\n").filter((line) => line.startsWith("## "))
    for (const heading of headings) expect(heading).toMatch(HEADING)
    if (args.date === "2026-03-30") expect(headings.length).toBeGreaterThan(0)
  },
  create_log_entry: (answer) => expect(answer).toMatchObject({ success: true, date: expect.any(String) }),
  create_task: (answer, _result, args) =>
    expect(answer).toMatchObject({
      text: args.text,
      date: args.date ?? expect.any(String),
      folio: args.folio ?? null,
      tags: args.tags ?? [],
      checked: false
    }),
  list_tasks: (answer, _result, args) => {
    expect(answer.tasks.length).toBeGreaterThan(0)
    for (const task of answer.tasks) {
      expect(task).toMatchObject({
        id: `${task.date}:${task.nodeIndex}`,
        text: expect.any(String),
        checked: args.checked ?? expect.any(Boolean),
        folios: expect.any(Array),
        tags: expect.any(Array)
      })
      if (args.folio !== undefined) expect(task.folios).toContain(args.folio)
    }
  },
  toggle_task: (answer, _result, args) =>
    expect(answer).toMatchObject({ text: expect.any(String), checked: args.checked }),
  carabase_search_semantic: (answer, result) => {
    for (const hit of answer.results) {
      expect(hit).toMatchObject({ id: expect.any(String), kind: expect.any(String), snippet: expect.any(String) })
      if (hit.kind === "artifact") expect(hit.uri).toBe(`carabase://artifact/${hit.id}`)
    }
    hintedWhenEmpty(result, answer.results)
  },
  carabase_search_graph: (answer, _result, args) => {
    expect(answer.start).toMatchObject({ name: args.entity, type: expect.any(String) })
    expect(answer.entity).toMatchObject({ name: args.entity, type: expect.any(String), metadata: expect.any(Object) })
    expect(answer.edges.length).toBeGreaterThan(0)
  },
  carabase_find_entity_candidates: (answer, result) => {
    for (const candidate of answer.candidates) {
      expect(candidate).toMatchObject({
        name: expect.any(String),
        type: expect.any(String),
        strategy: expect.any(String)
      })
    }
    hintedWhenEmpty(result, answer.candidates)
  },
  carabase_query_metadata: (answer, result) => {
    for (const entry of answer.entries) {
      expect(entry).toMatchObject({ date: expect.any(String), tags: expect.any(Array), text: expect.any(String) })
    }
    hintedWhenEmpty(result, answer.entries)
  },
  carabase_route_and_execute: (answer) => expect(["graph", "metadata", "semantic"]).toContain(answer.route),
  carabase_verify_hypothesis: (answer) =>
    expect(answer).toMatchObject({
      verdict: expect.stringMatching(/^(corroborated|contradicted|mixed|inconclusive)$/),
      corroborated_by: expect.any(Array),
      contradicted_by: expect.any(Array),
      considered: expect.any(Number)
    }),
  list_folios: (answer) => {
    expect(answer.folios.length).toBeGreaterThan(0)
    for (const folio of answer.folios) {
      expect(folio).toMatchObject({
        name: expect.any(String),
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        commitCount: expect.any(Number)
      })
    }
  },
  read_folio_map: (answer) =>
    expect(answer.folio).toMatchObject({ name: "Backend", about: expect.any(String), timeline: expect.any(Array) }),
  commit_to_folio: (answer, _result, args) => expect(answer.commit).toMatchObject({ message: args.content }),
  update_folio_section: (answer, _result, args) => expect(answer.folio).toMatchObject({ about: args.content }),
  read_artifact: (answer) => expect(answer).toMatchObject({ content: expect.any(String), truncated: false }),
  search_memories: (answer) => {
    for (const memory of answer.memories)
      expect(memory).toMatchObject({ id: expect.any(String), content: expect.any(String) })
  },
  create_memory: (answer, _result, args) => expect(answer.memory).toMatchObject({ content: args.content }),
  list_entities: (answer, _result, args) => {
    for (const entity of answer.entities) expect(entity.type).toBe(args.type ?? entity.type)
  }
}

beforeAll(async () => {
  A = await createWorkspace(suite.base, "Skill replay")
  for (const name of ["Backend", "Frontend", "Planning"]) {
    await call(suite.base, "POST", "/folios", { workspace: A, body: { name, about: `${name} work` } })
  }
  for (const [name, type] of [
    ["Acme Project", "project"],
    ["Alice Chen", "person"],
    ["Auth Service", "tool"],
    ["Backend Platform", "project"]
  ] as const) {
    ids[name] = (await call(suite.base, "POST", "/entities", { workspace: A, body: { name, type } })).body.entity.id
  }
  await call(suite.base, "POST", "/edges", {
    workspace: A,
    body: { sourceId: ids["Alice Chen"], targetId: ids["Acme Project"], type: "leads", confidence: 0.9 }
  })
  const entry = (date: string, content: string, tags: Array<string>) =>
    call(suite.base, "POST", "/daily-notes/inject", {
      workspace: A,
      body: { type: "logCard", content, folio: "Backend", tags, date }
    })
  const tasks = (n: number) => Array.from({ length: n }, (_, i) => `- [ ] seeded task ${i + 1}`).join("\n")
  await entry("2026-03-28", `${tasks(8)}\n- [x] seeded done task`, ["urgent"])
  await entry("2026-03-30", `Standup about Acme Project\n\n${tasks(6)}`, ["standup", "deploy", "production"])
  await call(suite.base, "POST", "/memories", {
    workspace: A,
    body: { content: "We chose PostgreSQL over ClickHouse for analytics" }
  })
  const form = new FormData()
  form.append("file", new Blob(["Redis caching layer implementation notes."], { type: "text/plain" }), "redis.txt")
  const uploaded = await fetch(`${suite.base}/api/v1/artifacts/upload`, {
    method: "POST",
    headers: { "x-workspace-id": A },
    body: form
  })
  ids.artifact = ((await uploaded.json()) as { artifact: { id: string } }).artifact.id
  client = await connect(A)
})

describe(`the skills' tool calls (carabase-claw-skills ${fixture.commit.slice(0, 7)})`, () => {
  it("the fixture covers every tool the skills call, each of which this host serves", async () => {
    const called = [...new Set(fixture.calls.map((c) => c.tool))].sort()
    expect(called).toHaveLength(19)
    const served = (await client.listTools()).tools.map((t) => t.name)
    expect(called.filter((name) => !served.includes(name))).toEqual([])
    expect(Object.keys(shapes).sort()).toEqual(called)
  })

  it("replays each call as written, in the skills' order, and each answer has the documented shape", async () => {
    for (const skillCall of fixture.calls) {
      const where = `${skillCall.skill}/SKILL.md:${skillCall.line} ${skillCall.tool}(${JSON.stringify(skillCall.arguments)})`
      const args = Object.fromEntries(
        Object.entries(skillCall.arguments).map(([key, value]) => [key, placeholder(key, value)])
      )
      const result = await client.callTool({ name: skillCall.tool, arguments: args }).catch((error: Error) => {
        throw new Error(`${where}: ${error.message}`)
      })
      expect(result.isError, `${where}: ${text(result)}`).toBeFalsy()
      const answer = result.structuredContent as any
      try {
        shapes[skillCall.tool]!(answer, result, args)
      } catch (error) {
        throw new Error(`${where}: ${(error as Error).message}`)
      }
    }
  })
})
