// Property-based robustness of the routes outside the API declaration, which the declared-endpoint fuzz cannot list:
// the inbound webhooks of every platform (the one surface anyone who learns a channel URL can reach), the MCP
// endpoints and the admin UI. Random methods' bodies, headers, path parameters and queries, and, for the webhooks,
// deliveries correctly signed with the channel's own secret whose bodies are random, so garbage gets past
// verification into the platform's payload parsing. None may answer 500, show a stack trace or internals, or echo a
// secret; the host stays up throughout.
import * as crypto from "node:crypto"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { FastCheck as fc } from "effect"
import type { CreateChannel } from "../../src/channels/ChannelsApi"
import { createDatabase, type TestDatabase } from "../support/database"
import { encodeSegment, expectStillHealthy, fetchAnswer, leaksInternals, nasty } from "../support/fuzzing"
import { hostEnv, scratchDir, startHost, type HostProcess } from "../support/hostProcess"
import { freePort } from "../support/ports"
import { hubSignature, slackHeaders, standardHeaders } from "../webhooks/signer"
import { createWorkspace } from "../support/hostSuite"
import { createChannel } from "../webhooks/suite"

const RUNS = Number(process.env.CARABASE_FUZZ_RUNS ?? 100)
const GENERIC_SECRET = `whsec_${Buffer.from("fuzzed generic sender's key 32b!").toString("base64")}`

type Kind = "slack" | "telegram" | "whatsapp" | "generic" | "matrix"

/** One channel of each kind, with secrets long and distinctive enough that an echo of one would be found. */
const CHANNELS: Record<Kind, CreateChannel> = {
  slack: {
    kind: "slack",
    name: "fuzz slack",
    signingSecret: "fuzzslacksigningsecret7cf20eba06",
    botToken: "xoxb-fuzz"
  },
  telegram: { kind: "telegram", name: "fuzz telegram", signingSecret: "fuzz_telegram_secret_token_93ad" },
  whatsapp: {
    kind: "whatsapp",
    name: "fuzz whatsapp",
    signingSecret: "fuzzmetaappsecret40b2a0231beacc7",
    verifyToken: "fuzz verify token 55e0"
  },
  generic: { kind: "generic", name: "fuzz generic", signingSecret: GENERIC_SECRET },
  matrix: {
    kind: "matrix",
    name: "fuzz matrix",
    signingSecret: "fuzz_hs_token_0d7f",
    botToken: "fuzz_as_token",
    outboundUrl: "http://127.0.0.1:9"
  }
}
const KINDS = Object.keys(CHANNELS) as Array<Kind>
const SECRETS = KINDS.flatMap((kind) => [CHANNELS[kind].signingSecret, CHANNELS[kind].verifyToken ?? ""]).filter(
  (secret) => secret !== ""
)

let db: TestDatabase
let host: HostProcess
let base: string
const channelIds = {} as Record<Kind, string>

const text = fc.oneof(nasty, fc.string({ maxLength: 60 }))

/** Bodies: any JSON, JSON shaped like each platform's deliveries with random values, and broken JSON. */
const shaped = fc
  .record(
    {
      type: fc.oneof(fc.constantFrom("event_callback", "url_verification", "message"), text),
      token: text,
      challenge: text,
      team_id: text,
      event_id: text,
      event: fc.oneof(
        fc.record({ type: fc.constantFrom("message", "app_mention"), text, user: text, channel: text, ts: text }),
        fc.json().map((json) => JSON.parse(json) as unknown)
      ),
      update_id: fc.oneof(fc.integer(), text),
      message: fc.record({ message_id: fc.integer(), text, chat: fc.record({ id: fc.oneof(fc.integer(), text) }) }),
      object: fc.constantFrom("whatsapp_business_account", "page"),
      entry: fc.array(
        fc.record({
          id: text,
          changes: fc.array(
            fc.record({
              field: fc.constantFrom("messages", "statuses"),
              value: fc.record({
                metadata: fc.record({ phone_number_id: text }),
                messages: fc.array(fc.record({ from: text, id: text, type: text, text: fc.record({ body: text }) }))
              })
            }),
            { maxLength: 3 }
          )
        }),
        { maxLength: 3 }
      ),
      events: fc.array(
        fc.record({
          type: fc.constantFrom("m.room.message", "m.room.member"),
          room_id: text,
          sender: text,
          content: fc.record({ body: text })
        }),
        { maxLength: 4 }
      ),
      text,
      conversationId: text,
      senderId: text
    },
    { requiredKeys: [] }
  )
  .map((object) => JSON.stringify(object))

