// The keyset cursor of newest-first lists (artifacts, memories): where a page starts, after this row (its exact
// creation time as PostgreSQL prints it, microseconds kept, and its id), sent to clients as opaque base64url.
import { Encoding, Either, ParseResult, Schema } from "effect"

export const PagePosition = Schema.Struct({ createdAt: Schema.String, id: Schema.UUID })
export type PagePosition = typeof PagePosition.Type

const POSITION = /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,6})?[+-]\d{2}(?::\d{2}){0,2})\|([0-9a-f-]{36})$/

/** `nextCursor` of the previous page, opaque to clients: base64url of the position. */
export const PageCursor = Schema.transformOrFail(Schema.String, PagePosition, {
  strict: true,
  decode: (cursor, _, ast) => {
    const text = Either.getOrUndefined(Encoding.decodeBase64UrlString(cursor))
    const match = text === undefined ? null : POSITION.exec(text)
    return match === null
      ? ParseResult.fail(new ParseResult.Type(ast, cursor, "cursor must be a nextCursor this host answered"))
      : ParseResult.succeed({ createdAt: match[1]!, id: match[2]! })
  },
  encode: (position) => ParseResult.succeed(Encoding.encodeBase64Url(`${position.createdAt}|${position.id}`))
})
