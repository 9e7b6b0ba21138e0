// The argument schemas the tools share. Free text an agent sends is stored in PostgreSQL or sent to it inside a query,
// and its text and jsonb cannot hold a NUL or an unpaired UTF-16 surrogate: such an argument is refused as invalid
// params naming it, with the HTTP API's own check and words, never a failure inside the host. Every free-text argument
// takes it, the few only compared in memory too, so none starts reaching the database unchecked.
import { Schema } from "effect"
import { storable } from "../../schema/TextSchemas"
import { noteDateField } from "../../notes/NoteDate"

/** A string argument PostgreSQL can store; the refusal names `argument`. Published as a plain JSON Schema string. */
export const textArg = (argument: string) =>
  Schema.String.pipe(storable(argument), Schema.annotations({ jsonSchema: {} }))

/** A daily note's day, published with its format so an agent (and a client checking the schema) can see it. */
export const dayArg = (argument: string) =>
  noteDateField(argument).annotations({
    jsonSchema: { format: "date", pattern: "^\\d{4}-\\d{2}-\\d{2}$" },
    description: "YYYY-MM-DD"
  })
