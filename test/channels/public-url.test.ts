// With CARABASE_PUBLIC_URL set (the address the platforms reach), webhook URLs start with it, whatever Host the
// owner's client used.
import { describe, expect, it } from "@effect/vitest"
import { runClient } from "../support/apiClient"
import { createChannel, hostSuite } from "../webhooks/suite"

const suite = hostSuite("channels_public_url", { CARABASE_PUBLIC_URL: "https://brain.tail1234.ts.net/" })

describe("CARABASE_PUBLIC_URL", () => {
  it("is the base of every webhookUrl, without a doubled slash", async () => {
    const channel = await createChannel(suite, { kind: "slack", name: "s", signingSecret: "x" })
    expect(channel.webhookUrl).toBe(`https://brain.tail1234.ts.net/api/v1/webhooks/slack/${channel.id}`)
    const { channels } = await runClient(suite.base, (api) => api.channels.list(), suite.workspace)
    expect(channels[0]!.webhookUrl).toBe(channel.webhookUrl)
  })
})
