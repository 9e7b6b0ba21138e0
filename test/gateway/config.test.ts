// Gateway configuration: the loopback rule is decided from the URL alone, and every refusal names its variable.
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Exit, Option, Redacted } from "effect"
import { isLoopbackHost, loadGatewayConfig } from "../../src/gateway/GatewayConfig"

const load = (values: Record<string, string>) =>
  loadGatewayConfig.pipe(Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(values)))))

const failure = (values: Record<string, string>) => Effect.runSync(Effect.flip(load(values))).message

describe("isLoopbackHost", () => {
  it("accepts 127.0.0.0/8, ::1 and localhost, in the forms URL normalises them to", () => {
    for (const url of [
      "http://127.0.0.1:1",
      "http://127.255.3.4",
      "http://127.1",
      "http://0x7f.0.0.1",
      "http://[::1]:18789",
      "http://[0:0:0:0:0:0:0:1]",
      "http://localhost:18789",
      "http://LOCALHOST.",
      "http://[::ffff:127.0.0.1]"
    ]) {
      expect(isLoopbackHost(new URL(url).hostname), url).toBe(true)
    }
  })

  it("rejects everything else, including look-alikes", () => {
    for (const url of [
      "http://10.0.0.5",
      "http://128.0.0.1",
      "http://192.168.1.2",
      "http://[::2]",
      "http://[fe80::1]",
      "http://localhost.evil.com",
      "http://127.0.0.1.nip.io",
      "http://mac-mini.tailnet.ts.net",
      "http://0.0.0.0",
      "http://[::]"
    ]) {
      expect(isLoopbackHost(new URL(url).hostname), url).toBe(false)
    }
  })
})

describe("loadGatewayConfig", () => {
  it("defaults to http://127.0.0.1:18789, agent main, 60 s, and unconfigured without a password", () => {
    const config = Effect.runSync(load({}))
    expect(config.url.href).toBe("http://127.0.0.1:18789/")
    expect(config.agentId).toBe("main")
    expect(config.timeoutMs).toBe(60_000)
    expect(Option.isNone(config.password)).toBe(true)
    expect(Option.isNone(Effect.runSync(load({ OPENCLAW_GATEWAY_PASSWORD: "" })).password)).toBe(true)
  })

  it("keeps the password Redacted", () => {
    const config = Effect.runSync(load({ OPENCLAW_GATEWAY_PASSWORD: "s3cret-pass" }))
    expect(Option.map(config.password, Redacted.value)).toEqual(Option.some("s3cret-pass"))
    expect(String(config.password)).not.toContain("s3cret-pass")
  })

  it("refuses a remote URL unless OPENCLAW_ALLOW_REMOTE=true, naming both variables", () => {
    const message = failure({ OPENCLAW_GATEWAY_URL: "http://10.1.2.3:18789" })
    expect(message).toContain("OPENCLAW_GATEWAY_URL")
    expect(message).toContain("OPENCLAW_ALLOW_REMOTE")
    expect(message).toContain("10.1.2.3")
    expect(failure({ OPENCLAW_GATEWAY_URL: "http://10.1.2.3", OPENCLAW_ALLOW_REMOTE: "false" })).toContain(
      "OPENCLAW_ALLOW_REMOTE=true"
    )
    const allowed = Effect.runSync(load({ OPENCLAW_GATEWAY_URL: "https://gw.example", OPENCLAW_ALLOW_REMOTE: "true" }))
    expect(allowed.allowRemote).toBe(true)
  })

  it("never shows credentials written into the URL", () => {
    const message = failure({ OPENCLAW_GATEWAY_URL: "http://user:hunter2@10.0.0.1:18789" })
    expect(message).not.toContain("hunter2")
  })

  it("refuses malformed values with one line naming the variable", () => {
    expect(failure({ OPENCLAW_GATEWAY_URL: "not a url" })).toContain("OPENCLAW_GATEWAY_URL")
    expect(failure({ OPENCLAW_GATEWAY_URL: "ftp://127.0.0.1" })).toContain("OPENCLAW_GATEWAY_URL")
    expect(failure({ OPENCLAW_ALLOW_REMOTE: "maybe" })).toContain("OPENCLAW_ALLOW_REMOTE")
    expect(failure({ OPENCLAW_GATEWAY_TIMEOUT_MS: "soon" })).toContain("OPENCLAW_GATEWAY_TIMEOUT_MS")
    expect(failure({ OPENCLAW_GATEWAY_STREAM_MAX_MS: "0" })).toContain("OPENCLAW_GATEWAY_STREAM_MAX_MS")
    expect(failure({ OPENCLAW_GATEWAY_STREAM_MAX_MS: "ten minutes" })).toContain("OPENCLAW_GATEWAY_STREAM_MAX_MS")
    expect(failure({ OPENCLAW_AGENT_ID: "a b" })).toContain("OPENCLAW_AGENT_ID")
    expect(Exit.isSuccess(Effect.runSyncExit(load({ OPENCLAW_GATEWAY_TIMEOUT_MS: "250" })))).toBe(true)
    expect(Exit.isSuccess(Effect.runSyncExit(load({ OPENCLAW_GATEWAY_STREAM_MAX_MS: "1200000" })))).toBe(true)
  })
})

describe("OpenClaw's timeouts and agent ids", () => {
  it("gives OpenClaw 180 s to the first byte and between chunks, and other providers 60 s", () => {
    const config = Effect.runSync(load({}))
    expect(config.firstByteTimeoutMs).toBe(180_000)
    expect(config.idleTimeoutMs).toBe(180_000)
    expect(config.timeoutMs).toBe(60_000)
  })

  it("lets OPENCLAW_GATEWAY_TIMEOUT_MS, set before the two bounds existed, still bound OpenClaw; each wins over it", () => {
    const old = Effect.runSync(load({ OPENCLAW_GATEWAY_TIMEOUT_MS: "2000" }))
    expect([old.timeoutMs, old.firstByteTimeoutMs, old.idleTimeoutMs]).toEqual([2000, 2000, 2000])
    const both = Effect.runSync(
      load({
        OPENCLAW_GATEWAY_TIMEOUT_MS: "2000",
        OPENCLAW_GATEWAY_FIRST_BYTE_TIMEOUT_MS: "300000",
        OPENCLAW_GATEWAY_IDLE_TIMEOUT_MS: "90000"
      })
    )
    expect([both.timeoutMs, both.firstByteTimeoutMs, both.idleTimeoutMs]).toEqual([2000, 300_000, 90_000])
  })

  it("refuses a malformed bound naming its variable", () => {
    expect(failure({ OPENCLAW_GATEWAY_FIRST_BYTE_TIMEOUT_MS: "soon" })).toContain(
      "OPENCLAW_GATEWAY_FIRST_BYTE_TIMEOUT_MS"
    )
    expect(failure({ OPENCLAW_GATEWAY_IDLE_TIMEOUT_MS: "0" })).toContain("OPENCLAW_GATEWAY_IDLE_TIMEOUT_MS")
  })

  it("takes OPENCLAW_AGENT_ID only in OpenClaw's grammar: no dots", () => {
    expect(failure({ OPENCLAW_AGENT_ID: "research.v2" })).toContain("no dots")
    expect(Effect.runSync(load({ OPENCLAW_AGENT_ID: "Research_2-b" })).agentId).toBe("Research_2-b")
  })
})
