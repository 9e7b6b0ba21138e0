// The webhook-channels routes over real HTTP: create, list, delete and events, per-platform secret rules, secrets
// never returned, webhookUrl from the request's Host, and workspace isolation.
import * as http from "node:http"
import * as os from "node:os"
import { beforeAll, describe, expect, it } from "@effect/vitest"
import { runClient } from "../support/apiClient"
import { createWorkspace } from "../support/hostSuite"
import { createChannel, hostSuite, randomId, send } from "../webhooks/suite"
import { slackHeaders } from "../webhooks/signer"

const suite = hostSuite("channels_api")
let other: string

beforeAll(async () => {
  other = await createWorkspace(suite.base, "Other")
})

const SECRETS = {
  signingSecret: "slackSigningSecretABC123abcdef12",
  verifyToken: "verify-token-XYZ789",
  botToken: "xoxb-bot-token-QRS456"
}

/** `workspace: null` sends no x-workspace-id at all. */
const api = (method: string, path: string, body?: unknown, workspace: string | null = suite.workspace) =>
  send(suite.base, method, `/api/v1${path}`, body === undefined ? undefined : JSON.stringify(body), {
    ...(workspace === null ? {} : { "x-workspace-id": workspace })
  })

/** fetch may not set Host, so this one request goes through node:http. */
const postWithHost = (path: string, body: string, headers: Record<string, string>) =>
  new Promise<{ status: number; json: any }>((resolve, reject) => {
    const url = new URL(`${suite.base}${path}`)
    const request = http.request(
      {
        host: url.hostname,
        port: url.port,
        path,
        method: "POST",
        headers: { "content-type": "application/json", ...headers }
      },
      (response) => {
        let text = ""
        response.on("data", (chunk: Buffer) => (text += chunk.toString()))
        response.on("end", () => resolve({ status: response.statusCode!, json: JSON.parse(text) }))
      }
    )
    request.on("error", reject)
    request.end(body)
  })

