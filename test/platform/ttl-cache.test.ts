// The bounded cache behind the workspace and channel lookups: entries expire, the oldest goes first at the bound, and
// a delete forgets at once (a deleted channel must not be served from memory).
import { afterEach, describe, expect, it, vi } from "vitest"
import * as TtlCache from "../../src/platform/TtlCache"

afterEach(() => vi.useRealTimers())

describe("TtlCache", () => {
  it("answers an entry until ttlMs after it was set, then looks it up again", () => {
    vi.useFakeTimers({ now: 1_000_000 })
    const cache = TtlCache.make<string>({ ttlMs: 60_000, max: 10 })
    cache.set("a", "row")
    vi.setSystemTime(1_000_000 + 59_999)
    expect(cache.get("a")).toBe("row")
    vi.setSystemTime(1_000_000 + 60_000)
    expect(cache.get("a")).toBeUndefined()
  })

  it("holds at most max entries, dropping the one set longest ago", () => {
    const cache = TtlCache.make<number>({ ttlMs: 60_000, max: 3 })
    for (const [i, key] of ["a", "b", "c"].entries()) cache.set(key, i)
    cache.set("a", 9)
    cache.set("d", 3)
    expect(["a", "b", "c", "d"].map((key) => cache.get(key))).toEqual([9, undefined, 2, 3])
  })

  it("forgets a deleted entry at once", () => {
    const cache = TtlCache.make<string>({ ttlMs: 60_000, max: 10 })
    cache.set("channel", "row")
    cache.delete("channel")
    expect(cache.get("channel")).toBeUndefined()
  })
})
