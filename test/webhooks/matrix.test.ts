// Matrix application-service transactions through a real host: the homeserver's hs_token as a Bearer credential or
// the legacy access_token parameter, one stored event per transaction id, and errors in Matrix's own form.
import { beforeAll, describe, expect, it } from "@effect/vitest"
import { countAllEvents, createChannel, hostSuite, oversizeBody, randomId, send, storedEvents } from "./suite"

const suite = hostSuite("webhooks_matrix")
const HS_TOKEN = "hs_token_8d1c0f6e2b"
let channel: { id: string; webhookUrl: string }
let base: string

beforeAll(async () => {
  channel = await createChannel(suite, {
    kind: "matrix",
    name: "Matrix bridge",
    signingSecret: HS_TOKEN,
    botToken: "as_token_1",
    outboundUrl: "https://matrix.example.org"
  })
  base = new URL(channel.webhookUrl).pathname
})

const transaction = (text = "hi from matrix") =>
  JSON.stringify({
    events: [
      {
        type: "m.room.message",
        room_id: "!room:example.org",
        sender: "@ada:example.org",
        event_id: `$${randomId()}`,
        content: { msgtype: "m.text", body: text }
      },
      { type: "m.room.member", room_id: "!room:example.org", sender: "@bob:example.org", content: {} }
    ]
  })

const put = (txnId: string, body: string, headers: Record<string, string>, query = "", to = base) =>
  send(suite.base, "PUT", `${to}/transactions/${txnId}${query}`, body, headers)
const bearer = (token = HS_TOKEN) => ({ authorization: `Bearer ${token}` })

const expectRefused = async (attempt: () => ReturnType<typeof put>, status: number, errcode: string) => {
  const before = await countAllEvents(suite.db)
  const reply = await attempt()
  expect(reply.status).toBe(status)
  expect(reply.json).toMatchObject({ errcode })
  expect(reply.text).not.toContain(HS_TOKEN)
  expect(await countAllEvents(suite.db)).toBe(before)
}

describe("Matrix transactions", () => {
  it("processes a transaction with the hs_token and answers 200 {}", async () => {
    const txn = `txn-${randomId()}`
    const reply = await put(txn, transaction(), bearer())
    expect(reply.status).toBe(200)
    expect(reply.json).toEqual({})
    const row = (await storedEvents(suite.db, channel.id)).find((r) => r.external_id === txn)!
    // Stored, and (no bot token here) captured into the note by the worker soon after.
    expect(["received", "processing", "captured"]).toContain(row.status)
    expect(row.payload.messages).toHaveLength(1)
    expect(row.payload.messages[0]).toMatchObject({
      conversationId: "!room:example.org",
      senderId: "@ada:example.org",
      text: "hi from matrix"
    })
  })

  it("accepts the legacy access_token query parameter and the versioned /_matrix/app/v1 path", async () => {
    const legacy = `txn-${randomId()}`
    expect((await put(legacy, transaction(), {}, `?access_token=${HS_TOKEN}`)).status).toBe(200)
    const versioned = `txn-${randomId()}`
    const reply = await send(
      suite.base,
      "PUT",
      `${base}/_matrix/app/v1/transactions/${versioned}`,
      transaction(),
      bearer()
    )
    expect(reply.status).toBe(200)
    const ids = (await storedEvents(suite.db, channel.id)).map((r) => r.external_id)
    expect(ids).toEqual(expect.arrayContaining([legacy, versioned]))
  })

  it("processes a transaction id once: a retry answers 200 {} and stores nothing new", async () => {
    const txn = `txn-${randomId()}`
    expect((await put(txn, transaction("once"), bearer())).status).toBe(200)
    const retry = await put(txn, transaction("retried"), bearer())
    expect(retry.status).toBe(200)
    expect(retry.json).toEqual({})
    const rows = (await storedEvents(suite.db, channel.id)).filter((r) => r.external_id === txn)
    expect(rows).toHaveLength(1)
    expect(rows[0]!.payload.messages[0].text).toBe("once")
  })

  it("rejects a wrong hs_token with 403 M_FORBIDDEN", async () => {
    await expectRefused(() => put(`t-${randomId()}`, transaction(), bearer("hs_token_wrong")), 403, "M_FORBIDDEN")
    await expectRefused(
      () => put(`t-${randomId()}`, transaction(), {}, "?access_token=hs_token_wrong"),
      403,
      "M_FORBIDDEN"
    )
  })

  it("rejects a malformed Authorization header with 403 M_FORBIDDEN, never 500", async () => {
    for (const authorization of [`Basic ${HS_TOKEN}`, "Bearer", `Bearer ${HS_TOKEN} extra`, `Token ${HS_TOKEN}`]) {
      await expectRefused(() => put(`t-${randomId()}`, transaction(), { authorization }), 403, "M_FORBIDDEN")
    }
  })

  it("answers a transaction without credentials 403 M_FORBIDDEN, like any failed check", async () => {
    await expectRefused(() => put(`t-${randomId()}`, transaction(), {}), 403, "M_FORBIDDEN")
  })

  it("refuses a body over 1 MiB with 413 M_TOO_LARGE and stores nothing", async () => {
    await expectRefused(() => put(`t-${randomId()}`, oversizeBody(), bearer()), 413, "M_TOO_LARGE")
  })

  it("answers an unknown channel 404 M_NOT_FOUND and stores nothing", async () => {
    await expectRefused(
      () => put(`t-${randomId()}`, transaction(), bearer(), "", `/api/v1/webhooks/matrix/${randomId()}`),
      404,
      "M_NOT_FOUND"
    )
  })

  it("answers a verified body without an events array 400 and stores nothing", async () => {
    await expectRefused(() => put(`t-${randomId()}`, JSON.stringify({ nope: [] }), bearer()), 400, "M_NOT_JSON")
  })
})
