// A folio's log (GET /folios/:id/entries) read from daily notes seeded directly in the database, workspace isolation
// of folios through the API, and the live-updates announcement of folio writes.
import { describe, expect, it } from "@effect/vitest"
import { asOwner, call, createWorkspace, hostSuite, openEvents } from "../support/hostSuite"

const suite = hostSuite("folio_entries")

const logCard = (
  timestamp: string,
  folios: ReadonlyArray<string> | string,
  text: string,
  tags: Array<string> = []
) => ({
  type: "logCard",
  attrs: {
    timestamp,
    visibility: "PRIVATE",
    tags: JSON.stringify(tags),
    folios: typeof folios === "string" ? folios : JSON.stringify(folios),
    customers: "[]",
    abandoned: "false"
  },
  content: [{ type: "paragraph", content: [{ type: "text", text }] }]
})

const seedNote = (workspace: string, date: string, document: ReadonlyArray<unknown>) =>
  asOwner(suite.db, (client) =>
    client.query(`insert into daily_notes (workspace_id, date, document) values ($1, $2, $3::jsonb)`, [
      workspace,
      date,
      JSON.stringify(document)
    ])
  )

const createFolio = async (workspace: string, name: string) => {
  const answer = await call(suite.base, "POST", "/folios", { workspace, body: { name } })
  expect(answer.status).toBe(201)
  return answer.body.id as string
}

const entriesOf = async (workspace: string, id: string) => {
  const answer = await call(suite.base, "GET", `/folios/${id}/entries`, { workspace })
  expect(answer.status).toBe(200)
  return answer.body.entries as Array<{
    date: string
    timestamp: string
    tags: Array<string>
    folios: Array<string>
    text: string
    block: unknown
  }>
}

describe("GET /folios/:id/entries", () => {
  it("answers the logCards naming the folio, newest first, and leaves out cards naming other folios", async () => {
    const workspace = await createWorkspace(suite.base, "entries")
    const atlas = await createFolio(workspace, "Atlas")
    await createFolio(workspace, "Atlas Two")
    const morning = logCard("09:15 AM", ["Atlas"], "Kickoff with the team", ["meeting"])
    await seedNote(workspace, "2025-03-01", [
      morning,
      { type: "paragraph", content: [{ type: "text", text: "not a card" }] },
      logCard("02:30 PM", ["Garden"], "Planted beans"),
      logCard("11:45 AM", ["garden", "ATLAS"], "Budget review")
    ])
    await seedNote(workspace, "2025-03-03", [
      logCard("08:00 AM", ["Atlas Two"], "Different folio with a longer name"),
      logCard("12:05 PM", ["Atlas"], "Lunch decision"),
      logCard("12:00 AM", ["Atlas"], "Just after midnight")
    ])
    await seedNote(workspace, "2025-02-27", [logCard("10:00 PM", ["Atlassian"], "Not this one either")])

    const entries = await entriesOf(workspace, atlas)
    expect(entries.map((entry) => [entry.date, entry.timestamp, entry.text])).toEqual([
      ["2025-03-03", "12:05 PM", "Lunch decision"],
      ["2025-03-03", "12:00 AM", "Just after midnight"],
      ["2025-03-01", "11:45 AM", "Budget review"],
      ["2025-03-01", "09:15 AM", "Kickoff with the team"]
    ])
    expect(entries[3]).toEqual({
      date: "2025-03-01",
      timestamp: "09:15 AM",
      tags: ["meeting"],
      folios: ["Atlas"],
      text: "Kickoff with the team",
      block: morning
    })
    expect(entries[2]!.folios).toEqual(["garden", "ATLAS"])
  })

  it("finds names that JSON may escape, tolerates malformed attributes, and follows a rename", async () => {
    const workspace = await createWorkspace(suite.base, "entries odd")
    const id = await createFolio(workspace, 'Zoë "Z" / notes')
    await seedNote(workspace, "2025-04-01", [
      logCard("09:00 AM", JSON.stringify(['Zoë "Z" / notes']), "plain encoding"),
      logCard("10:00 AM", '["Zo\\u00eb \\"Z\\" \\/ notes"]', "ASCII-escaped encoding"),
      logCard("11:00 AM", "not json at all", "malformed folios"),
      { type: "logCard" },
      "a stray string",
      logCard("not a time", ['zoë "z" / NOTES'], "no readable timestamp")
    ])
    const entries = await entriesOf(workspace, id)
    expect(entries.map((entry) => entry.text)).toEqual([
      "ASCII-escaped encoding",
      "plain encoding",
      "no readable timestamp"
    ])
    const renamed = await call(suite.base, "PATCH", `/folios/${id}`, { workspace, body: { name: "Zed" } })
    expect(renamed.status).toBe(200)
    expect(await entriesOf(workspace, id)).toEqual([])
  })

  it("renders nested blocks and mentions as plain text", async () => {
    const workspace = await createWorkspace(suite.base, "entries text")
    const id = await createFolio(workspace, "Atlas")
    const card = {
      type: "logCard",
      attrs: { timestamp: "07:00 AM", folios: '["Atlas"]', tags: '["x"]' },
      content: [
        {
          type: "paragraph",
          content: [
            { type: "text", text: "Met " },
            { type: "mention", attrs: { id: "p1", label: "Ana" } },
            { type: "text", text: " about ", marks: [{ type: "bold" }] },
            { type: "tagMention", attrs: { label: "budget" } }
          ]
        },
        {
          type: "taskList",
          content: [
            {
              type: "taskItem",
              attrs: { checked: false },
              content: [{ type: "paragraph", content: [{ type: "text", text: "Send deck" }] }]
            }
          ]
        }
      ]
    }
    await seedNote(workspace, "2025-05-05", [card])
    const [entry] = await entriesOf(workspace, id)
    expect(entry!.text).toBe("Met @Ana about #budget\nSend deck")
    expect(entry!.block).toEqual(card)
  })
})

