// What the property-based tests share: values that have broken parsers before, path segments sent as a client would
// send them, and the signs of internals leaking into an answer.
import { FastCheck as fc } from "effect"

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
