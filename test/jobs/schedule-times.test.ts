// When schedules are due, in the owner's time zone, across daylight-saving changes.
import { describe, expect, it } from "@effect/vitest"
import { isDue, localTime, nextFire } from "../../src/jobs/ScheduleTimes"

const at = (iso: string) => new Date(iso)
const BERLIN = "Europe/Berlin"

describe("daily schedules in the owner's time zone", () => {
  it("memory-distill (0 2 * * *) is due from 02:00 local, once per local day", () => {
    const yesterday = at("2026-11-24T01:00:00Z") // 02:00 CET on the 24th
    expect(isDue("0 2 * * *", BERLIN, yesterday, at("2026-11-25T00:59:00Z"))).toBe(false) // 01:59 local
    expect(isDue("0 2 * * *", BERLIN, yesterday, at("2026-11-25T01:00:00Z"))).toBe(true) // 02:00 local
    expect(isDue("0 2 * * *", BERLIN, at("2026-11-25T01:00:00Z"), at("2026-11-25T05:00:00Z"))).toBe(false)
  })

  it("the same schedule follows the zone: 02:00 in New York is 07:00 UTC", () => {
    const yesterday = at("2026-11-24T07:00:00Z")
    expect(isDue("0 2 * * *", "America/New_York", yesterday, at("2026-11-25T06:59:00Z"))).toBe(false)
    expect(isDue("0 2 * * *", "America/New_York", yesterday, at("2026-11-25T07:00:00Z"))).toBe(true)
  })

  it("runs once when the clocks spring forward over its time (02:00 does not exist on 2026-03-29 in Berlin)", () => {
    const yesterday = at("2026-03-28T01:00:00Z") // 02:00 CET
    expect(isDue("0 2 * * *", BERLIN, yesterday, at("2026-03-29T00:59:00Z"))).toBe(false) // 01:59 CET
    expect(isDue("0 2 * * *", BERLIN, yesterday, at("2026-03-29T01:00:00Z"))).toBe(true) // 03:00 CEST
    expect(isDue("0 2 * * *", BERLIN, at("2026-03-29T01:00:00Z"), at("2026-03-29T01:05:00Z"))).toBe(false)
  })

  it("runs once when the clocks fall back over its time (02:00 happens twice on 2026-10-25 in Berlin)", () => {
    const first = at("2026-10-25T00:00:00Z") // 02:00 CEST
    expect(isDue("0 2 * * *", BERLIN, at("2026-10-24T00:00:00Z"), first)).toBe(true)
    expect(isDue("0 2 * * *", BERLIN, first, at("2026-10-25T01:00:00Z"))).toBe(false) // 02:00 CET, the repeat
  })

  it("a night missed while the host was down is due at boot, days later", () => {
    expect(isDue("30 3 * * *", BERLIN, at("2026-11-20T02:30:00Z"), at("2026-11-25T00:10:00Z"))).toBe(true)
  })

  it("reports the next run in the zone", () => {
    const next = nextFire("30 3 * * *", BERLIN)!
    expect(localTime(next, BERLIN).minute).toBe(3 * 60 + 30)
    expect(next.getTime()).toBeGreaterThan(Date.now())
  })
})

describe("hourly schedules", () => {
  it("github-sync (0 * * * *) is due once per clock hour", () => {
    expect(isDue("0 * * * *", BERLIN, at("2026-11-25T09:00:00Z"), at("2026-11-25T09:59:00Z"))).toBe(false)
    expect(isDue("0 * * * *", BERLIN, at("2026-11-25T09:00:00Z"), at("2026-11-25T10:00:00Z"))).toBe(true)
  })

  it("follows a half-hour zone: minute 0 in Kolkata is minute 30 in UTC", () => {
    expect(isDue("0 * * * *", "Asia/Kolkata", at("2026-11-25T09:30:00Z"), at("2026-11-25T10:15:00Z"))).toBe(false)
    expect(isDue("0 * * * *", "Asia/Kolkata", at("2026-11-25T09:30:00Z"), at("2026-11-25T10:30:00Z"))).toBe(true)
  })
})