describe("workspace isolation of folios", () => {
  it("another workspace cannot list, read, patch, commit to or read the log of a folio", async () => {
    const a = await createWorkspace(suite.base, "A")
    const b = await createWorkspace(suite.base, "B")
    const atlas = await createFolio(a, "Atlas")
    expect((await call(suite.base, "GET", "/folios", { workspace: b })).body.folios).toEqual([])
    expect((await call(suite.base, "GET", "/folios?search=atlas", { workspace: b })).body.folios).toEqual([])
    expect((await call(suite.base, "GET", `/folios/${atlas}`, { workspace: b })).status).toBe(404)
    const patch = await call(suite.base, "PATCH", `/folios/${atlas}`, { workspace: b, body: { name: "Stolen" } })
    expect(patch.status).toBe(404)
    const commit = await call(suite.base, "POST", `/folios/${atlas}/commits`, { workspace: b, body: { message: "x" } })
    expect(commit.status).toBe(404)
    expect((await call(suite.base, "GET", `/folios/${atlas}/entries`, { workspace: b })).status).toBe(404)
    const read = await call(suite.base, "GET", `/folios/${atlas}`, { workspace: a })
    expect(read.body.folio).toMatchObject({ name: "Atlas", commits: [] })
  })

  it("the same name may exist in both workspaces, and a folio's log never includes the other's notes", async () => {
    const a = await createWorkspace(suite.base, "A log")
    const b = await createWorkspace(suite.base, "B log")
    const atlasA = await createFolio(a, "Atlas")
    const atlasB = await createFolio(b, "Atlas")
    await seedNote(a, "2025-06-01", [logCard("09:00 AM", ["Atlas"], "A's entry")])
    await seedNote(b, "2025-06-01", [logCard("09:00 AM", ["Atlas"], "B's entry")])
    await seedNote(b, "2025-06-02", [logCard("09:00 AM", ["Atlas"], "B's later entry")])
    expect((await entriesOf(a, atlasA)).map((entry) => entry.text)).toEqual(["A's entry"])
    expect((await entriesOf(b, atlasB)).map((entry) => entry.text)).toEqual(["B's later entry", "B's entry"])
  })
})

describe("live updates", () => {
  it("creating, patching and committing to a folio each send a folio change on the workspace's event stream", async () => {
    const workspace = await createWorkspace(suite.base, "live")
    const other = await createWorkspace(suite.base, "live other")
    const events = await openEvents(suite.base, workspace)
    const otherEvents = await openEvents(suite.base, other)
    try {
      expect(events.status).toBe(200)
      await events.until(/event: ready/)
      await otherEvents.until(/event: ready/)
      const id = await createFolio(workspace, "Atlas")
      const created = await events.until(new RegExp(`event: change\\ndata: .*"created".*${id}`))
      const change = JSON.parse(/event: change\ndata: (.*)\n/.exec(created)![1]!)
      expect(change).toEqual({ type: "folio", action: "created", id })
      await call(suite.base, "PATCH", `/folios/${id}`, { workspace, body: { about: "x" } })
      await events.until(new RegExp(`"type":"folio","action":"updated","id":"${id}"`))
      await expect(otherEvents.until(/event: change/, 300)).rejects.toThrow(/no event/)
    } finally {
      events.close()
      otherEvents.close()
    }
  })
})
