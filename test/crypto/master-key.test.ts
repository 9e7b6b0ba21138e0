// HOST_MASTER_KEY: exactly 64 hex characters, and never shown once parsed.
import { inspect } from "node:util"
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer, Option, Redacted } from "effect"
import { HostEnv } from "../../src/platform/HostEnv"
import * as MasterKey from "../../src/platform/MasterKey"

const KEY_HEX = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

const parse = (text: string) => MasterKey.parseMasterKey(Redacted.make(text))
const parsedBytes = (text: string) => Option.map(parse(text), (key) => Redacted.value(key).toString("hex"))

describe("parseMasterKey", () => {
  it("accepts 64 lower-case hex characters as the 32 bytes they spell", () => {
    expect(parsedBytes(KEY_HEX)).toEqual(Option.some(KEY_HEX))
    expect(Option.map(parse(KEY_HEX), (key) => Redacted.value(key).length)).toEqual(Option.some(32))
  })

  it("accepts upper-case and mixed-case hex as the same key", () => {
    expect(parsedBytes(KEY_HEX.toUpperCase())).toEqual(Option.some(KEY_HEX))
    const mixed = KEY_HEX.replace(/[a-f]/g, (c, at: number) => (at % 2 === 0 ? c.toUpperCase() : c))
    expect(parsedBytes(mixed)).toEqual(Option.some(KEY_HEX))
  })

  it("tolerates surrounding whitespace such as the newline an env file or secret store leaves", () => {
    expect(parsedBytes(`  ${KEY_HEX}\n`)).toEqual(Option.some(KEY_HEX))
  })

  it("rejects 63 or 65 characters, a non-hex character, whitespace inside, and the empty string", () => {
    for (const bad of [
      KEY_HEX.slice(0, 63),
      `${KEY_HEX}0`,
      `g${KEY_HEX.slice(1)}`,
      `${KEY_HEX.slice(0, 63)}z`,
      `${KEY_HEX.slice(0, 32)} ${KEY_HEX.slice(32, 63)}`,
      `0x${KEY_HEX.slice(2)}`,
      "",
      "   "
    ]) {
      expect(Option.isNone(parse(bad)), JSON.stringify(bad)).toBe(true)
    }
  })

  it("keeps the parsed key Redacted: String, JSON and inspect do not reveal it", () => {
    const key = Option.getOrThrow(parse(KEY_HEX))
    const base64 = Buffer.from(KEY_HEX, "hex").toString("base64")
    for (const shown of [String(key), `${key}`, JSON.stringify(key), JSON.stringify({ key }), inspect(key)]) {
      expect(shown.toLowerCase()).not.toContain(KEY_HEX)
      expect(shown).not.toContain(base64)
    }
  })
})

describe("weakKeyReason", () => {
  const reason = (text: string) => MasterKey.weakKeyReason(Option.getOrThrow(parse(text)))

  it("accepts a random key and the counting sequence of the test vectors", () => {
    expect(reason(KEY_HEX)).toBeNull()
    expect(reason("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")).toBeNull()
  })

  it("names an all-zero key, one byte repeated, and a short repeated pattern", () => {
    expect(reason("0".repeat(64))).toBe("it is all zeros")
    expect(reason("ab".repeat(32))).toBe("it is one byte repeated 32 times")
    expect(reason("deadbeef".repeat(8))).toBe("it repeats a short pattern (only 4 distinct byte values)")
  })
})

describe("MasterKey layer", () => {
  const hostEnv = Layer.succeed(HostEnv, { name: "dev", file: null, fileLabel: "/srv/carabase/.env.dev" })
  const load = (env: Record<string, string>) =>
    MasterKey.MasterKey.pipe(
      Effect.provide(MasterKey.layer.pipe(Layer.provide(hostEnv))),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))
    )

  it.effect("provides the key from HOST_MASTER_KEY", () =>
    Effect.gen(function* () {
      const key = yield* load({ HOST_MASTER_KEY: KEY_HEX })
      expect(Redacted.value(key).toString("hex")).toBe(KEY_HEX)
    })
  )

  it.effect("refuses to boot without a key, saying where it looked", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(load({}))
      expect(error.message).toMatch(/HOST_MASTER_KEY is missing in the process environment/)
    })
  )

  it.effect("refuses a placeholder key, saying why, without echoing it", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(load({ HOST_MASTER_KEY: "ab".repeat(32) }))
      expect(error.message).toMatch(/is not a random key: it is one byte repeated 32 times/)
      expect(error.message).toContain("carabase rotate-key")
      expect(error.message).not.toContain("abababab")
    })
  )

  it.effect("refuses a malformed key without echoing it", () =>
    Effect.gen(function* () {
      const almost = KEY_HEX.slice(0, 63)
      const error = yield* Effect.flip(load({ HOST_MASTER_KEY: almost }))
      expect(error.message).toMatch(/malformed: it must be exactly 64 hex characters/)
      expect(error.message).not.toContain(almost)
      expect(JSON.stringify(error)).not.toContain(almost)
    })
  )
})
