// Creates or completes `.env.<env>` from `.env.example`: fresh secrets where a value is missing, nothing that is
// already set is ever overwritten, and the file is always left with mode 0600.
import * as crypto from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import { formatEnvValue, parseEnvFile } from "../platform/EnvFile"
import type { Environment } from "../platform/HostEnv"

/** Values generated when empty: 32 random bytes as hex. */
export const GENERATED_SECRETS = ["HOST_MASTER_KEY", "OPENCLAW_GATEWAY_PASSWORD"] as const

export interface EnvFileResult {
  readonly file: string
  readonly created: boolean
  /** Names (never values) of the variables this run filled in. */
  readonly filled: ReadonlyArray<string>
  readonly values: ReadonlyMap<string, string>
}

export const envFilePath = (cwd: string, env: Environment) => path.join(cwd, `.env.${env}`)

const randomSecret = () => crypto.randomBytes(32).toString("hex")

/**
 * `extra` supplies values computed by the caller (database URLs, say); like generated secrets they only fill
 * variables that are empty or absent.
 */
export const writeEnvFile = (options: {
  readonly cwd: string
  readonly env: Environment
  readonly exampleText: string
  readonly extra?: ReadonlyMap<string, string>
}): EnvFileResult => {
  const file = envFilePath(options.cwd, options.env)
  const created = !fs.existsSync(file)
  const existingText = created ? "" : fs.readFileSync(file, "utf8")
  const existing = parseEnvFile(existingText)
  const wanted = (key: string): string | undefined => {
    if ((GENERATED_SECRETS as ReadonlyArray<string>).includes(key)) return randomSecret()
    return options.extra?.get(key)
  }
  const isEmpty = (key: string) => (existing.get(key) ?? "") === ""
  const filled: Array<string> = []

  let text: string
  if (created) {
    text = options.exampleText
      .split("\n")
      .map((line) => {
        const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line)
        if (match === null) return line
        const key = match[1]!
        const value = match[2] === "" ? wanted(key) : undefined
        if (value === undefined) return line
        filled.push(key)
        return `${key}=${formatEnvValue(value)}`
      })
      .join("\n")
  } else {
    const lines = existingText.split("\n")
    const example = parseEnvFile(options.exampleText)
    const keys = new Set([...example.keys(), ...(options.extra?.keys() ?? [])])
    for (const key of keys) {
      if (!isEmpty(key)) continue
      const value = wanted(key) ?? (existing.has(key) ? undefined : example.get(key))
      if (value === undefined) continue
      const index = lines.findIndex((line) => new RegExp(`^\\s*(?:export\\s+)?${key}\\s*=`).test(line))
      const rendered = `${key}=${formatEnvValue(value)}`
      if (index === -1) {
        if (lines.length > 0 && lines[lines.length - 1] === "") lines.splice(lines.length - 1, 0, rendered)
        else lines.push(rendered)
      } else {
        lines[index] = rendered
      }
      if (value !== "") filled.push(key)
    }
    text = lines.join("\n")
  }
  if (!text.endsWith("\n")) text += "\n"
  // Write beside the target and rename, so an interrupted run never leaves a half-written env file.
  const temporary = `${file}.${process.pid}.tmp`
  fs.writeFileSync(temporary, text, { mode: 0o600 })
  fs.chmodSync(temporary, 0o600)
  fs.renameSync(temporary, file)
  return { file, created, filled, values: parseEnvFile(text) }
}
