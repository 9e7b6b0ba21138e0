// Entity extraction end to end, on a real host, database and job queue: notes written over HTTP are extracted by the
// entity-extraction job (queued by the write, run out of the request), and what it found is read back over HTTP. The
// offline tier runs on a fixed corpus (test/fixtures/extraction/corpus.json) whose expected entities and edges were
// listed by hand; its precision and recall are printed. Then: near-duplicate names go to curation and the owner's
// decision is carried out, re-runs change nothing, editing or deleting an entry updates the mentions, workspace B
// sees none of A's extraction as carabase_app, and the model tier through a `utility` route to a fake OpenAI-style
// provider stores what a valid answer names and skips (and counts) an answer that is not the JSON asked for.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import { connect } from "../support/database"
import { messagesOf, startFakeProvider, type FakeProvider } from "../support/fakeProvider"
import { asOwner, call, createWorkspace, hostSuite } from "../support/hostSuite"

const suite = hostSuite("extraction")

interface Card {
  readonly tags?: ReadonlyArray<string>
  readonly folios?: ReadonlyArray<string>
  readonly text?: string
  readonly parts?: ReadonlyArray<{ readonly text?: string; readonly mention?: string }>
}
interface Corpus {
  readonly entities: ReadonlyArray<{ name: string; type: string; aliases?: Array<string> }>
  readonly notes: ReadonlyArray<{ readonly date: string; readonly cards: ReadonlyArray<Card> }>
  readonly expected: Record<string, ReadonlyArray<string>>
  readonly expectedEdges: ReadonlyArray<readonly [string, string, string]>
}
const corpus = JSON.parse(
  readFileSync(new URL("../fixtures/extraction/corpus.json", import.meta.url), "utf8")
) as Corpus

const logCard = (card: Card, i: number) => ({
  type: "logCard",
  attrs: {
    timestamp: `0${(i % 9) + 1}:00 AM`,
    visibility: "PRIVATE",
    tags: JSON.stringify(card.tags ?? []),
    folios: JSON.stringify(card.folios ?? []),
    customers: "[]",
    abandoned: "false"
  },
  content: [
    {
      type: "paragraph",
      content: (card.parts ?? [{ text: card.text ?? "" }]).map((part) =>
        part.mention !== undefined
          ? { type: "mention", attrs: { id: part.mention, label: part.mention } }
          : { type: "text", text: part.text ?? "" }
      )
    }
  ]
})

const ok = (answer: { status: number; body: any }, status = 200) => {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status)
  return answer.body
}

const writeNote = async (workspace: string, date: string, cards: ReadonlyArray<Card>) =>
  ok(
    await call(suite.base, "PATCH", `/daily-notes/${date}`, {
      workspace,
      body: { documentState: cards.map(logCard) }
    })
  )

/**
 * Waits until what was queued is extracted: the workspace's queue is empty, no entity-extraction run is still going
 * (its counts are recorded before it ends) and more extraction runs are recorded than `runsBefore`.
 */
