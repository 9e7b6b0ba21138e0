// Argument aliases: the names the published Carabase skills write beside a tool's own (`entity` for `start_entity`,
// `folio_name` for `folio`, ...). An alias is a declared key of the tool's input schema, so a client checking the
// published JSON Schema, and a strict decoder refusing unknown keys, both see it. It is decoded with its own schema,
// turned into the canonical value, and then the tool sees only its own names. Both spellings given with different
// values is an invalid argument naming both; a required argument is required under either spelling.
import { ParseResult, Schema } from "effect"

export interface Alias {
  /** The argument it stands for: a key of the tool's input, or a dotted path into a nested one (`hints.limit`). */
  readonly for: string
  /** The alias's own schema (decoded before the alias is applied). */
  readonly schema: Schema.Schema<any, any, never>
  /** Turns the alias's decoded value into the canonical argument's value; default: the value as it is. */
  readonly map?: (value: any) => unknown
}

/** An alias that takes the canonical argument's own schema and value. */
export const same = (canonical: string, schema: Schema.Schema<any, any, never>): Alias => ({ for: canonical, schema })

/** What the refusal of two disagreeing spellings says; the MCP session answers it as a tool error the agent reads. */
export const DISAGREE = "are two spellings of one argument and disagree"

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)

const getPath = (value: Record<string, unknown>, path: ReadonlyArray<string>): unknown =>
  path.reduce<unknown>(
    (node, key) => (typeof node === "object" && node !== null ? (node as Record<string, unknown>)[key] : undefined),
    value
  )

const setPath = (value: Record<string, unknown>, path: ReadonlyArray<string>, leaf: unknown) => {
  const [head, ...rest] = path as [string, ...Array<string>]
  if (rest.length === 0) {
    value[head] = leaf
    return
  }
  const child = value[head]
  const copy = { ...(typeof child === "object" && child !== null ? (child as Record<string, unknown>) : {}) }
  setPath(copy, rest, leaf)
  value[head] = copy
}

/**
 * A tool's input: `fields` under their own names, and `aliases` (alias name to what it stands for) beside them. The
 * decoded value has the canonical names only. A required field with an alias is published as optional (either
 * spelling will do) and its absence under both is refused naming both.
 */
export const withAliases = <Fields extends Schema.Struct.Fields>(
  fields: Fields,
  aliases: Readonly<Record<string, Alias>>
): Schema.Schema<Schema.Simplify<Schema.Struct.Type<Fields>>, any, never> => {
  const canonical = Schema.Struct(fields)
  const aliasesOf = (key: string) =>
    Object.entries(aliases)
      .filter(([, alias]) => alias.for.split(".")[0] === key)
      .map(([name]) => name)
  const required = Object.keys(fields).filter(
    (key) => Schema.isSchema(fields[key]) && aliasesOf(key).length > 0
  ) as Array<string>
  const accepted: Record<string, Schema.Struct.Field> = {}
  for (const [key, field] of Object.entries(fields)) {
    accepted[key] = required.includes(key) ? Schema.optional(field as Schema.Schema<any, any, never>) : field
  }
  for (const [name, alias] of Object.entries(aliases)) {
    accepted[name] = Schema.optional(
      alias.schema.annotations({ description: `the same as \`${alias.for}\` (the name the Carabase skills use)` })
    )
  }
  const declared = Schema.Struct(accepted) as unknown as Schema.Schema<Record<string, unknown>, any, never>
  return Schema.transformOrFail(declared, Schema.typeSchema(canonical), {
    strict: false,
    decode: (input, _, ast) => {
      const out: Record<string, unknown> = { ...(input as Record<string, unknown>) }
      for (const [name, alias] of Object.entries(aliases)) {
        const given = out[name]
        delete out[name]
        if (given === undefined) continue
        const value = alias.map === undefined ? given : alias.map(given)
        const path = alias.for.split(".")
        const current = getPath(out, path)
        if (current !== undefined && !sameValue(current, value)) {
          return ParseResult.fail(
            new ParseResult.Type(
              ast,
              input,
              `\`${name}\` and \`${alias.for}\` ${DISAGREE} (${JSON.stringify(given)} against ${JSON.stringify(current)}): give one of them`
            )
          )
        }
        setPath(out, path, value)
      }
      for (const key of required) {
        if (out[key] === undefined) {
          return ParseResult.fail(
            new ParseResult.Type(
              ast,
              input,
              `\`${key}\` (or ${aliasesOf(key)
                .map((name) => `\`${name}\``)
                .join(", ")}) is required`
            )
          )
        }
      }
      return ParseResult.succeed(out)
    },
    encode: (value) => ParseResult.succeed(value)
  })
}
