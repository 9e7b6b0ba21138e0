// Google Calendar and Gmail sync against local servers that answer like Google's documented APIs (Calendar v3,
// Gmail v1) and its OAuth server: scopes asked for incrementally, events as log cards on their days (moved, rewritten
// and removed as the calendar changes, nothing rewritten when nothing changed), mail taken by the sync rules as
// artifacts with their attachments, people in the graph, sync tokens and history ids followed (and a full read again
// when they expire), a rate limit waited out, a refused token refreshed, and purge taking everything back.
import { beforeAll, describe, expect, it } from "@effect/vitest"
import { asOwner } from "../support/hostSuite"
import { api, connectorSuite, createApp, pathOf } from "./suite"

const suite = connectorSuite("connectors_google_sync", { CARABASE_JOB_RETRY_LIMIT: "0", TZ: "UTC" })

const CALENDAR_SCOPE = "https://www.googleapis.com/auth/calendar.readonly"
const GMAIL_SCOPE = "https://www.googleapis.com/auth/gmail.readonly"

/** A day `offset` days from today (UTC, the host's zone here) and an instant on it. */
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10)
const at = (offset: number, time: string) => `${day(offset)}T${time}:00Z`

const owner = <T = any>(sql: string, params: Array<unknown> = []) =>
  asOwner(suite.db, async (db) => (await db.query(sql, params)).rows as Array<T>)

/** The log cards of a day's note: their text and tags. */
const cards = async (date: string) => {
  const rows = await owner<{ document: Array<any> }>("select document from daily_notes where date = $1", [date])
  const document = rows[0]?.document ?? []
  const text = (node: any): string =>
    node.text ?? (node.content ?? []).map(text).join(node.type === "logCard" ? "\n" : "")
  return document
    .filter((node: any) => node.type === "logCard")
    .map((node: any) => ({ text: text(node), tags: JSON.parse(node.attrs.tags), key: node.attrs.idempotencyKey }))
}

const revisions = async () => (await owner("select count(*)::int as n from note_revisions"))[0].n as number

/** Queues the job and waits for its next finished run. */
const runJob = async (name: string) => {
  const finished = async () =>
    (
      (await api(suite, "GET", "/api/v1/jobs")).json.runs as Array<{
        name: string
        status: string
        error: string | null
      }>
    ).filter((run) => run.name === name && run.status !== "running")
  const before = (await finished()).length
  expect((await api(suite, "POST", `/api/v1/jobs/${name}/run`)).status).toBe(202)
  for (let i = 0; i < 200; i++) {
    const runs = await finished()
    if (runs.length > before) return runs[0]!
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`the ${name} run did not finish`)
}

/** Connects alice's Google account asking for `services` (comma-separated), through the browser's round trip. */
const connectGoogle = async (services?: string) => {
  const start = await api(
    suite,
    "GET",
    `/api/v1/auth/google/start${services === undefined ? "" : `?services=${services}`}`
  )
  expect(start.status, start.text).toBe(302)
  const authorizeUrl = new URL(start.headers.get("location")!)
  authorizeUrl.searchParams.set("login", "alice")
  const consent = await fetch(authorizeUrl, { redirect: "manual" })
  const callback = await api(suite, "GET", pathOf(new URL(consent.headers.get("location")!)), { workspace: null })
  expect(callback.status, callback.text).toBe(200)
  return { authorizeUrl, connection: callback.json.connection as { id: string; scopes: Array<string> } }
}

const eventsRequests = () => suite.google.requests.filter((r) => r.path.endsWith("/events"))

beforeAll(async () => {
  await createApp(suite, "google")
  const g = suite.google
  g.pageSize = 2
  g.putEvent("primary", {
    id: "ev1",
    summary: "Atlas roadmap review",
    start: { dateTime: at(1, "09:30") },
    end: { dateTime: at(1, "10:00") },
    location: "Room 4",
    attendees: [
      { email: "alice@example.org", self: true },
      { email: "chen@acme.org", displayName: "Alice Chen" },
      { email: "room4@resource.example", resource: true }
    ]
  })
  g.putEvent("primary", { id: "ev2", summary: "Dentist", start: { dateTime: at(2, "14:00") } })
  g.putEvent("primary", { id: "ev3", summary: "Company offsite", start: { date: day(3) }, end: { date: day(4) } })
  g.putEvent("primary", { id: "old", summary: "Long ago", start: { dateTime: at(-60, "08:00") } })
  g.putEvent("team@example.org", { id: "t1", summary: "Team standup", start: { dateTime: at(1, "08:00") } })
})