const settled = async (workspace: string, runsBefore = 0) => {
  const deadline = Date.now() + 60_000
  for (;;) {
    const waiting = await asOwner(suite.db, async (client) => {
      const count = async (query: string) => (await client.query(query, [workspace])).rows[0].n as number
      return {
        queued: await count("select count(*)::int as n from extraction_queue where workspace_id = $1"),
        running: await count(
          "select count(*)::int as n from job_runs where workspace_id = $1 and name = 'entity-extraction' and status = 'running'"
        ),
        runs: await count("select count(*)::int as n from extraction_runs where workspace_id = $1")
      }
    })
    if (waiting.queued === 0 && waiting.running === 0 && waiting.runs > runsBefore) return waiting.runs
    if (Date.now() > deadline) throw new Error(`extraction did not settle: ${JSON.stringify(waiting)}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}
const runCount = (workspace: string) =>
  asOwner(suite.db, async (client) => {
    const runs = await client.query("select count(*)::int as n from extraction_runs where workspace_id = $1", [
      workspace
    ])
    return runs.rows[0].n as number
  })

interface Snapshot {
  /** `date#block` -> entity names. */
  readonly mentions: Map<string, Set<string>>
  readonly mentionIds: Array<string>
  /** `date#block|a|b` (names in order) of extracted edges. */
  readonly edges: Set<string>
  readonly edgeIds: Array<string>
  readonly entities: Array<{ id: string; name: string; type: string; aliases: Array<string> }>
  readonly raw: Array<any>
}

const snapshot = async (workspace: string): Promise<Snapshot> => {
  const entities = ok(await call(suite.base, "GET", "/entities?limit=200", { workspace }))
    .entities as Snapshot["entities"]
  const byId = new Map(entities.map((entity) => [entity.id, entity.name]))
  const mentions = new Map<string, Set<string>>()
  const mentionIds: Array<string> = []
  const raw: Array<any> = []
  for (const entity of entities) {
    const found = ok(await call(suite.base, "GET", `/entities/${entity.id}/mentions`, { workspace })).mentions
    for (const mention of found) {
      raw.push({ ...mention, name: entity.name })
      mentionIds.push(mention.id)
      const key = `${mention.noteDate}#${mention.blockIndex}`
      mentions.set(key, (mentions.get(key) ?? new Set()).add(entity.name))
    }
  }
  const edges = new Set<string>()
  const edgeIds: Array<string> = []
  for (const edge of ok(await call(suite.base, "GET", "/edges", { workspace })).edges) {
    if (edge.provenance.extractor !== "entity-extraction") continue
    edgeIds.push(edge.id)
    edges.add(
      `${edge.provenance.noteDate}#${edge.provenance.blockIndex}|${byId.get(edge.sourceId)}|${byId.get(edge.targetId)}`
    )
  }
  return { mentions, mentionIds: mentionIds.sort(), edges, edgeIds: edgeIds.sort(), entities, raw }
}

const score = (found: Set<string>, expected: Set<string>) => {
  const hits = [...found].filter((item) => expected.has(item)).length
  return {
    precision: found.size === 0 ? 0 : hits / found.size,
    recall: expected.size === 0 ? 0 : hits / expected.size,
    falsePositives: [...found].filter((item) => !expected.has(item)),
    missed: [...expected].filter((item) => !found.has(item))
  }
}

/** An unordered edge key: the pair in name order. */
const pairKey = (place: string, a: string, b: string) => `${place}|${[a, b].sort().join("|")}`

describe("the offline tier on the fixed corpus", () => {
  let workspace: string
  let first: Snapshot

  beforeAll(async () => {
    workspace = await createWorkspace(suite.base, "corpus")
    for (const entity of corpus.entities)
      ok(await call(suite.base, "POST", "/entities", { workspace, body: entity }), 201)
    for (const note of corpus.notes) await writeNote(workspace, note.date, note.cards)
    await settled(workspace)
    first = await snapshot(workspace)
  })

  it("finds the hand-listed entities and edges with precision >= 0.8 and recall >= 0.7 (printed)", () => {
    const found = new Set([...first.mentions].flatMap(([place, names]) => [...names].map((name) => `${place}|${name}`)))
    const expected = new Set(
      Object.entries(corpus.expected).flatMap(([place, names]) => names.map((name) => `${place}|${name}`))
    )
    const entities = score(found, expected)
    const edges = score(
      new Set(
        [...first.edges].map((edge) => {
          const [place, a, b] = edge.split("|") as [string, string, string]
          return pairKey(place, a, b)
        })
      ),
      new Set(corpus.expectedEdges.map(([place, a, b]) => pairKey(place, a, b)))
    )
    const line = (what: string, s: ReturnType<typeof score>) =>
      `${what}: precision ${s.precision.toFixed(2)}, recall ${s.recall.toFixed(2)}; missed ${JSON.stringify(s.missed)}; false ${JSON.stringify(s.falsePositives)}`
    console.log(`offline tier on the corpus\n  ${line("mentions", entities)}\n  ${line("edges", edges)}`)
    expect(entities.precision).toBeGreaterThanOrEqual(0.8)
    expect(entities.recall).toBeGreaterThanOrEqual(0.7)
    expect(edges.precision).toBeGreaterThanOrEqual(0.8)
    expect(edges.recall).toBeGreaterThanOrEqual(0.7)
  })

  it("links each mention to its note block and job run, and each edge carries source_kind, confidence and provenance", async () => {
    const alice = first.entities.find((entity) => entity.name === "Alice Chen")!
    const mentions = ok(await call(suite.base, "GET", `/entities/${alice.id}/mentions`, { workspace })).mentions
    const jobRuns = await asOwner(suite.db, async (client) =>
      (
        await client.query("select id::text from job_runs where workspace_id = $1 and name = 'entity-extraction'", [
          workspace
        ])
      ).rows.map((row) => row.id as string)
    )
    expect(mentions).toContainEqual(
      expect.objectContaining({
        sourceKind: "note",
        noteDate: "2026-03-03",
        blockIndex: 0,
        surface: "Ali Chen",
        tier: "offline",
        how: "name",
        chunkOrdinal: null
      })
    )
    for (const mention of mentions) expect(jobRuns).toContain(mention.jobRunId)
    const edge = ok(await call(suite.base, "GET", "/edges", { workspace })).edges.find(
      (each: any) => each.provenance.noteDate === "2026-03-02" && each.provenance.blockIndex === 1
    )
    expect(edge).toMatchObject({
      type: "mentioned_with",
      sourceKind: "inferred",
      confidence: 0.5,
      provenance: { extractor: "entity-extraction", tier: "offline", sourceKind: "note", noteDate: "2026-03-02" }
    })
    expect(jobRuns).toContain(edge.provenance.jobRun)
    // A new name with no look-alike became an entity; a capitalised name that resolves to nothing did not.
    expect(first.entities.map((entity) => entity.name)).toEqual(
      expect.arrayContaining(["Project Phoenix", "Carlos Ruiz", "Runbook", "standup"])
    )
    expect(first.entities.map((entity) => entity.name)).not.toContain("Elena Petrova")
    expect(first.entities.map((entity) => entity.name)).not.toContain("March Planning")
  })

  it("hands near-duplicate names to curation instead of making entities, and carries out the owner's decision", async () => {
    const pending = ok(await call(suite.base, "GET", "/curation-suggestions?status=pending", { workspace })).suggestions
    const newNames = pending.filter((s: any) => s.kind === "new-name")
    expect(newNames.map((s: any) => [s.aliasName, s.canonicalName, s.reason]).sort()).toEqual([
      ["A. Chen", "Alice Chen", "initials"],
      ["bob", "Bob Martinez", "partial"]
    ])
    expect(newNames[0]).toMatchObject({ aliasId: null, source: { kind: "note", noteDate: "2026-03-03", place: 1 } })
    const names = first.entities.map((entity) => entity.name.toLowerCase())
    expect(names).not.toContain("a. chen")
    expect(names).not.toContain("bob")

    const runs = await runCount(workspace)
    const chen = newNames.find((s: any) => s.aliasName === "A. Chen")
    const bob = newNames.find((s: any) => s.aliasName === "bob")
    ok(await call(suite.base, "POST", `/curation-suggestions/${chen.id}/accept`, { workspace }))
    ok(await call(suite.base, "POST", `/curation-suggestions/${bob.id}/reject`, { workspace }))
    await settled(workspace, runs)
    const after = await snapshot(workspace)
    const alice = after.entities.find((entity) => entity.name === "Alice Chen")!
    expect(alice.aliases).toContain("A. Chen")
    expect([...(after.mentions.get("2026-03-03#1") ?? [])].sort()).toEqual(["Alice Chen", "Quarterly Review", "bob"])
    expect(after.entities.find((entity) => entity.name === "bob")).toMatchObject({ type: "person" })
    // Decided once: the same names are not proposed again.
    const again = ok(await call(suite.base, "GET", "/curation-suggestions?status=pending", { workspace })).suggestions
    expect(again.filter((s: any) => s.kind === "new-name")).toEqual([])
    first = after
  })

  it("re-running extraction over everything changes nothing: same mentions, edges and entities, same ids", async () => {
    for (let round = 0; round < 2; round++) {
      const runs = await runCount(workspace)
      expect(ok(await call(suite.base, "POST", "/extraction-runs", { workspace }), 202).queued).toBeGreaterThanOrEqual(
        3
      )
      await settled(workspace, runs)
      const again = await snapshot(workspace)
      expect(again.mentionIds).toEqual(first.mentionIds)
      expect(again.edgeIds).toEqual(first.edgeIds)
      expect(again.entities.map((entity) => entity.id).sort()).toEqual(first.entities.map((entity) => entity.id).sort())
    }
    const runs = ok(await call(suite.base, "GET", "/extraction-runs", { workspace })).runs
    expect(runs[0]).toMatchObject({ mentions: 0, edges: 0, entitiesCreated: 0, suggestions: 0 })
    expect(runs[0].sources).toBeGreaterThanOrEqual(3)
  })

  it("editing an entry updates its mentions and edges; deleting it removes them and what only it named", async () => {
    let runs = await runCount(workspace)
    ok(
      await call(suite.base, "PATCH", "/daily-notes/2026-03-02/entries/1", {
        workspace,
        body: { content: "Call with Northwind Traders about Kubernetes pricing." }
      })
    )
    await settled(workspace, runs)
    let now = await snapshot(workspace)
    expect([...(now.mentions.get("2026-03-02#1") ?? [])].sort()).toEqual(["Kubernetes", "Northwind Traders"])
    expect(now.edges).toContain("2026-03-02#1|Northwind Traders|Kubernetes")
    expect([...now.edges].some((edge) => edge.includes("Project Phoenix"))).toBe(false)
    // Project Phoenix was made by extraction from that entry alone: with the words gone, it is gone.
    expect(now.entities.map((entity) => entity.name)).not.toContain("Project Phoenix")

    runs = await runCount(workspace)
    ok(await call(suite.base, "DELETE", "/daily-notes/2026-03-03/entries/3", { workspace }))
    await settled(workspace, runs)
    now = await snapshot(workspace)
    expect(now.mentions.has("2026-03-03#3")).toBe(false)
    expect(now.entities.map((entity) => entity.name)).not.toContain("Carlos Ruiz")
    // The rest of the day is untouched.
    expect([...(now.mentions.get("2026-03-03#0") ?? [])].sort()).toEqual(["Alice Chen", "Atlas", "Kubernetes"])
  })

  it("extracts memories and uploaded documents by chunk, and forgets them when they are deleted", async () => {
    let runs = await runCount(workspace)
    const memory = ok(
      await call(suite.base, "POST", "/memories", { workspace, body: { content: "Bob Martinez prefers Kubernetes." } }),
      201
    )
    const form = new FormData()
    form.append("file", new Blob(["Northwind Traders signed for Atlas."], { type: "text/plain" }), "contract.txt")
    const upload = await fetch(`${suite.base}/api/v1/artifacts/upload`, {
      method: "POST",
      headers: { "x-workspace-id": workspace },
      body: form
    })
    expect(upload.status).toBe(201)
    const artifact = (await upload.json()) as { artifact: { id: string } }
    await settled(workspace, runs)
    let now = await snapshot(workspace)
    const memoryId = memory.memory.id as string
    const from = (kind: string) =>
      now.raw
        .filter((m) => m.sourceKind === kind)
        .map((m) => [m.name, m.chunkOrdinal, m.noteDate, m.blockIndex])
        .sort()
    expect(from("memory")).toEqual([
      ["Bob Martinez", 0, null, null],
      ["Kubernetes", 0, null, null]
    ])
    expect(from("artifact")).toEqual([
      ["Atlas", 0, null, null],
      ["Northwind Traders", 0, null, null]
    ])
    expect(now.raw.find((m) => m.sourceKind === "artifact").sourceId).toBe(artifact.artifact.id)

    runs = await runCount(workspace)
    ok(await call(suite.base, "DELETE", `/memories/${memoryId}`, { workspace }))
    await settled(workspace, runs)
    now = await snapshot(workspace)
    expect(from("memory")).toEqual([])
    expect(from("artifact")).toHaveLength(2)
  })

  it("shows workspace B none of A's extraction, as carabase_app under RLS and over HTTP", async () => {
    const other = await createWorkspace(suite.base, "other")
    const alice = first.entities.find((entity) => entity.name === "Alice Chen")!
    const client = await connect(suite.db.appUrl)
    try {
      const count = async (as: string, table: string) => {
        await client.query("begin")
        await client.query("select set_config('app.workspace_id', $1, true)", [as])
        const result = await client.query(`select count(*)::int as n from ${table}`)
        await client.query("commit")
        return result.rows[0].n as number
      }
      for (const table of ["entity_mentions", "extraction_runs", "edges", "entities"]) {
        expect(await count(workspace, table), table).toBeGreaterThan(0)
        expect(await count(other, table), table).toBe(0)
      }
      // Nor can B write into A's: a mention of A's entity is refused.
      await client.query("begin")
      await client.query("select set_config('app.workspace_id', $1, true)", [other])
      await expect(
        client.query(
          `insert into entity_mentions (workspace_id, entity_id, source_kind, source_id, note_date, block_index, surface, tier, how)
           values ($1, $2, 'note', 'x', '2026-03-02', 0, 'x', 'offline', 'name')`,
          [workspace, alice.id]
        )
      ).rejects.toThrow(/row-level security/)
      await client.query("rollback")
      await client.query("begin")
      await client.query("select set_config('app.workspace_id', $1, true)", [other])
      await expect(
        client.query(`insert into extraction_queue (workspace_id, source_kind, source_id) values ($1, 'note', 'x')`, [
          workspace
        ])
      ).rejects.toThrow(/row-level security/)
      await client.query("rollback")
    } finally {
      await client.end()
    }
    expect((await call(suite.base, "GET", `/entities/${alice.id}/mentions`, { workspace: other })).status).toBe(404)
    expect(ok(await call(suite.base, "GET", "/extraction-runs", { workspace: other })).runs).toEqual([])
  })
})

describe("the model tier through the utility route", () => {
  let provider: FakeProvider
  const KEY = "sk-utility-extraction-0001"

  beforeAll(async () => {
    provider = await startFakeProvider({
      apiKey: KEY,
      model: "extractor-small",
      answer: (body) => {
        const user = messagesOf(body, "user").join("\n")
        if (user.includes("garbled")) return { content: "Sure! Here are the entities: Alice, maybe Zed." }
        if (user.includes("Zephyr")) {
          return {
            content:
              "```json\n" +
              JSON.stringify({
                entities: [
                  { name: "Priya Natarajan", type: "person", place: 0 },
                  { name: "Zephyr", type: "project", place: 0 },
                  { name: "Ghost", type: "person", place: 7 }
                ],
                relations: [
                  { source: "Priya Natarajan", target: "Zephyr", type: "leads", place: 0, confidence: 0.9 },
                  { source: "Priya Natarajan", target: "Nobody", type: "knows", place: 0 }
                ]
              }) +
              "\n```"
          }
        }
        return { content: JSON.stringify({ entities: [] }) }
      }
    })
  })
  afterAll(() => provider.close())

  it("stores what a valid answer names (tier model, an extracted edge) and skips and counts an unparseable one", async () => {
    const workspace = await createWorkspace(suite.base, "model tier")
    ok(
      await call(suite.base, "PUT", "/model-routes/utility", {
        workspace,
        body: { provider: "openai-compatible", baseUrl: provider.url, model: "extractor-small", apiKey: KEY }
      })
    )
    await writeNote(workspace, "2026-04-01", [{ text: "priya natarajan now leads the Zephyr launch." }])
    await writeNote(workspace, "2026-04-02", [{ text: "A garbled day, #errands only." }])
    await settled(workspace)

    const runs = ok(await call(suite.base, "GET", "/extraction-runs", { workspace })).runs
    const total = (field: string) => runs.reduce((sum: number, run: any) => sum + run[field], 0)
    expect(total("modelAnswers")).toBe(2)
    expect(total("modelUnparseable")).toBe(1)

    const now = await snapshot(workspace)
    const names = now.entities.map((entity) => [entity.name, entity.type])
    expect(names).toEqual(
      expect.arrayContaining([
        ["Priya Natarajan", "person"],
        ["Zephyr", "project"],
        ["errands", "topic"]
      ])
    )
    // A name outside the places asked about, and a relation to a name the answer did not list, are dropped.
    expect(names.map(([name]) => name)).not.toContain("Ghost")
    expect(names.map(([name]) => name)).not.toContain("Nobody")
    // The garbled answer stored nothing: the offline tier's tag is all that day has.
    expect([...(now.mentions.get("2026-04-02#0") ?? [])]).toEqual(["errands"])
    expect(now.raw.filter((m) => m.noteDate === "2026-04-02").map((m) => m.tier)).toEqual(["offline"])
    const priya = now.raw.find((m) => m.name === "Priya Natarajan")
    expect(priya).toMatchObject({ tier: "model", how: "model", noteDate: "2026-04-01", blockIndex: 0 })
    const zephyr = now.entities.find((entity) => entity.name === "Zephyr")!
    const edges = ok(await call(suite.base, "GET", "/edges", { workspace })).edges
    expect(edges).toContainEqual(
      expect.objectContaining({
        targetId: zephyr.id,
        type: "leads",
        sourceKind: "extracted",
        confidence: 0.9,
        provenance: expect.objectContaining({ tier: "model", noteDate: "2026-04-01", blockIndex: 0 })
      })
    )
    // The route's model was asked, with the route's key, never OpenClaw (none is configured here).
    const chats = provider.requests.filter((request) => request.path === "/v1/chat/completions")
    expect(chats.length).toBe(2)
    expect(chats.every((request) => request.headers.authorization === `Bearer ${KEY}`)).toBe(true)
    expect(chats[0]!.body.model).toBe("extractor-small")
  })
})
