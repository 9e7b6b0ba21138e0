// Minimal argument parsing for the operator CLI: `--flag`, `--name value`, `--name=value` and positionals.
export class UsageError extends Error {
  override readonly name = "UsageError"
}

export interface ParsedArgs {
  readonly positionals: ReadonlyArray<string>
  readonly options: ReadonlyMap<string, string | true>
}

export const parseArgs = (
  argv: ReadonlyArray<string>,
  spec: { readonly flags: ReadonlyArray<string>; readonly values: ReadonlyArray<string> }
): ParsedArgs => {
  const positionals: Array<string> = []
  const options = new Map<string, string | true>()
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (!arg.startsWith("--")) {
      positionals.push(arg)
      continue
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined]
    if (spec.flags.includes(name)) {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`)
      options.set(name, true)
    } else if (spec.values.includes(name)) {
      const value = inline ?? argv[++i]
      if (value === undefined || value === "") throw new UsageError(`--${name} needs a value`)
      options.set(name, value)
    } else {
      throw new UsageError(`unknown option --${name}`)
    }
  }
  return { positionals, options }
}