describe("connecting Google services", () => {
  it("services=... is refused on GitHub and when it names no known service, naming the field", async () => {
    const github = await api(suite, "GET", "/api/v1/auth/github/start?services=calendar")
    expect(github.status).toBe(400)
    expect(github.json.field).toBe("services")
    const bogus = await api(suite, "GET", "/api/v1/auth/google/start?services=drive")
    expect(bogus.status).toBe(400)
    expect(bogus.text).toContain("services must be a comma-separated list of calendar and gmail")
  })

  it("an identity-only connection syncs nothing, and the job says which scope is missing", async () => {
    const { authorizeUrl, connection } = await connectGoogle()
    expect(authorizeUrl.searchParams.get("scope")).toBe("openid email profile")
    expect(connection.scopes).not.toContain(CALENDAR_SCOPE)
    const run = await runJob("google-calendar-sync")
    expect(run.status).toBe("skipped")
    expect(run.error).toContain("calendar access is not granted for alice@example.org")
    expect(eventsRequests()).toEqual([])
  })

  it("services=calendar asks for calendar.readonly incrementally and the connection records it", async () => {
    const { authorizeUrl, connection } = await connectGoogle("calendar")
    expect(authorizeUrl.searchParams.get("scope")!.split(" ")).toEqual(["openid", "email", "profile", CALENDAR_SCOPE])
    expect(authorizeUrl.searchParams.get("include_granted_scopes")).toBe("true")
    expect(connection.scopes).toContain(CALENDAR_SCOPE)
    expect(connection.scopes).not.toContain(GMAIL_SCOPE)
  })
})