const body = fc.oneof(
  { weight: 3, arbitrary: shaped },
  { weight: 2, arbitrary: fc.json() },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 1, arbitrary: fc.constantFrom("{", '{"a":', "[1,2", '"\\ud800"', "", "null", "[]", "{}".repeat(1000)) }
)

/** The headers a platform signs with: correct for this body (the secret is the channel's), wrong, stale or absent. */
const signing = (kind: Kind, payload: string) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant(validSignature(kind, payload)) },
    { weight: 1, arbitrary: fc.constant(validSignature(kind, `${payload} `)) },
    {
      weight: 1,
      arbitrary: fc.dictionary(
        fc.constantFrom(
          "x-slack-signature",
          "x-slack-request-timestamp",
          "x-telegram-bot-api-secret-token",
          "x-hub-signature-256",
          "webhook-id",
          "webhook-timestamp",
          "webhook-signature",
          "authorization"
        ),
        fc.oneof(text, fc.constantFrom("v0=", "sha256=", "v1,", "Bearer ", "0", "99999999999")).map(headerSafe),
        { maxKeys: 4 }
      )
    },
    { weight: 1, arbitrary: fc.constant({}) }
  )

const validSignature = (kind: Kind, payload: string): Record<string, string> => {
  const secret = CHANNELS[kind].signingSecret
  switch (kind) {
    case "slack":
      return slackHeaders(secret, payload)
    case "telegram":
      return { "x-telegram-bot-api-secret-token": secret }
    case "whatsapp":
      return { "x-hub-signature-256": hubSignature(secret, payload) }
    case "generic":
      return standardHeaders(secret, `msg_${crypto.randomUUID()}`, payload)
    case "matrix":
      return { authorization: `Bearer ${secret}` }
  }
}

/** A header value fetch accepts (no control characters or non-Latin-1). */
const headerSafe = (value: string) => value.replace(/[^\x20-\x7e]/g, "?").trim()

/** The channel id in the URL: mostly the kind's own channel, sometimes another kind's, unknown or malformed. */
const channelFor = (kind: Kind) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant(channelIds[kind]) },
    { weight: 1, arbitrary: fc.constantFrom(...KINDS).map((other) => channelIds[other]) },
    { weight: 1, arbitrary: fc.uuid() },
    { weight: 1, arbitrary: nasty }
  )

const send = (method: string, path: string, headers: Record<string, string>, payload?: string) =>
  fetchAnswer(`${base}${path}`, { method, headers, ...(payload === undefined ? {} : { body: payload }) })

const expectSound = (context: string, answer: { status: number; text: string }) => {
  expect(answer.status, context).toBeLessThan(500)
  expect(leaksInternals(answer.text), context).toBe(false)
  for (const secret of SECRETS) expect(answer.text, context).not.toContain(secret)
}

beforeAll(async () => {
  db = await createDatabase("fuzz_raw")
  const port = await freePort()
  base = `http://127.0.0.1:${port}`
  host = startHost({ cwd: scratchDir(), env: hostEnv(db, port) })
  await host.ready()
  const suite = { base, db, workspace: await createWorkspace(base, "Fuzzed raw routes") }
  for (const kind of KINDS) channelIds[kind] = (await createChannel(suite, CHANNELS[kind])).id
})
afterAll(async () => {
  await host?.stop()
  await db?.drop()
})

