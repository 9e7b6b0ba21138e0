// How deeply a JSON text nests, read from its bytes without parsing: the host refuses bodies that nest deeper than any
// client or platform sends before they reach JSON.parse, a schema decoder or JSON.stringify (V8 parses deep JSON
// iteratively but stringifies and decodes it recursively, so 2,500 levels ends in a stack overflow later).

/**
 * Above anything legitimate: a note document may nest 64 nodes (two JSON levels each) with attribute values 32 deep
 * inside, and platform webhooks nest about 10; the attacks seen nest thousands of levels.
 */
export const MAX_JSON_DEPTH = 256

const QUOTE = 0x22
const BACKSLASH = 0x5c
const OPEN_BRACE = 0x7b
const OPEN_BRACKET = 0x5b
const CLOSE_BRACE = 0x7d
const CLOSE_BRACKET = 0x5d

/** True when the text's objects and arrays nest deeper than `limit` (strings are skipped, escapes included). */
export const nestsDeeperThan = (bytes: Uint8Array, limit: number = MAX_JSON_DEPTH): boolean => {
  let depth = 0
  let inString = false
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]
    if (inString) {
      if (byte === BACKSLASH) i++
      else if (byte === QUOTE) inString = false
    } else if (byte === QUOTE) {
      inString = true
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      if (++depth > limit) return true
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth--
    }
  }
  return false
}
