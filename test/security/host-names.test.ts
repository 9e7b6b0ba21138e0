// The one allow-list of names and origins, as pure functions: the spellings a rebinding attacker would try are refused
// (look-alike prefixes, other tailnets' shapes, userinfo and paths smuggled into Host), the names this machine really
// has are not, and a write's Origin passes only when it is the host's own or listed.
import { describe, expect, it } from "@effect/vitest"
import { Option } from "effect"
import { hostnameOf, isAllowedHost, isAllowedOrigin, type HostNames } from "../../src/http/HostNames"

const names: HostNames = { hosts: ["carabase.home.arpa"], origins: ["https://notes.example:8443"], machine: "box" }

describe("host names", () => {
  it("parses Host headers the way URLs are parsed", () => {
    expect(hostnameOf("127.1:3000")).toEqual(Option.some("127.0.0.1"))
    expect(hostnameOf("[::1]:3000")).toEqual(Option.some("::1"))
    expect(hostnameOf("LOCALHOST.:3000")).toEqual(Option.some("localhost"))
    for (const bad of ["", "a b", "evil.example/x", "user@127.0.0.1", "127.0.0.1#x", "[::1"]) {
      expect(hostnameOf(bad), bad).toEqual(Option.none())
    }
  })

  it("answers to IP literals, loopback names, the machine, its tailnet names and listed names", () => {
    for (const host of [
      "127.0.0.1:3000",
      "0x7f.1:3000",
      "[::1]:3000",
      "100.101.102.103",
      "[fd7a:115c:a1e0::1]:3000",
      "localhost:3000",
      "app.localhost",
      "box",
      "BOX:3000",
      "box.tail1234.ts.net",
      "box.tail1234.ts.net.",
      "carabase.home.arpa:3000"
    ]) {
      expect(isAllowedHost(names, host), host).toBe(true)
    }
  })

  it("refuses every other name, including ones that start or end like the machine's", () => {
    for (const host of [
      "evil.example",
      "box.evil.example",
      "box.evil.example:3000",
      "boxy",
      "notbox.tail1234.ts.net",
      "box.a.b.ts.net",
      "box.tail1234.ts.net.evil.example",
      "localhost.evil.example",
      "127.0.0.1.nip.io",
      "home.arpa",
      "user@127.0.0.1"
    ]) {
      expect(isAllowedHost(names, host), host).toBe(false)
    }
  })

  it("lets a machine whose name has a domain answer to it whole and to its first label", () => {
    const fqdn = { ...names, machine: "box.lan" }
    expect(isAllowedHost(fqdn, "box.lan")).toBe(true)
    expect(isAllowedHost(fqdn, "box")).toBe(true)
    expect(isAllowedHost(fqdn, "box.tail1234.ts.net")).toBe(true)
    expect(isAllowedHost(fqdn, "lan")).toBe(false)
  })
})

describe("origins of writes", () => {
  it("allows the host's own origin and listed ones", () => {
    expect(isAllowedOrigin(names, "http://127.0.0.1:3000", "127.0.0.1:3000")).toBe(true)
    expect(isAllowedOrigin(names, "https://box.tail1234.ts.net", "box.tail1234.ts.net")).toBe(true)
    expect(isAllowedOrigin(names, "https://NOTES.example:8443", "127.0.0.1:3000")).toBe(true)
  })

  it("refuses another port, another name, null and garbage", () => {
    expect(isAllowedOrigin(names, "http://127.0.0.1:9999", "127.0.0.1:3000")).toBe(false)
    expect(isAllowedOrigin(names, "http://evil.example:3000", "127.0.0.1:3000")).toBe(false)
    expect(isAllowedOrigin(names, "null", "127.0.0.1:3000")).toBe(false)
    expect(isAllowedOrigin(names, "file://", "127.0.0.1:3000")).toBe(false)
    expect(isAllowedOrigin(names, "http://127.0.0.1:3000", undefined)).toBe(false)
  })
})
