// The signature checks as pure functions, against the vectors the platforms publish, and at their edges: format
// checks before any comparison, the 5-minute window on both sides, and rotation lists.
import { describe, expect, it } from "@effect/vitest"
import { standardWebhooksKey } from "../../src/channels/ChannelsApi"
import {
  MATRIX_TOKEN,
  TELEGRAM_TOKEN,
  verifyHubSignature,
  verifySlack,
  verifyStandardWebhook,
  verifyToken
} from "../../src/webhooks/Signatures"

const bytes = (text: string) => Buffer.from(text, "utf8")

// Standard Webhooks' published test vector (standard-webhooks spec and its reference libraries; the same values are
// in Svix's library tests).
const SW = {
  secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
  timestamp: "1614265330",
  body: '{"test": 2432232314}',
  signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
}

// GitHub's documented example for X-Hub-Signature-256 ("Validating webhook deliveries"), the scheme Meta uses.
const HUB = {
  secret: "It's a Secret to Everybody",
  body: "Hello, World!",
  signature: "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
}

// Slack's worked example ("Verifying requests from Slack").
const SLACK = {
  secret: "8f742231b10e8888abcd99yyyzzz85a5",
  timestamp: "1531420618",
  body: "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c",
  signature: "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
}

const standard = (overrides: Partial<typeof SW> & { now?: number } = {}) => {
  const v = { ...SW, ...overrides }
  return verifyStandardWebhook({
    key: standardWebhooksKey(v.secret)!,
    id: v.id,
    timestamp: v.timestamp,
    signature: v.signature,
    body: bytes(v.body),
    nowSeconds: overrides.now ?? Number(SW.timestamp)
  })
}

const slack = (overrides: Partial<typeof SLACK> & { now?: number } = {}) => {
  const v = { ...SLACK, ...overrides }
  return verifySlack({
    secret: v.secret,
    timestamp: v.timestamp,
    signature: v.signature,
    body: bytes(v.body),
    nowSeconds: overrides.now ?? Number(SLACK.timestamp)
  })
}

describe("Standard Webhooks", () => {
  it("verifies the published test vector", () => {
    expect(standardWebhooksKey(SW.secret)).toHaveLength(24)
    expect(standard()).toEqual({ ok: true })
  })

  it("rejects the vector with one byte of body, id or timestamp changed", () => {
    expect(standard({ body: '{"test": 2432232315}' })).toEqual({ ok: false, reason: "mismatch" })
    expect(standard({ id: "msg_p5jXN8AQM9LWM0D4loKWxJeK" })).toEqual({ ok: false, reason: "mismatch" })
    expect(standard({ timestamp: "1614265331", now: 1614265331 })).toEqual({ ok: false, reason: "mismatch" })
  })

  it("passes when any one entry of a space-separated list matches (rotation)", () => {
    const other = "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
    expect(standard({ signature: `${other} ${SW.signature}` })).toEqual({ ok: true })
    expect(standard({ signature: `${SW.signature} ${other}` })).toEqual({ ok: true })
    expect(standard({ signature: `v1a,bm9wZQ== ${SW.signature}` })).toEqual({ ok: true })
    expect(standard({ signature: other })).toEqual({ ok: false, reason: "mismatch" })
  })

  it("calls a header with no well-formed v1 entry malformed", () => {
    for (const signature of [
      "",
      "v1,",
      "v1,g0hM9SsE",
      SW.signature.slice(3),
      "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
      `${SW.signature}=`
    ]) {
      expect(standard({ signature })).toEqual({ ok: false, reason: "malformed" })
    }
    expect(standard({ timestamp: "1614265330.0" })).toEqual({ ok: false, reason: "malformed" })
    expect(standard({ id: "" })).toEqual({ ok: false, reason: "malformed" })
  })

  it("enforces five minutes on both sides, inclusive", () => {
    const t = Number(SW.timestamp)
    expect(standard({ now: t + 300 })).toEqual({ ok: true })
    expect(standard({ now: t - 300 })).toEqual({ ok: true })
    expect(standard({ now: t + 301 })).toEqual({ ok: false, reason: "stale" })
    expect(standard({ now: t - 301 })).toEqual({ ok: false, reason: "future" })
  })

  it("reads only canonical whsec_ secrets", () => {
    expect(standardWebhooksKey("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")).toBeUndefined()
    expect(standardWebhooksKey("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS")).toBeUndefined()
    expect(standardWebhooksKey("whsec_MfKQ9r8G KYqrTwjUPD8ILPZIo2LaLaSw")).toBeUndefined()
    expect(standardWebhooksKey("whsec_")).toBeUndefined()
  })
})

