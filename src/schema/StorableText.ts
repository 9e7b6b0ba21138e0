// What PostgreSQL can store as text and jsonb: it refuses the NUL character and unpaired UTF-16 surrogates, which are
// a client's mistake, not a server error. The checks name the place of the first bad string, key or runaway nesting.
// Imports nothing: the API declarations (and so the web UI) and the document checks share it.

export type Path = ReadonlyArray<string | number>

export interface Problem {
  readonly path: Path
  readonly message: string
}

/** Nesting of plain JSON values inside a node's attributes or unknown keys, or in free-form metadata. */
export const MAX_VALUE_DEPTH = 32

export const isObject = (value: unknown): value is { readonly [key: string]: unknown } =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const unpairedSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

export const isStorableText = (text: string): boolean => !text.includes("\u0000") && !unpairedSurrogate.test(text)

const unpairedSurrogates = new RegExp(unpairedSurrogate.source, "g")

/**
 * The text with each NUL and unpaired surrogate replaced by U+FFFD, for what is kept as it came (inbound deliveries).
 */
export const toStorableText = (text: string): string =>
  isStorableText(text) ? text : text.replaceAll("\u0000", "\ufffd").replace(unpairedSurrogates, "\ufffd")

export const formatPath = (path: Path): string =>
  path.length === 0
    ? "the document"
    : path.map((key, i) => (typeof key === "number" ? `[${key}]` : i === 0 ? key : `.${key}`)).join("")

/** Why text PostgreSQL cannot hold is refused, naming where it was (a field, or a path into a document). */
export const unstorableMessage = (place: string) =>
  `${place} contains a NUL character or an unpaired UTF-16 surrogate, which cannot be stored`

export const unstorableText = (path: Path): Problem => ({ path, message: unstorableMessage(formatPath(path)) })

export const unstorableKey = (path: Path): Problem => ({
  path,
  message: `${formatPath(path)} has a key with a NUL character or an unpaired UTF-16 surrogate, which cannot be stored`
})

/**
 * Checks a plain JSON value (attributes, unknown keys, free-form metadata) for unstorable strings or keys and runaway
 * nesting; the problem's path starts with `path`.
 */
export const checkJsonValue = (value: unknown, path: Path): Problem | undefined => {
  const stack: Array<{ value: unknown; path: Path; depth: number }> = [{ value, path, depth: 0 }]
  while (stack.length > 0) {
    const item = stack.pop()!
    if (item.depth > MAX_VALUE_DEPTH) {
      return { path: item.path, message: `${formatPath(item.path)} nests deeper than ${MAX_VALUE_DEPTH} levels` }
    }
    if (typeof item.value === "string") {
      if (!isStorableText(item.value)) return unstorableText(item.path)
    } else if (Array.isArray(item.value)) {
      item.value.forEach((child, i) => stack.push({ value: child, path: [...item.path, i], depth: item.depth + 1 }))
    } else if (isObject(item.value)) {
      for (const [key, child] of Object.entries(item.value)) {
        if (!isStorableText(key)) return unstorableKey(item.path)
        stack.push({ value: child, path: [...item.path, key], depth: item.depth + 1 })
      }
    }
  }
  return undefined
}
