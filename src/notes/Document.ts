// The daily-note document: TipTap JSON, a tree of nodes. Validation keeps every node type, attribute and key it does
// not know exactly as sent, checks the few things the wire contract fixes, and bounds depth and size, naming the path
// of the first bad node. Imports only effect and src/schema: the API declaration (and so the web UI) uses it.
import { ParseResult, Schema } from "effect"
import {
  checkJsonValue,
  formatPath,
  isObject,
  isStorableText,
  type Path,
  type Problem,
  unstorableKey,
  unstorableText
} from "../schema/StorableText"

export interface Mark {
  readonly type: string
  readonly attrs?: { readonly [key: string]: unknown }
  readonly [key: string]: unknown
}

export interface Node {
  readonly type: string
  readonly attrs?: { readonly [key: string]: unknown }
  readonly content?: ReadonlyArray<Node>
  readonly text?: string
  readonly marks?: ReadonlyArray<Mark>
  readonly [key: string]: unknown
}

export type Document = ReadonlyArray<Node>

/** Levels of nested nodes (a top-level block is level 1). */
export const MAX_DEPTH = 64
/** UTF-8 bytes of the document (or block) as JSON. A stored note never grows past it either. */
export const MAX_BYTES = 2 * 1024 * 1024

/** Attributes of a logCard that the contract fixes as strings. */
export const LOG_CARD_ATTRS = [
  "timestamp",
  "visibility",
  "tags",
  "folios",
  "customers",
  "abandoned",
  "idempotencyKey"
] as const

/** Size of a value as JSON, in UTF-8 bytes. */
export const jsonBytes = (value: unknown): number => utf8Length(JSON.stringify(value) ?? "")

export const utf8Length = (text: string): number => {
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x80) bytes += 1
    else if (code < 0x800) bytes += 2
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      bytes += 4
      i++
    } else bytes += 3
  }
  return bytes
}

const at = (path: Path, message: string): Problem => ({ path, message: `node ${formatPath(path)}: ${message}` })

/** The checks of one node's own fields; children are pushed for the caller to visit. */
const checkNodeFields = (
  node: unknown,
  path: Path,
  visit: (child: unknown, path: Path) => void
): Problem | undefined => {
  if (!isObject(node)) return at(path, "must be an object with a string `type`")
  const { type, attrs, content, text, marks } = node
  if (typeof type !== "string" || type.length === 0) return at(path, "`type` must be a non-empty string")
  for (const key of Object.keys(node)) {
    if (!isStorableText(key)) return unstorableKey(path)
  }
  if (!isStorableText(type)) return unstorableText([...path, "type"])
  if (attrs !== undefined) {
    if (!isObject(attrs)) return at(path, `${type}: \`attrs\` must be an object`)
    const problem = checkJsonValue(attrs, [...path, "attrs"])
    if (problem !== undefined) return problem
  }
  if (text !== undefined && typeof text !== "string") return at(path, `${type}: \`text\` must be a string`)
  if (text !== undefined && !isStorableText(text)) return unstorableText([...path, "text"])
  if (marks !== undefined) {
    if (!Array.isArray(marks)) return at(path, `${type}: \`marks\` must be an array`)
    for (let i = 0; i < marks.length; i++) {
      const mark: unknown = marks[i]
      const markPath = [...path, "marks", i]
      if (!isObject(mark) || typeof mark.type !== "string" || mark.type.length === 0) {
        return { path: markPath, message: `mark ${formatPath(markPath)} must be an object with a string \`type\`` }
      }
      if (mark.attrs !== undefined && !isObject(mark.attrs)) {
        return { path: markPath, message: `mark ${formatPath(markPath)}: \`attrs\` must be an object` }
      }
      const problem = checkJsonValue(mark, markPath)
      if (problem !== undefined) return problem
    }
  }
  for (const [key, value] of Object.entries(node)) {
    if (key === "type" || key === "attrs" || key === "content" || key === "text" || key === "marks") continue
    const problem = checkJsonValue(value, [...path, key])
    if (problem !== undefined) return problem
  }
  const known = checkKnownType(type, isObject(attrs) ? attrs : {}, text, path)
  if (known !== undefined) return known
  if (content !== undefined) {
    if (!Array.isArray(content)) return at(path, `${type}: \`content\` must be an array of nodes`)
    content.forEach((child, i) => visit(child, [...path, "content", i]))
  }
  return undefined
}