describe("X-Hub-Signature-256 (WhatsApp)", () => {
  const hub = (signature: string | undefined, body = HUB.body, secret = HUB.secret) =>
    verifyHubSignature({ secret, signature, body: bytes(body) })

  it("verifies GitHub's documented example", () => {
    expect(hub(HUB.signature)).toEqual({ ok: true })
    expect(hub(HUB.signature.toUpperCase().replace("SHA256=", "sha256="))).toEqual({ ok: true })
  })

  it("rejects another body or secret", () => {
    expect(hub(HUB.signature, "Hello, World?")).toEqual({ ok: false, reason: "mismatch" })
    expect(hub(HUB.signature, HUB.body, "It's a Secret to Everybody.")).toEqual({ ok: false, reason: "mismatch" })
  })

  it("checks the format before comparing: truncated, padded or non-hex digests are malformed", () => {
    const hex = HUB.signature.slice(7)
    expect(hub(undefined)).toEqual({ ok: false, reason: "missing" })
    for (const signature of [
      hex,
      `sha1=${hex}`,
      `sha256=${hex.slice(0, 62)}`,
      `sha256=${hex}00`,
      `sha256=${hex.slice(0, 62)}zz`,
      `sha256= ${hex.slice(1)}`
    ]) {
      expect(hub(signature)).toEqual({ ok: false, reason: "malformed" })
    }
  })
})

describe("Slack v0 signatures", () => {
  it("verifies Slack's worked example", () => {
    expect(slack()).toEqual({ ok: true })
  })

  it("rejects it once the window has passed, either way", () => {
    const t = Number(SLACK.timestamp)
    expect(slack({ now: t + 300 })).toEqual({ ok: true })
    expect(slack({ now: t + 301 })).toEqual({ ok: false, reason: "stale" })
    expect(slack({ now: t - 301 })).toEqual({ ok: false, reason: "future" })
  })

  it("binds the timestamp: the same signature under another timestamp does not match", () => {
    expect(slack({ timestamp: "1531420619" })).toEqual({ ok: false, reason: "mismatch" })
  })

  it("calls odd shapes malformed rather than throwing", () => {
    for (const signature of [
      "",
      "v0=",
      "v0=abc",
      `${SLACK.signature}0`,
      SLACK.signature.slice(3),
      `v1=${SLACK.signature.slice(3)}`
    ]) {
      expect(slack({ signature })).toEqual({ ok: false, reason: "malformed" })
    }
    expect(slack({ timestamp: "1531420618abc" })).toEqual({ ok: false, reason: "malformed" })
  })
})

describe("shared tokens (Telegram, Matrix)", () => {
  it("accepts only the exact token, whatever the lengths", () => {
    const check = (given: string | undefined) => verifyToken({ secret: "abc_DEF-123", given, format: TELEGRAM_TOKEN })
    expect(check("abc_DEF-123")).toEqual({ ok: true })
    expect(check("abc_DEF-12")).toEqual({ ok: false, reason: "mismatch" })
    expect(check("abc_DEF-1234")).toEqual({ ok: false, reason: "mismatch" })
    expect(check("ABC_DEF-123")).toEqual({ ok: false, reason: "mismatch" })
    expect(check(undefined)).toEqual({ ok: false, reason: "missing" })
    expect(check("abc DEF")).toEqual({ ok: false, reason: "malformed" })
    expect(check("x".repeat(257))).toEqual({ ok: false, reason: "malformed" })
    expect(verifyToken({ secret: "hs", given: "h s", format: MATRIX_TOKEN })).toEqual({
      ok: false,
      reason: "malformed"
    })
  })
})