describe("google-calendar-sync", () => {
  it("the first run puts each event of the last 30 days and after on its day, page by page", async () => {
    const run = await runJob("google-calendar-sync")
    expect(run.status, run.error ?? "").toBe("succeeded")
    const first = eventsRequests()
    expect(first.map((r) => [r.query["pageToken"] ?? null, r.query["syncToken"] ?? null])).toEqual([
      [null, null],
      ["2", null]
    ])
    expect(typeof first[0]!.query["timeMin"]).toBe("string")
    const review = await cards(day(1))
    expect(review).toHaveLength(1)
    expect(review[0]!.text).toContain("Atlas roadmap review")
    expect(review[0]!.text).toContain("09:30 AM – 10:00 AM · Room 4")
    expect(review[0]!.text).toContain("With Alice Chen")
    expect(review[0]!.tags).toEqual(["calendar"])
    expect((await cards(day(3)))[0]!.text).toContain("Company offsite** · all day")
    // Only the primary calendar, and nothing from 60 days ago.
    expect(await cards(day(-60))).toEqual([])
    expect(JSON.stringify(await cards(day(1)))).not.toContain("Team standup")
  })

  it("events are searchable and their people are in the graph, met_with the owner", async () => {
    const search = await api(suite, "POST", "/api/v1/harvest/search", { body: { query: "dentist", limit: 5 } })
    expect(search.json.results.map((r: { title: string }) => r.title)).toContain("Dentist")
    const edges = await owner<{ edge: string }>(`
      select s.name || ' ' || e.type || ' ' || t.name as edge from edges e
      join entities s on s.id = e.source_id join entities t on t.id = e.target_id order by 1`)
    expect(edges.map((e) => e.edge)).toEqual(["Alice Chen met_with alice@example.org"])
  })

  it("a second run asks only for changes (syncToken) and rewrites nothing when nothing changed", async () => {
    const before = { requests: eventsRequests().length, revisions: await revisions() }
    const run = await runJob("google-calendar-sync")
    expect(run.status, run.error ?? "").toBe("succeeded")
    const asked = eventsRequests().slice(before.requests)
    expect(asked).toHaveLength(1)
    expect(asked[0]!.query["syncToken"]).toMatch(/^st-\d+$/)
    expect(await revisions()).toBe(before.revisions)
  })

  it("a moved and renamed event moves its card; a cancelled one takes its card and artifact out", async () => {
    suite.google.putEvent("primary", {
      id: "ev2",
      summary: "Dentist (moved)",
      start: { dateTime: at(5, "11:00") }
    })
    suite.google.cancelEvent("primary", "ev1")
    const run = await runJob("google-calendar-sync")
    expect(run.status, run.error ?? "").toBe("succeeded")
    expect(await cards(day(2))).toEqual([])
    expect((await cards(day(5))).map((c) => c.text.split("\n")[0])).toEqual(["**Dentist (moved)** · 11:00 AM"])
    expect(await cards(day(1))).toEqual([])
    const titles = await owner("select filename from artifacts where source = 'google-calendar' order by 1")
    expect(titles.map((r) => r.filename)).toEqual(["Company offsite", "Dentist (moved)"])
  })

  it("an expired sync token (410) means a full read again, with no card twice", async () => {
    suite.google.expireSyncTokens()
    const before = eventsRequests().length
    const run = await runJob("google-calendar-sync")
    expect(run.status, run.error ?? "").toBe("succeeded")
    const asked = eventsRequests().slice(before)
    expect(asked[0]!.status).toBe(410)
    expect(asked.slice(1).every((r) => r.query["syncToken"] === undefined && r.status === 200)).toBe(true)
    expect(await cards(day(5))).toHaveLength(1)
    expect(await cards(day(3))).toHaveLength(1)
  })

  it("a rule naming calendars picks them, and its tags and folios go on the cards", async () => {
    expect((await api(suite, "POST", "/api/v1/folios", { body: { name: "Team" } })).status).toBe(201)
    const rules = await api(suite, "PUT", "/api/v1/sync-rules/google-calendar", {
      body: {
        rules: [
          { match: { calendars: ["primary"] }, tags: ["mine"] },
          { match: { calendars: ["team@example.org"] }, tags: ["team"], folios: ["Team"] }
        ]
      }
    })
    expect(rules.status, rules.text).toBe(200)
    const run = await runJob("google-calendar-sync")
    expect(run.status, run.error ?? "").toBe("succeeded")
    const standup = (await cards(day(1))).find((c) => c.text.includes("Team standup"))
    expect(standup?.tags).toEqual(["calendar", "team"])
  })

  it("Google's 429 is waited out (Retry-After) inside the run, and a refused token is refreshed once", async () => {
    suite.google.putEvent("primary", { id: "ev9", summary: "Board call", start: { dateTime: at(6, "16:00") } })
    suite.google.slowDown = 2
    const refreshes = suite.oauth.tokenRequests.filter((r) => r.grantType === "refresh_token").length
    const run = await runJob("google-calendar-sync")
    expect(run.status, run.error ?? "").toBe("succeeded")
    expect(suite.google.requests.filter((r) => r.status === 429)).toHaveLength(2)
    expect((await cards(day(6)))[0]!.text).toContain("Board call")

    suite.google.putEvent("primary", { id: "ev10", summary: "Lunch with Sam", start: { dateTime: at(7, "12:00") } })
    suite.google.refuseToken = 1
    const again = await runJob("google-calendar-sync")
    expect(again.status, again.error ?? "").toBe("succeeded")
    expect(suite.oauth.tokenRequests.filter((r) => r.grantType === "refresh_token").length).toBe(refreshes + 1)
    expect((await cards(day(7)))[0]!.text).toContain("Lunch with Sam")
  })
})