describe("webhook channels", () => {
  it("creates a channel: 201 with id, kind, name, webhookUrl, createdAt and canReply, and no secret anywhere", async () => {
    const reply = await api("POST", "/webhook-channels", {
      kind: "slack",
      name: "  Team  ",
      ...SECRETS,
      outboundUrl: "https://slack.com/api"
    })
    expect(reply.status).toBe(201)
    const { channel } = reply.json
    expect(Object.keys(channel).sort()).toEqual([
      "canReply",
      "createdAt",
      "id",
      "kind",
      "name",
      "webhookUrl",
      "webhookUrlIsPublic"
    ])
    expect(channel).toMatchObject({ kind: "slack", name: "Team", canReply: true })
    expect(channel.webhookUrl).toBe(`${suite.base}/api/v1/webhooks/slack/${channel.id}`)
    for (const secret of Object.values(SECRETS)) expect(reply.text).not.toContain(secret)
    const listed = await api("GET", "/webhook-channels")
    expect(listed.status).toBe(200)
    expect(listed.json.channels.map((c: { id: string }) => c.id)).toContain(channel.id)
    for (const secret of Object.values(SECRETS)) expect(listed.text).not.toContain(secret)
  })

  it("derives webhookUrl from the Host the client used, when it is one of this machine's names", async () => {
    const tailnetName = `${os.hostname().toLowerCase().split(".")[0]}.tail1234.ts.net:3000`
    const reply = await postWithHost(
      "/api/v1/webhook-channels",
      JSON.stringify({ kind: "telegram", name: "tg", signingSecret: "telegram_secret_abc_0123" }),
      { "x-workspace-id": suite.workspace, host: tailnetName }
    )
    expect(reply.status).toBe(201)
    const { channel } = reply.json
    expect(channel.webhookUrl).toBe(`http://${tailnetName}/api/v1/webhooks/telegram/${channel.id}`)
    // No CARABASE_WEBHOOK_PUBLIC_URL or CARABASE_PUBLIC_URL: the URL is the host's own, which the UI says.
    expect(channel.webhookUrlIsPublic).toBe(false)
  })

  it("never hands out a webhookUrl on a name the host does not answer to", async () => {
    const reply = await postWithHost(
      "/api/v1/webhook-channels",
      JSON.stringify({ kind: "telegram", name: "tg2", signingSecret: "telegram_secret_abc_0123" }),
      { "x-workspace-id": suite.workspace, host: "carabase.attacker.example:3000" }
    )
    expect(reply.status).toBe(421)
    expect(reply.json.message).toContain("CARABASE_ALLOWED_HOSTS")
  })

  it("lists channels through the typed client", async () => {
    const created = await createChannel(suite, {
      kind: "matrix",
      name: "mx",
      signingSecret: "hs_token_channels_api_01"
    })
    const { channels } = await runClient(suite.base, (client) => client.channels.list(), suite.workspace)
    expect(channels.find((c) => c.id === created.id)).toMatchObject({ kind: "matrix", name: "mx" })
  })

  it("applies each platform's secret rules, naming the field", async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ kind: "telegram", name: "t", signingSecret: "has spaces" }, "signingSecret"],
      [{ kind: "generic", name: "g", signingSecret: "plain-secret" }, "signingSecret"],
      [{ kind: "generic", name: "g", signingSecret: `whsec_${Buffer.alloc(8).toString("base64")}` }, "signingSecret"],
      [{ kind: "whatsapp", name: "w", signingSecret: "appsecret6c904c5190e8b45c2f0af06" }, "verifyToken"],
      [{ kind: "slack", name: "s", signingSecret: "" }, "signingSecret"],
      [{ kind: "slack", name: " ", signingSecret: "x" }, "name"],
      [{ kind: "irc", name: "i", signingSecret: "x" }, "kind"],
      [{ kind: "slack", name: "s", signingSecret: "x", outboundUrl: "ftp://example.org" }, "outboundUrl"],
      // The length each platform issues (Slack, Meta: 32), or a floor for the ones the owner chooses (Telegram, Matrix).
      [{ kind: "slack", name: "s", signingSecret: "abcde" }, "signingSecret"],
      [{ kind: "slack", name: "s", signingSecret: "8f742231b10e8888abcd99yyyzzz85a5f" }, "signingSecret"],
      [{ kind: "slack", name: "s", signingSecret: "8f742231-10e8888abcd99yyyzzz85a5" }, "signingSecret"],
      [{ kind: "whatsapp", name: "w", signingSecret: "short", verifyToken: "verify-token" }, "signingSecret"],
      [{ kind: "telegram", name: "t", signingSecret: "tg_12345" }, "signingSecret"],
      [{ kind: "matrix", name: "m", signingSecret: "hs_short" }, "signingSecret"]
    ]
    for (const [body, field] of cases) {
      const reply = await api("POST", "/webhook-channels", body)
      expect(reply.status, JSON.stringify(body)).toBe(400)
      expect(reply.json._tag).toBe("HttpApiDecodeError")
      expect(JSON.stringify(reply.json.issues), JSON.stringify(body)).toContain(field)
    }
    const valid = await api("POST", "/webhook-channels", {
      kind: "generic",
      name: "g",
      signingSecret: `whsec_${Buffer.alloc(32, 1).toString("base64")}`
    })
    expect(valid.status).toBe(201)
    const slack = await api("POST", "/webhook-channels", { kind: "slack", name: "s", signingSecret: "abcde" })
    expect(JSON.stringify(slack.json.issues)).toContain("32 letters and digits")
    for (const body of [
      { kind: "slack", name: "s", signingSecret: "8f742231b10e8888abcd99aaabbb85a5" },
      { kind: "whatsapp", name: "w", signingSecret: "0123456789abcdef0123456789abcdef", verifyToken: "v" },
      { kind: "telegram", name: "t", signingSecret: "tg_0123456789abcd" },
      { kind: "matrix", name: "m", signingSecret: "hs_0123456789abcd" }
    ]) {
      expect((await api("POST", "/webhook-channels", body)).status, JSON.stringify(body)).toBe(201)
    }
  })

  it("lists a channel's events, newest first, with id, externalId, receivedAt, status and retry state", async () => {
    const channel = await createChannel(suite, {
      kind: "slack",
      name: "ev",
      signingSecret: "evsecret7859ba59e77f60f077d6dc60"
    })
    const path = new URL(channel.webhookUrl).pathname
    for (const id of ["EvOne", "EvTwo"]) {
      const body = JSON.stringify({
        type: "event_callback",
        event_id: id,
        event: { type: "message", text: "x", channel: "C" }
      })
      expect(
        (await send(suite.base, "POST", path, body, slackHeaders("evsecret7859ba59e77f60f077d6dc60", body))).status
      ).toBe(200)
    }
    const { events } = await runClient(
      suite.base,
      (client) => client.channels.events({ path: { id: channel.id }, urlParams: {} }),
      suite.workspace
    )
    expect(events.map((e) => e.externalId)).toEqual(["EvTwo", "EvOne"])
    // No bot token: the worker marks the events captured (in the note, not answerable) soon after.
    expect(["received", "processing", "captured"]).toContain(events[0]!.status)
    expect(Object.keys(events[0]!).sort()).toEqual([
      "attempts",
      "externalId",
      "id",
      "lastError",
      "nextAttemptAt",
      "receivedAt",
      "status"
    ])
    expect(events[0]!.attempts).toBe(0)
    const limited = await api("GET", `/webhook-channels/${channel.id}/events?limit=1`)
    expect(limited.json.events).toHaveLength(1)
  })

  it("deletes a channel: 204, then 404, and its webhook URL stops answering", async () => {
    const channel = await createChannel(suite, {
      kind: "slack",
      name: "gone",
      signingSecret: "gonesecret9702d327b5c36f70897177"
    })
    expect((await api("DELETE", `/webhook-channels/${channel.id}`)).status).toBe(204)
    expect((await api("DELETE", `/webhook-channels/${channel.id}`)).status).toBe(404)
    expect((await api("GET", `/webhook-channels/${channel.id}/events`)).status).toBe(404)
    const body = JSON.stringify({ type: "event_callback", event_id: "EvGone" })
    const delivery = await send(
      suite.base,
      "POST",
      new URL(channel.webhookUrl).pathname,
      body,
      slackHeaders("gonesecret9702d327b5c36f70897177", body)
    )
    expect(delivery.status).toBe(404)
  })

  it("keeps workspaces apart: another workspace cannot list, read events of, or delete a channel", async () => {
    const channel = await createChannel(suite, {
      kind: "slack",
      name: "mine",
      signingSecret: "minesecrete2e64115a5c6f392067d12"
    })
    const theirs = await api("GET", "/webhook-channels", undefined, other)
    expect(theirs.json.channels.map((c: { id: string }) => c.id)).not.toContain(channel.id)
    expect((await api("GET", `/webhook-channels/${channel.id}/events`, undefined, other)).status).toBe(404)
    expect((await api("DELETE", `/webhook-channels/${channel.id}`, undefined, other)).status).toBe(404)
    expect((await api("GET", `/webhook-channels/${channel.id}/events`)).status).toBe(200)
  })

  it("requires x-workspace-id on the management routes", async () => {
    expect((await api("GET", "/webhook-channels", undefined, null)).status).toBe(400)
    expect((await api("GET", `/webhook-channels/${randomId()}/events`)).status).toBe(404)
    expect((await api("GET", "/webhook-channels/not-a-uuid/events")).status).toBe(400)
  })
})
