// Argument parsing for every operator CLI command: `--help` (or `-h`), `--flag`, `--name value`, `--name=value` and
// positionals. Anything else is a UsageError, which src/cli.ts turns into exit code 2 and the command's help.
export class UsageError extends Error {
  override readonly name = "UsageError"
}

export interface ArgsSpec<F extends string, V extends string, P extends ReadonlyArray<Positional>> {
  /** Printed to stdout, with exit code 0, for `--help` or `-h`. */
  readonly help: string
  /** Options that take no value (`--help` is always one). */
  readonly flags?: ReadonlyArray<F>
  /** Options that take a value: `--name value` or `--name=value`. */
  readonly values?: ReadonlyArray<V>
  /** The positional arguments the command needs, in order; any further one is a usage error. */
  readonly positionals?: P
}

export interface Positional {
  readonly name: string
  /** The usage error when it is missing. */
  readonly missing: string
}

export interface ParsedArgs<F extends string, V extends string, P extends ReadonlyArray<Positional>> {
  readonly positionals: { readonly [K in keyof P]: string }
  readonly flag: (name: F) => boolean
  /** The option's value, or undefined when it was not given. */
  readonly value: (name: V) => string | undefined
}

/**
 * Parses a command's arguments by its spec; returns null once it has printed the help for `--help`. An unknown
 * option, a flag with a value or a value option without one fails before `--help` is looked at; missing and extra
 * positionals after.
 */
export const parseOrHelp = <
  const F extends string = never,
  const V extends string = never,
  const P extends ReadonlyArray<Positional> = readonly []
>(
  argv: ReadonlyArray<string>,
  spec: ArgsSpec<F, V, P>
): ParsedArgs<F, V, P> | null => {
  const flags: ReadonlyArray<string> = ["help", ...(spec.flags ?? [])]
  const values: ReadonlyArray<string> = spec.values ?? []
  const positionals: Array<string> = []
  const options = new Map<string, string | true>()
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === "-h") {
      options.set("help", true)
      continue
    }
    if (!arg.startsWith("--")) {
      positionals.push(arg)
      continue
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined]
    if (flags.includes(name)) {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`)
      options.set(name, true)
    } else if (values.includes(name)) {
      const value = inline ?? argv[++i]
      if (value === undefined || value === "") throw new UsageError(`--${name} needs a value`)
      options.set(name, value)
    } else {
      throw new UsageError(`unknown option --${name}`)
    }
  }
  if (options.has("help")) {
    process.stdout.write(`${spec.help}\n`)
    return null
  }
  const needed = spec.positionals ?? []
  const missing = needed.find((_, index) => index >= positionals.length)
  if (missing !== undefined) throw new UsageError(missing.missing)
  const extra = positionals[needed.length]
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`)
  return {
    positionals: positionals as unknown as ParsedArgs<F, V, P>["positionals"],
    flag: (name) => options.has(name),
    value: (name) => {
      const value = options.get(name)
      return typeof value === "string" ? value : undefined
    }
  }
}
