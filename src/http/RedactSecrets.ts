// Decode errors quote what was sent ("Expected string, actual 12345678"); when what was sent is a secret (an API key,
// a signing secret, a bot token, a password), the answer, and any log or screenshot of it, must not carry it back.
import { HttpApiError } from "@effect/platform"
import { MAX_JSON_DEPTH } from "../platform/JsonDepth"

const SENSITIVE_KEY = /api_?key|secret|token|password|passphrase|credential|authorization/i

/** The string and number values a JSON body holds under sensitive keys, at any depth. */
export const secretsIn = (value: unknown): ReadonlyArray<string | number> => {
  const found: Array<string | number> = []
  const walk = (node: unknown, sensitive: boolean, depth: number): void => {
    if (depth > MAX_JSON_DEPTH) return
    if (sensitive && (typeof node === "string" || typeof node === "number")) found.push(node)
    else if (Array.isArray(node)) for (const item of node) walk(item, sensitive, depth + 1)
    else if (typeof node === "object" && node !== null) {
      for (const [key, child] of Object.entries(node)) walk(child, sensitive || SENSITIVE_KEY.test(key), depth + 1)
    }
  }
  walk(value, false, 0)
  return found
}

/** The text with every quotation of the secrets (as the schema formatters print them) replaced. */
export const redactText = (text: string, secrets: ReadonlyArray<string | number>): string =>
  secrets.reduce<string>(
    (redacted, secret) =>
      typeof secret === "string"
        ? redacted.split(JSON.stringify(secret)).join('"<redacted>"')
        : redacted.replace(
            new RegExp(`\\bactual ${String(secret).replace(/[.+-]/g, "\\$&")}(?![\\d.])`, "g"),
            "actual <redacted>"
          ),
    text
  )

export const redactDecodeError = (
  error: HttpApiError.HttpApiDecodeError,
  secrets: ReadonlyArray<string | number>
): HttpApiError.HttpApiDecodeError =>
  secrets.length === 0
    ? error
    : new HttpApiError.HttpApiDecodeError({
        message: redactText(error.message, secrets),
        issues: error.issues.map((issue) => ({ ...issue, message: redactText(issue.message, secrets) }))
      })
