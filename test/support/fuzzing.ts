// What the property-based tests share: values that have broken parsers before, path segments sent as a client would
// send them, the signs of internals leaking into an answer, how a request is sent and read, and the closing health
// check.
import { expect } from "@effect/vitest"
import { FastCheck as fc } from "effect"
import type { HostProcess } from "./hostProcess"

/** Values that have broken parsers before: traversal, encodings, huge and odd numbers, NUL, lone surrogates. */
export const nasty = fc.constantFrom(
  "..",
  "../../etc/passwd",
  "%2e%2e%2f",
  "%00",
  "\u0000",
  "\ud800",
  "null",
  "undefined",
  "-1",
  "0",
  "1e309",
  "NaN",
  "9999-99-99",
  "2026-02-30",
  "00000000-0000-0000-0000-000000000000",
  "' or 1=1 --",
  "x".repeat(5000),
  "__proto__",
  "constructor"
)

/** Path segments as a client would send them; a lone surrogate goes out as the invalid UTF-8 it would become. */
export const encodeSegment = (segment: string) => {
  try {
    return encodeURIComponent(segment)
  } catch {
    return "%ED%A0%80"
  }
}

/** No stack frames, no source paths, no internal error class names. */
export const leaksInternals = (text: string) =>
  /\n\s+at\s|node_modules|\.ts:\d+|\.js:\d+|SqlError|FiberFailure|TypeError|ReferenceError/.test(text)

/** Sends one fuzzed request (no redirects followed, 15 s at most) and reads its answer; a stream is not waited for. */
export const fetchAnswer = async (url: string, init: RequestInit) => {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000), redirect: "manual" })
  const streaming = response.headers.get("content-type")?.includes("text/event-stream") === true
  const text = streaming ? (await response.body?.cancel(), "") : await response.text()
  return { status: response.status, text }
}

/** After the fuzzing: the host still answers health and has not exited. */
export const expectStillHealthy = async (base: string, host: HostProcess) => {
  const health = await fetch(`${base}/api/v1/health`)
  expect(health.status).toBe(200)
  expect(host.child.exitCode).toBeNull()
}