/** The light checks the wire contract fixes for known node types; anything else about them is kept as sent. */
const checkKnownType = (
  type: string,
  attrs: { readonly [key: string]: unknown },
  text: string | undefined,
  path: Path
): Problem | undefined => {
  switch (type) {
    case "text":
      return text === undefined || text.length === 0
        ? at(path, "a text node needs a non-empty `text` string")
        : undefined
    case "taskItem":
      return attrs.checked === undefined || typeof attrs.checked === "boolean"
        ? undefined
        : at([...path, "attrs", "checked"], "a taskItem's attrs.checked must be true or false")
    case "heading": {
      const level = attrs.level
      return level === undefined || (Number.isInteger(level) && (level as number) >= 1 && (level as number) <= 6)
        ? undefined
        : at([...path, "attrs", "level"], "a heading's attrs.level must be a whole number from 1 to 6")
    }
    case "codeBlock":
      return attrs.language === undefined || attrs.language === null || typeof attrs.language === "string"
        ? undefined
        : at([...path, "attrs", "language"], "a codeBlock's attrs.language must be a string")
    case "logCard":
      // null is TipTap's "attribute not set"; anything else must be the string the contract fixes.
      for (const [key, value] of Object.entries(attrs)) {
        if (value !== null && typeof value !== "string") {
          return at([...path, "attrs", key], `a logCard's attributes are strings; attrs.${key} is ${describe(value)}`)
        }
      }
      return undefined
    default:
      return undefined
  }
}

const describe = (value: unknown): string =>
  Array.isArray(value) ? "an array" : value === null ? "null" : `a ${typeof value}`

const checkTree = (roots: ReadonlyArray<{ node: unknown; path: Path }>): Problem | undefined => {
  const stack = roots.map((root) => ({ ...root, depth: 1 })).reverse()
  while (stack.length > 0) {
    const { node, path, depth } = stack.pop()!
    if (depth > MAX_DEPTH) {
      return at(path, `nodes nest deeper than ${MAX_DEPTH} levels; flatten the document`)
    }
    const children: Array<{ node: unknown; path: Path; depth: number }> = []
    const problem = checkNodeFields(node, path, (child, childPath) =>
      children.push({ node: child, path: childPath, depth: depth + 1 })
    )
    if (problem !== undefined) return problem
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!)
  }
  return undefined
}

const checkSize = (value: unknown, what: string): Problem | undefined => {
  const bytes = jsonBytes(value)
  return bytes > MAX_BYTES
    ? {
        path: [],
        message: `${what} is ${bytes} bytes of JSON; the limit is ${MAX_BYTES} bytes (2 MiB): split it across days or entries`
      }
    : undefined
}

/** The first problem of a document (an array of top-level blocks), or undefined when it can be stored. */
export const checkDocument = (input: unknown): Problem | undefined => {
  if (!Array.isArray(input)) return { path: [], message: "the document must be an array of block nodes" }
  return checkTree(input.map((node, i) => ({ node, path: [i] }))) ?? checkSize(input, "the document")
}

/** The first problem of a single block node, or undefined when it can be stored. */
export const checkBlock = (input: unknown): Problem | undefined =>
  checkTree([{ node: input, path: [] }]) ?? checkSize(input, "the block")

const nodeJsonSchema = {
  type: "object",
  required: ["type"],
  properties: {
    type: { type: "string" },
    attrs: { type: "object" },
    content: { type: "array", items: { type: "object" } },
    text: { type: "string" },
    marks: { type: "array", items: { type: "object", required: ["type"], properties: { type: { type: "string" } } } }
  },
  additionalProperties: true
}

const checked = <A>(check: (input: unknown) => Problem | undefined, annotations: Schema.Annotations.Schema<A>) =>
  Schema.declare(
    [],
    {
      decode: () => (input, _options, ast) => {
        const problem = check(input)
        if (problem === undefined) return ParseResult.succeed(input as A)
        const issue = new ParseResult.Type(ast, input, problem.message)
        const [first, ...rest] = problem.path
        return ParseResult.fail(first === undefined ? issue : new ParseResult.Pointer([first, ...rest], input, issue))
      },
      encode: () => (input) => ParseResult.succeed(input as A)
    },
    annotations
  )

/** One block node (with its subtree), validated. */
export const Block: Schema.Schema<Node> = checked<Node>(checkBlock, {
  identifier: "Block",
  description: "A TipTap node: { type, attrs?, content?, text?, marks? }; unknown types and attributes are kept",
  jsonSchema: nodeJsonSchema
})

/** A whole document: the note's top-level blocks, validated. */
export const DocumentState: Schema.Schema<Document> = checked<Document>(checkDocument, {
  identifier: "DocumentState",
  description: `The note's top-level TipTap blocks; at most ${MAX_DEPTH} levels deep and ${MAX_BYTES} bytes of JSON`,
  jsonSchema: { type: "array", items: nodeJsonSchema }
})
