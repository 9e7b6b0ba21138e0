// Log cards: the timestamped entries of a daily note. Builds the node the contract fixes (attrs all strings; tags,
// folios and customers as JSON-encoded string arrays) and reads its metadata back leniently, so a card written by an
// older client with a malformed attribute still renders and still lends its tags to its tasks.
import type { Document, Node } from "./Document"

export interface LogCardMeta {
  readonly timestamp: string | null
  readonly tags: ReadonlyArray<string>
  readonly folios: ReadonlyArray<string>
}

export interface NewLogCard {
  readonly timestamp: string
  readonly content: Document
  readonly folios: ReadonlyArray<string>
  readonly tags: ReadonlyArray<string>
  readonly idempotencyKey?: string | undefined
}

/** `#work` and `work` name the same tag. */
export const normalizeTag = (tag: string): string => tag.trim().replace(/^#+/, "").trim()

/** Tags as a card stores them: without `#`, each once, in the order given. */
export const normalizeTags = (tags: ReadonlyArray<string>): Array<string> => [
  ...new Set(tags.map(normalizeTag).filter((tag) => tag !== ""))
]

export const makeLogCard = (card: NewLogCard): Node => ({
  type: "logCard",
  attrs: {
    timestamp: card.timestamp,
    visibility: "PRIVATE",
    tags: JSON.stringify(card.tags),
    folios: JSON.stringify(card.folios),
    customers: "[]",
    abandoned: "false",
    ...(card.idempotencyKey === undefined ? {} : { idempotencyKey: card.idempotencyKey })
  },
  content: card.content
})

/**
 * A string-array attribute: JSON-encoded as the contract says, or (from lenient writers) a real array. Anything
 * unreadable counts as empty.
 */
export const parseStringArray = (value: unknown): ReadonlyArray<string> => {
  let parsed: unknown = value
  if (typeof value === "string") {
    if (value.trim() === "") return []
    try {
      parsed = JSON.parse(value)
    } catch {
      return []
    }
  }
  return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === "string") : []
}

export const logCardMeta = (node: Node): LogCardMeta => {
  const attrs = node.attrs ?? {}
  const timestamp = typeof attrs.timestamp === "string" && attrs.timestamp.trim() !== "" ? attrs.timestamp : null
  return {
    timestamp,
    tags: parseStringArray(attrs.tags)
      .map(normalizeTag)
      .filter((tag) => tag !== ""),
    folios: parseStringArray(attrs.folios)
  }
}

/** True when some node of the document (at any depth) carries this idempotency key. */
export const hasIdempotencyKey = (document: Document, key: string): boolean => {
  const stack = [...document]
  while (stack.length > 0) {
    const node = stack.pop()!
    if (node.attrs?.idempotencyKey === key) return true
    if (node.content !== undefined) stack.push(...node.content)
  }
  return false
}
