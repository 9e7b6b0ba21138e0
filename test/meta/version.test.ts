import { describe, expect, it } from "@effect/vitest"
import { channelOf } from "../../src/meta/Version"

describe("update channel from the version tag", () => {
  it.each([
    ["1.2.3", "stable"],
    ["v1.2.3", "stable"],
    ["1.2.3-beta.4", "beta"],
    ["v2.0.0-rc.1", "beta"],
    ["1.0.0-alpha.7", "alpha"],
    ["1.0.0-nightly.20261125", "alpha"],
    ["not a version", "alpha"]
  ])("%s is %s", (version, channel) => {
    expect(channelOf(version)).toBe(channel)
  })
})
