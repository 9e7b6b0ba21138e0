// Every operator command parses its arguments one way: `--help` prints its usage and exits 0, an unknown option exits
// 2 with that usage; options with and without values and positionals follow the same rules everywhere.
import { describe, expect, it } from "@effect/vitest"
import { parseOrHelp, UsageError } from "../../src/cli/Args"
import { cleanEnv, runCli, scratchDir } from "../support/hostProcess"

const COMMANDS = [
  "bootstrap",
  "status",
  "service",
  "upgrade",
  "rollback",
  "migrate",
  "backup",
  "backup:prune",
  "backup:status",
  "backup:verify",
  "restore",
  "rotate-key",
  "doctor",
  "openclaw-config",
  "api-keys:create",
  "api-keys:list",
  "api-keys:revoke",
  "import",
  "export"
]

const cli = (args: Array<string>) => runCli(args, { cwd: scratchDir(), env: cleanEnv() })

describe("operator CLI arguments", () => {
  it("the table below names every command the CLI lists", async () => {
    const usage = await cli(["--help"])
    const listed = [...usage.stdout.matchAll(/^ {2}(\S+) +(\S)/gm)]
    expect(listed.map((match) => match[1])).toEqual(COMMANDS)
    // Every summary starts in the same column (a match runs from the line's start to the summary's first letter),
    // two spaces after the longest name.
    const columns = new Set(listed.map((match) => match[0].length - 1))
    expect([...columns]).toEqual([2 + Math.max(...COMMANDS.map((name) => name.length)) + 2])
  })

  it.each(COMMANDS)(
    "%s: --help (and -h) prints its usage and exits 0; an unknown option exits 2 with it",
    async (name) => {
      const help = await cli([name, "--help"])
      expect(help.status).toBe(0)
      expect(await cli([name, "-h"])).toEqual(help)
      expect(help.stdout).toMatch(new RegExp(`^usage: carabase ${name}\\b`))
      expect(help.stderr).toBe("")
      const unknown = await cli([name, "--frobnicate"])
      expect(unknown.status).toBe(2)
      expect(unknown.stdout).toBe("")
      expect(unknown.stderr).toBe(`carabase ${name}: unknown option --frobnicate\n\n${help.stdout}`)
    }
  )
})

describe("parseOrHelp", () => {
  const spec = {
    help: "usage: test",
    flags: ["yes"],
    values: ["key-file"],
    positionals: [{ name: "file", missing: "name the file" }]
  } as const
  const usageError = (argv: Array<string>) => {
    try {
      parseOrHelp(argv, spec)
    } catch (error) {
      return error instanceof UsageError ? error.message : `not a usage error: ${String(error)}`
    }
    return "no error"
  }

  it("reads a value given as --name value or --name=value, flags, and positionals in any order", () => {
    for (const argv of [
      ["f", "--key-file", "k", "--yes"],
      ["--yes", "--key-file=k", "f"]
    ]) {
      const args = parseOrHelp(argv, spec)!
      expect(args.positionals).toEqual(["f"])
      expect(args.value("key-file")).toBe("k")
      expect(args.flag("yes")).toBe(true)
    }
    const bare = parseOrHelp(["f"], spec)!
    expect(bare.value("key-file")).toBeUndefined()
    expect(bare.flag("yes")).toBe(false)
  })

  it("refuses unknown options, flags with values, values without one, and missing or extra positionals", () => {
    expect(usageError(["f", "--nope"])).toBe("unknown option --nope")
    expect(usageError(["f", "--yes=1"])).toBe("--yes takes no value")
    expect(usageError(["f", "--key-file"])).toBe("--key-file needs a value")
    expect(usageError(["f", "--key-file="])).toBe("--key-file needs a value")
    expect(usageError([])).toBe("name the file")
    expect(usageError(["f", "g"])).toBe('unexpected argument "g"')
  })
})