describe("gmail-sync", () => {
  const now = Date.now()
  beforeAll(async () => {
    const g = suite.google
    g.addMail({
      id: "m1",
      from: '"Alice Chen" <chen@acme.org>',
      to: "alice@example.org, Bob Stone <bob@example.org>",
      subject: "Atlas contract draft",
      text: "Here is the contract for the Atlas project.",
      labelIds: ["INBOX", "Label_1"],
      internalDate: now - 2 * 86_400_000,
      attachments: [{ filename: "terms.txt", mimeType: "text/plain", data: Buffer.from("Payment within 45 days.") }]
    })
    g.addMail({
      id: "m2",
      from: "news@shop.example",
      to: "alice@example.org",
      subject: "Weekly deals",
      text: "Buy things.",
      labelIds: ["INBOX"],
      internalDate: now - 86_400_000
    })
    g.addMail({
      id: "m3",
      from: "chen@acme.org",
      to: "alice@example.org",
      subject: "Very old",
      text: "From long ago.",
      labelIds: ["INBOX"],
      internalDate: now - 90 * 86_400_000
    })
  })

  it("without Gmail granted, or without a rule, nothing is read", async () => {
    const run = await runJob("gmail-sync")
    expect(run.status).toBe("skipped")
    expect(run.error).toContain("Gmail access is not granted")
    const { connection } = await connectGoogle("gmail")
    // Incremental: the calendar stays granted beside Gmail.
    expect(connection.scopes).toEqual(expect.arrayContaining([CALENDAR_SCOPE, GMAIL_SCOPE]))
    const noRule = await runJob("gmail-sync")
    expect(noRule.status).toBe("skipped")
    expect(noRule.error).toContain("no gmail sync rule takes any mail")
    expect(suite.google.requests.filter((r) => r.path.includes("/gmail/"))).toEqual([])
  })

  it("the mail a rule takes becomes an artifact with its attachment; the rest stays in Gmail", async () => {
    const rules = await api(suite, "PUT", "/api/v1/sync-rules/gmail", {
      body: { rules: [{ match: { senders: ["@acme.org"], lookbackHours: 720 }, tags: ["acme"] }] }
    })
    expect(rules.status, rules.text).toBe(200)
    const run = await runJob("gmail-sync")
    expect(run.status, run.error ?? "").toBe("succeeded")
    const list = suite.google.requests.find((r) => r.path.endsWith("/messages"))
    expect(list?.query["q"]).toBe("newer_than:30d")
    const mails = await owner("select filename, metadata from artifacts where source = 'gmail'")
    expect(mails.map((m) => [m.filename, m.metadata.from, m.metadata.labels])).toEqual([
      ["Atlas contract draft", ["chen@acme.org"], ["INBOX", "Label_1", "Clients"]]
    ])
    const attachment = await owner(
      "select filename, mime_type, convert_from(content, 'UTF8') as body, extracted_text from artifacts where source = 'gmail-attachment'"
    )
    expect(attachment).toHaveLength(1)
    expect(attachment[0]).toMatchObject({ filename: "terms.txt", body: "Payment within 45 days." })
    expect(attachment[0].extracted_text).toContain("Payment within 45 days.")
    const search = await api(suite, "POST", "/api/v1/harvest/search", { body: { query: "payment days", limit: 5 } })
    expect(search.json.results.map((r: { title: string }) => r.title)).toContain("terms.txt")
    const edges = await owner<{ edge: string }>(`
      select s.name || ' ' || e.type || ' ' || t.name as edge from edges e
      join entities s on s.id = e.source_id join entities t on t.id = e.target_id where e.type = 'emailed' order by 1`)
    expect(edges.map((e) => e.edge)).toEqual(["Alice Chen emailed Bob Stone", "Alice Chen emailed alice@example.org"])
  })

  it("later runs read the history since the last one; an expired history id (404) lists again without twins", async () => {
    suite.google.addMail({
      id: "m4",
      from: "Alice Chen <chen@acme.org>",
      to: "alice@example.org",
      subject: "Signed contract",
      text: "Signed and attached.",
      labelIds: ["INBOX"],
      internalDate: Date.now()
    })
    const before = suite.google.requests.length
    const run = await runJob("gmail-sync")
    expect(run.status, run.error ?? "").toBe("succeeded")
    const asked = suite.google.requests.slice(before)
    expect(asked.some((r) => r.path.endsWith("/history"))).toBe(true)
    expect(asked.some((r) => r.path.endsWith("/messages"))).toBe(false)

    suite.google.expireHistory()
    const again = await runJob("gmail-sync")
    expect(again.status, again.error ?? "").toBe("succeeded")
    const subjects = await owner("select filename from artifacts where source = 'gmail' order by 1")
    expect(subjects.map((r) => r.filename)).toEqual(["Atlas contract draft", "Signed contract"])
  })

  it("no token reached an answer the owner can read", () => {
    const answers = suite.answers.join("\n")
    for (const token of suite.oauth.issued) expect(answers).not.toContain(token)
  })
})

describe("disconnect with purge=true", () => {
  it("takes back the cards, artifacts, attachments and people the sync brought in", async () => {
    const purged = await api(suite, "DELETE", "/api/v1/auth/google?account=alice@example.org&purge=true")
    expect(purged.status, purged.text).toBe(204)
    for (const offset of [1, 3, 5, 6, 7]) {
      expect((await cards(day(offset))).filter((c) => c.key?.startsWith("gcal:"))).toEqual([])
    }
    const left = await owner(
      "select source, count(*)::int as n from artifacts where source like 'g%' group by source order by source"
    )
    expect(left).toEqual([])
    expect(await owner("select name from entities where metadata->>'source' = 'google'")).toEqual([])
    expect(await owner("select * from google_sync_items")).toEqual([])
  })
})