describe("routes outside the declaration under random input", () => {
  for (const kind of KINDS) {
    const method = kind === "matrix" ? "PUT" : "POST"
    it(`${method} /api/v1/webhooks/${kind}/... with random, signed and unsigned bodies`, async () => {
      const delivery = body.chain((payload) =>
        fc.record({
          payload: fc.constant(payload),
          channel: channelFor(kind),
          txn: fc.oneof(fc.uuid(), nasty),
          versioned: fc.boolean(),
          contentType: fc.constantFrom("application/json", "application/json", "text/plain", undefined),
          signed: signing(kind, payload)
        })
      )
      await fc.assert(
        fc.asyncProperty(delivery, async (input) => {
          const channel = encodeSegment(input.channel)
          const path =
            kind === "matrix"
              ? `/api/v1/webhooks/matrix/${channel}${input.versioned ? "/_matrix/app/v1" : ""}/transactions/${encodeSegment(input.txn)}`
              : `/api/v1/webhooks/${kind}/${channel}`
          const headers: Record<string, string> = { ...input.signed }
          if (input.contentType !== undefined) headers["content-type"] = input.contentType
          const answer = await send(method, path, headers, input.payload)
          expectSound(`${method} ${path} -> ${answer.status} ${answer.text.slice(0, 300)}`, answer)
        }),
        { numRuns: RUNS }
      )
    }, 120_000)
  }

  it("GET /api/v1/webhooks/whatsapp/... (the subscription handshake) with random queries", async () => {
    const query = fc.dictionary(
      fc.constantFrom("hub.mode", "hub.verify_token", "hub.challenge", "other"),
      fc.oneof(text, fc.constant(CHANNELS.whatsapp.verifyToken!), fc.constant("subscribe")),
      { maxKeys: 4 }
    )
    await fc.assert(
      fc.asyncProperty(channelFor("whatsapp"), query, async (channel, params) => {
        const path = `/api/v1/webhooks/whatsapp/${encodeSegment(channel)}?${new URLSearchParams(params)}`
        const answer = await send("GET", path, {})
        expectSound(`GET ${path} -> ${answer.status} ${answer.text.slice(0, 300)}`, answer)
      }),
      { numRuns: RUNS }
    )
  }, 120_000)

  it("the MCP endpoints with random JSON-RPC, methods, session ids and headers", async () => {
    const rpc = fc.oneof(
      fc
        .record(
          {
            jsonrpc: fc.oneof(fc.constant("2.0"), text),
            id: fc.oneof(fc.integer(), text, fc.constant(null)),
            method: fc.oneof(
              fc.constantFrom(
                "initialize",
                "tools/list",
                "tools/call",
                "ping",
                "resources/list",
                "notifications/initialized"
              ),
              text
            ),
            params: fc.oneof(
              fc.record(
                {
                  name: fc.oneof(fc.constantFrom("carabase_search", "carabase_get_daily_note"), text),
                  arguments: fc.json().map((json) => JSON.parse(json) as unknown)
                },
                { requiredKeys: [] }
              ),
              fc.json().map((json) => JSON.parse(json) as unknown)
            )
          },
          { requiredKeys: [] }
        )
        .map((object) => JSON.stringify(object)),
      body
    )
    const request = fc.record({
      method: fc.constantFrom("POST", "POST", "GET", "DELETE", "PUT"),
      path: fc.constantFrom("/mcp", "/mcp", "/mcp/messages"),
      session: fc.oneof(fc.constant(undefined), fc.uuid(), nasty),
      accept: fc.constantFrom("application/json, text/event-stream", "application/json", "*/*", undefined),
      payload: rpc
    })
    await fc.assert(
      fc.asyncProperty(request, async (input) => {
        const headers: Record<string, string> = { "content-type": "application/json" }
        if (input.accept !== undefined) headers["accept"] = input.accept
        if (input.session !== undefined && input.path === "/mcp") headers["mcp-session-id"] = headerSafe(input.session)
        const path =
          input.path === "/mcp/messages" ? `/mcp/messages?sessionId=${encodeSegment(input.session ?? "")}` : input.path
        const hasBody = input.method !== "GET" && input.method !== "DELETE"
        const answer = await send(input.method, path, headers, hasBody ? input.payload : undefined)
        expectSound(`${input.method} ${path} -> ${answer.status} ${answer.text.slice(0, 300)}`, answer)
      }),
      { numRuns: RUNS }
    )
  }, 120_000)

  it("GET /admin/... with random and traversing paths", async () => {
    const path = fc
      .array(fc.oneof(nasty, fc.string({ maxLength: 20 }), fc.constantFrom("assets", "index.html", "..", ".")), {
        maxLength: 4
      })
      .map((segments) => `/admin/${segments.map(encodeSegment).join("/")}`)
    await fc.assert(
      fc.asyncProperty(path, async (to) => {
        const answer = await send("GET", to, {})
        expectSound(`GET ${to} -> ${answer.status} ${answer.text.slice(0, 300)}`, answer)
        // Nothing outside the built UI is served: no source, no env file, no system file.
        expect(answer.text, to).not.toMatch(/HOST_MASTER_KEY|root:x:0:0|"devDependencies"/)
      }),
      { numRuns: RUNS }
    )
  }, 120_000)

  it("the host is still healthy afterwards", () => expectStillHealthy(base, host))
})
