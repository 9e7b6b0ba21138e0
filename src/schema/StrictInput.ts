// Strict input: what a client sends either means something to the host or is refused, never silently dropped. The
// parse options every HTTP payload and query (src/Api.ts applies them to each declared endpoint) and every MCP tool's
// arguments (src/mcp/McpSessions.ts) are decoded with: a key the schema does not name is an error whose message names
// it and lists the accepted keys (`["colour"] is unexpected, expected: "name" | "about"`), at any depth.
import { ParseResult, type Schema } from "effect"
import type { ParseOptions } from "effect/SchemaAST"

export const STRICT: ParseOptions = { onExcessProperty: "error" }

/** The schema, decoding (and encoding) with unknown keys refused. */
export const strict = <S extends Schema.Schema.Any>(schema: S): S =>
  schema.annotations({ parseOptions: STRICT }) as unknown as S

/** The unknown keys a decode failure names, as dotted paths (`colour`, `filters.colour`); empty for other failures. */
export const unknownKeys = (error: ParseResult.ParseError): ReadonlyArray<string> => [
  ...new Set(
    ParseResult.ArrayFormatter.formatErrorSync(error)
      .filter((issue) => issue._tag === "Unexpected")
      .map((issue) => issue.path.map(String).join("."))
  )
]
