// `pnpm bootstrap` and `scripts/gen-secret.sh`: fresh secrets, mode 0600, never overwriting what is set.
import { execFileSync, spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { parseEnvFile } from "../../src/platform/EnvFile"
import { cleanEnv, cliJs, repoRoot, scratchDir } from "../support/hostProcess"

const bootstrap = (cwd: string, ...args: Array<string>) =>
  spawnSync(process.execPath, [cliJs, "bootstrap", ...args], { cwd, env: cleanEnv(), encoding: "utf8" })

const readEnv = (file: string) => parseEnvFile(fs.readFileSync(file, "utf8"))

describe("gen-secret.sh", () => {
  it("prints N random bytes as lowercase hex", () => {
    const first = execFileSync(path.join(repoRoot, "scripts", "gen-secret.sh"), ["32"], { encoding: "utf8" }).trim()
    const second = execFileSync(path.join(repoRoot, "scripts", "gen-secret.sh"), ["16"], { encoding: "utf8" }).trim()
    expect(first).toMatch(/^[0-9a-f]{64}$/)
    expect(second).toMatch(/^[0-9a-f]{32}$/)
  })

  it("refuses a count that is not a number", () => {
    const result = spawnSync(path.join(repoRoot, "scripts", "gen-secret.sh"), ["lots"], { encoding: "utf8" })
    expect(result.status).toBe(2)
    expect(result.stderr).toContain("usage")
  })
})

describe("bootstrap", () => {
  it("creates .env.dev with mode 0600, fresh 32-byte secrets and every example variable", () => {
    const cwd = scratchDir()
    const result = bootstrap(cwd)
    expect(result.status).toBe(0)
    const file = path.join(cwd, ".env.dev")
    expect(fs.statSync(file).mode & 0o777).toBe(0o600)
    const values = readEnv(file)
    expect(values.get("HOST_MASTER_KEY")).toMatch(/^[0-9a-f]{64}$/)
    expect(values.get("OPENCLAW_GATEWAY_PASSWORD")).toMatch(/^[0-9a-f]{64}$/)
    expect(values.get("HOST_MASTER_KEY")).not.toBe(values.get("OPENCLAW_GATEWAY_PASSWORD"))
    const example = readEnv(path.join(repoRoot, ".env.example"))
    for (const key of example.keys()) expect(values.has(key)).toBe(true)
    expect(result.stdout).toContain("gateway.auth.password")
    expect(result.stdout).toContain(values.get("OPENCLAW_GATEWAY_PASSWORD"))
    expect(result.stdout).not.toContain(values.get("HOST_MASTER_KEY"))
  })

  it("never overwrites a value that is already set, and fills only what is missing", () => {
    const cwd = scratchDir()
    const file = path.join(cwd, ".env.staging")
    const mine = "12".repeat(32)
    fs.writeFileSync(file, `# my notes\nHOST_MASTER_KEY=${mine}\nPORT=4567\nOPENCLAW_GATEWAY_PASSWORD=\n`, {
      mode: 0o644
    })
    const result = bootstrap(cwd, "--env", "staging")
    expect(result.status).toBe(0)
    const values = readEnv(file)
    expect(values.get("HOST_MASTER_KEY")).toBe(mine)
    expect(values.get("PORT")).toBe("4567")
    expect(values.get("OPENCLAW_GATEWAY_PASSWORD")).toMatch(/^[0-9a-f]{64}$/)
    expect(values.get("LOG_LEVEL")).toBe("info")
    expect(fs.readFileSync(file, "utf8")).toContain("# my notes")
    expect(fs.statSync(file).mode & 0o777).toBe(0o600)

    const before = fs.readFileSync(file, "utf8")
    expect(bootstrap(cwd, "--env", "staging").status).toBe(0)
    expect(fs.readFileSync(file, "utf8")).toBe(before)
  })

  it("rejects an unknown env with a usage error", () => {
    const result = bootstrap(scratchDir(), "--env", "qa")
    expect(result.status).toBe(2)
    expect(result.stderr).toContain("--env must be one of dev, staging, prod")
  })
})

describe("operator CLI", () => {
  it("exits 2 with usage for an unknown command and 0 for --help", () => {
    const unknown = spawnSync(process.execPath, [cliJs, "frobnicate"], { encoding: "utf8" })
    expect(unknown.status).toBe(2)
    expect(unknown.stderr).toContain('unknown command "frobnicate"')
    const help = spawnSync(process.execPath, [cliJs, "--help"], { encoding: "utf8" })
    expect(help.status).toBe(0)
    expect(help.stdout).toContain("bootstrap")
  })
})
