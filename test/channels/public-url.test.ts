// With CARABASE_PUBLIC_URL set (the address the platforms reach), webhook URLs start with it, whatever Host the
// owner's client used.
import { expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as TestHost from "../support/TestHost"

const host = TestHost.layer("channels_public_url", { CARABASE_PUBLIC_URL: "https://brain.tail1234.ts.net/" })

it.layer(host, TestHost.layerOptions)("CARABASE_PUBLIC_URL", (it) => {
  it.effect("is the base of every webhookUrl, without a doubled slash", () =>
    Effect.gen(function* () {
      const api = yield* TestHost.apiClient(yield* TestHost.createWorkspace("channels_public_url home"))
      const { channel } = yield* api.channels.create({
        payload: { kind: "slack", name: "s", signingSecret: "publicurl0d2c9da3b44741a65b511ba" }
      })
      expect(channel.webhookUrl).toBe(`https://brain.tail1234.ts.net/api/v1/webhooks/slack/${channel.id}`)
      expect(channel.webhookUrlIsPublic).toBe(true)
      const { channels } = yield* api.channels.list()
      expect(channels[0]!.webhookUrl).toBe(channel.webhookUrl)
    })
  )
})
