// Text that PostgreSQL can store, as request schemas share it: text and jsonb refuse the NUL character, and JSON with
// an unpaired UTF-16 surrogate does not survive; a field holding either is a 400 naming the field, never a 500 from
// the database. Imports only effect and the storable-text checks beside it (the web UI bundles the declarations).
import { Schema } from "effect"
import { checkJsonValue, isStorableText, unstorableMessage } from "./StorableText"

export const storable = (field: string) =>
  Schema.filter<Schema.Schema<string>>(isStorableText, {
    message: () => unstorableMessage(field)
  })

/**
 * For free-form JSON kept as jsonb (metadata, settings): every string and key in it must be storable, and it nests at
 * most MAX_VALUE_DEPTH levels. The message names the place, e.g. `metadata.source[2] contains a NUL character…`.
 */
export const storableJson =
  (field: string) =>
  <S extends Schema.Schema.Any>(self: S) =>
    Schema.filter<S>((value) => {
      const problem = checkJsonValue(value, [field])
      return problem === undefined || { path: problem.path.slice(1), message: problem.message }
    })(self)

export const bounded = (field: string, max: number) =>
  Schema.Trim.pipe(
    Schema.minLength(1, { message: () => `${field} must not be empty` }),
    Schema.maxLength(max, { message: () => `${field} must be at most ${max} characters` }),
    storable(field)
  )
