// No channel secret is ever stored in plaintext: after channels of every kind are created and used, neither a
// pg_dump of the database nor row_to_json of every row of every table (as the owner) contains any secret's bytes.
import { execFileSync } from "node:child_process"
import { beforeAll, describe, expect, it } from "@effect/vitest"
import { connect } from "../support/database"
import { createChannel, hostSuite, send } from "../webhooks/suite"
import { slackHeaders, standardHeaders } from "../webhooks/signer"

const suite = hostSuite("channels_no_plaintext")

const GENERIC_KEY = Buffer.from("generic-key-material-32-bytes-ok")
const SECRETS = {
  slackSigning: "slackSigningSecret7Q4Z0a1b2c3d4e",
  slackBot: "xoxb-slackBotToken9W2K",
  telegramSecret: "telegramSecret_5R8T",
  telegramBot: "123:telegramBotToken6Y1U",
  whatsappApp: "whatsappAppSecret3E7I0a1b2c3d4e5",
  whatsappVerify: "whatsappVerifyToken4O0P",
  whatsappBot: "whatsappAccessToken2A5S",
  matrixHs: "matrixHsToken8D3F",
  matrixAs: "matrixAsToken1G6H",
  generic: `whsec_${GENERIC_KEY.toString("base64")}`
}

/** Every form a secret could take in a dump: its text, its bytes as hex (bytea), and for whsec_ the key itself. */
const needles = () => {
  const forms: Array<string> = []
  for (const secret of Object.values(SECRETS)) {
    forms.push(secret, Buffer.from(secret).toString("hex"))
  }
  forms.push(GENERIC_KEY.toString("base64"), GENERIC_KEY.toString("hex"), GENERIC_KEY.toString("latin1"))
  return forms
}

beforeAll(async () => {
  const slack = await createChannel(suite, {
    kind: "slack",
    name: "s",
    signingSecret: SECRETS.slackSigning,
    botToken: SECRETS.slackBot
  })
  await createChannel(suite, {
    kind: "telegram",
    name: "t",
    signingSecret: SECRETS.telegramSecret,
    botToken: SECRETS.telegramBot
  })
  await createChannel(suite, {
    kind: "whatsapp",
    name: "w",
    signingSecret: SECRETS.whatsappApp,
    verifyToken: SECRETS.whatsappVerify,
    botToken: SECRETS.whatsappBot
  })
  await createChannel(suite, { kind: "matrix", name: "m", signingSecret: SECRETS.matrixHs, botToken: SECRETS.matrixAs })
  const generic = await createChannel(suite, { kind: "generic", name: "g", signingSecret: SECRETS.generic })
  const slackBody = JSON.stringify({
    type: "event_callback",
    event_id: "EvDump",
    event: { type: "message", text: "hi", channel: "C" }
  })
  expect(
    (
      await send(
        suite.base,
        "POST",
        new URL(slack.webhookUrl).pathname,
        slackBody,
        slackHeaders(SECRETS.slackSigning, slackBody)
      )
    ).status
  ).toBe(200)
  const genericBody = JSON.stringify({ text: "hi" })
  expect(
    (
      await send(
        suite.base,
        "POST",
        new URL(generic.webhookUrl).pathname,
        genericBody,
        standardHeaders(SECRETS.generic, "msg_dump", genericBody)
      )
    ).status
  ).toBe(204)
})

describe("secrets at rest", () => {
  it("the channels exist with sealed columns filled (the search below looks at real data)", async () => {
    const owner = await connect(suite.db.ownerUrl)
    try {
      const { rows } = await owner.query(
        "select kind, length(signing_secret_sealed) as s, length(bot_token_sealed) as b from webhook_channels order by kind"
      )
      expect(rows.map((r) => r.kind)).toEqual(["generic", "matrix", "slack", "telegram", "whatsapp"])
      for (const row of rows) expect(row.s).toBeGreaterThan(16)
      const events = await owner.query("select count(*)::int as n from channel_events")
      expect(events.rows[0].n).toBe(2)
    } finally {
      await owner.end()
    }
  })

  it("row_to_json of every row of every table holds no secret", async () => {
    const owner = await connect(suite.db.ownerUrl)
    try {
      const tables = await owner.query<{ name: string }>(
        "select quote_ident(table_schema) || '.' || quote_ident(table_name) as name from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema') and table_type = 'BASE TABLE'"
      )
      expect(tables.rows.map((t) => t.name)).toContain("public.webhook_channels")
      let text = ""
      for (const { name } of tables.rows) {
        const { rows } = await owner.query(`select row_to_json(t)::text as j from ${name} t`)
        text += rows.map((row) => row.j).join("\n")
      }
      expect(text).toContain("EvDump")
      for (const needle of needles()) expect(text.includes(needle), `found a secret in the rows`).toBe(false)
    } finally {
      await owner.end()
    }
  })

  it("a pg_dump of the database holds no secret", () => {
    const dump = execFileSync("pg_dump", ["--dbname", suite.db.ownerUrl, "--data-only", "--no-owner"], {
      maxBuffer: 256 * 1024 * 1024,
      stdio: ["ignore", "pipe", "ignore"]
    }).toString("latin1")
    expect(dump).toContain("EvDump")
    expect(dump).toContain("webhook_channels")
    for (const needle of needles()) expect(dump.includes(needle), `found a secret in the dump`).toBe(false)
  })
})
