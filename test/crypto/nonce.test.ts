// Random 96-bit IVs: sealing the same secret over and over must never repeat an IV (GCM's one fatal misuse).
import { describe, expect, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import * as Crypto from "../../src/platform/Crypto"
import { masterKey } from "./helpers"

const SEALS = 100_000

describe("nonce uniqueness", () => {
  it.effect(
    `${SEALS.toLocaleString("en")} seals of the same value use ${SEALS.toLocaleString("en")} distinct IVs and ciphertexts`,
    () =>
      Effect.gen(function* () {
        const crypto = Crypto.make(masterKey())
        const binding = { table: "integrations", column: "api_token", rowId: "1" }
        const plaintext = Redacted.make("the same secret every time")
        const ivs = new Set<string>()
        const bodies = new Set<string>()
        for (let i = 0; i < SEALS; i++) {
          const envelope = yield* crypto.seal(plaintext, binding)
          ivs.add(envelope.toString("hex", 1, 13))
          bodies.add(envelope.toString("hex", 13))
        }
        expect(ivs.size).toBe(SEALS)
        expect(bodies.size).toBe(SEALS)
      }),
    30_000
  )
})
