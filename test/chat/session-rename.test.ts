// Renaming a chat session over real HTTP: the answer, the live notice, bad titles, and that workspace B cannot rename
// A's session.
import * as crypto from "node:crypto"
import { describe, expect, it } from "@effect/vitest"
import { asOwner, call, createWorkspace, hostSuite, openEvents } from "../support/hostSuite"

const suite = hostSuite("chat_rename")

/** A session with two messages, stored as a chat turn would have left it (no gateway needed). */
const seedSession = (workspace: string, title: string) =>
  asOwner(suite.db, async (owner) => {
    const { rows } = await owner.query(
      `insert into chat_sessions (workspace_id, title, updated_at) values ($1, $2, now() - interval '1 hour') returning id`,
      [workspace, title]
    )
    const id = rows[0].id as string
    await owner.query(
      `insert into chat_messages (workspace_id, session_id, role, content) values ($1, $2, 'user', 'hi'), ($1, $2, 'assistant', 'hello')`,
      [workspace, id]
    )
    return id
  })

describe("PATCH /chat/sessions/:id", () => {
  it("renames the session, keeps its place by last activity, and announces it on the live stream", async () => {
    const ws = await createWorkspace(suite.base, "Chats")
    const older = await seedSession(ws, "Old title")
    const newer = await asOwner(suite.db, async (owner) => {
      const { rows } = await owner.query(
        `insert into chat_sessions (workspace_id, title) values ($1, 'Newer') returning id`,
        [ws]
      )
      return rows[0].id as string
    })
    const events = await openEvents(suite.base, ws)
    try {
      await events.until(/event: ready/)
      const answer = await call(suite.base, "PATCH", `/chat/sessions/${older}`, {
        workspace: ws,
        body: { title: "  Trip planning  " }
      })
      expect(answer.status).toBe(200)
      expect(answer.body.session).toMatchObject({ id: older, title: "Trip planning", messageCount: 2 })
      await events.until(new RegExp(`"type":"chat","action":"updated","id":"${older}"`))
      const list = await call(suite.base, "GET", "/chat/sessions", { workspace: ws })
      expect(list.body.sessions.map((s: { id: string; title: string }) => [s.id, s.title])).toEqual([
        [newer, "Newer"],
        [older, "Trip planning"]
      ])
      const read = await call(suite.base, "GET", `/chat/sessions/${older}`, { workspace: ws })
      expect(read.body.session.title).toBe("Trip planning")
    } finally {
      events.close()
    }
  })

  it("refuses a blank, missing or too long title with a 400 naming the field, and keeps the old one", async () => {
    const ws = await createWorkspace(suite.base, "Bad titles")
    const id = await seedSession(ws, "Kept")
    for (const body of [{ title: "  " }, {}, { title: 3 }, { title: "t".repeat(201) }, { title: "a\u0000b" }]) {
      const answer = await call(suite.base, "PATCH", `/chat/sessions/${id}`, { workspace: ws, body })
      expect(answer.status, JSON.stringify(body)).toBe(400)
      expect(answer.body.issues[0].path).toEqual(["title"])
    }
    const read = await call(suite.base, "GET", `/chat/sessions/${id}`, { workspace: ws })
    expect(read.body.session.title).toBe("Kept")
  })

  it("answers 404 for an unknown session, and B cannot rename A's session", async () => {
    const a = await createWorkspace(suite.base, "Chat A")
    const b = await createWorkspace(suite.base, "Chat B")
    const theirs = await seedSession(a, "A's chat")
    const unknown = await call(suite.base, "PATCH", `/chat/sessions/${crypto.randomUUID()}`, {
      workspace: b,
      body: { title: "x" }
    })
    expect(unknown).toMatchObject({ status: 404, body: { _tag: "ChatSessionNotFound" } })
    const stolen = await call(suite.base, "PATCH", `/chat/sessions/${theirs}`, {
      workspace: b,
      body: { title: "pwned" }
    })
    expect(stolen).toMatchObject({ status: 404, body: { _tag: "ChatSessionNotFound" } })
    const read = await call(suite.base, "GET", `/chat/sessions/${theirs}`, { workspace: a })
    expect(read.body.session.title).toBe("A's chat")
  })
})
