// `pnpm bootstrap` and `scripts/gen-secret.sh`: fresh secrets, mode 0600, never overwriting what is set.
import { execFileSync, spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { parseEnvFile } from "../../src/platform/EnvFile"
import { cleanEnv, repoRoot, runCli, scratchDir } from "../support/hostProcess"
import { randomMasterKey } from "../support/keys"

const bootstrap = (cwd: string, ...args: Array<string>) => runCli(["bootstrap", ...args], { cwd, env: cleanEnv() })

const readEnv = (file: string) => parseEnvFile(fs.readFileSync(file, "utf8"))

describe("gen-secret.sh", () => {
  it("prints N random bytes as lowercase hex", async () => {
    const first = execFileSync(path.join(repoRoot, "scripts", "gen-secret.sh"), ["32"], { encoding: "utf8" }).trim()
    const second = execFileSync(path.join(repoRoot, "scripts", "gen-secret.sh"), ["16"], { encoding: "utf8" }).trim()
    expect(first).toMatch(/^[0-9a-f]{64}$/)
    expect(second).toMatch(/^[0-9a-f]{32}$/)
  })

  it("refuses a count that is not a number", async () => {
    const result = spawnSync(path.join(repoRoot, "scripts", "gen-secret.sh"), ["lots"], { encoding: "utf8" })
    expect(result.status).toBe(2)
    expect(result.stderr).toContain("usage")
  })
})

describe("bootstrap", () => {
  it("creates .env.dev with mode 0600, fresh 32-byte secrets and every example variable", async () => {
    const cwd = scratchDir()
    const result = await bootstrap(cwd)
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

  it("never overwrites a value that is already set, and fills only what is missing", async () => {
    const cwd = scratchDir()
    const file = path.join(cwd, ".env.staging")
    const mine = randomMasterKey()
    fs.writeFileSync(file, `# my notes\nHOST_MASTER_KEY=${mine}\nPORT=4567\nOPENCLAW_GATEWAY_PASSWORD=\n`, {
      mode: 0o644
    })
    const result = await bootstrap(cwd, "--env", "staging")
    expect(result.status).toBe(0)
    const values = readEnv(file)
    expect(values.get("HOST_MASTER_KEY")).toBe(mine)
    expect(values.get("PORT")).toBe("4567")
    expect(values.get("OPENCLAW_GATEWAY_PASSWORD")).toMatch(/^[0-9a-f]{64}$/)
    expect(values.get("LOG_LEVEL")).toBe("info")
    expect(fs.readFileSync(file, "utf8")).toContain("# my notes")
    expect(fs.statSync(file).mode & 0o777).toBe(0o600)

    const before = fs.readFileSync(file, "utf8")
    expect((await bootstrap(cwd, "--env", "staging")).status).toBe(0)
    expect(fs.readFileSync(file, "utf8")).toBe(before)
  })

  it("rejects an unknown env with a usage error", async () => {
    const result = await bootstrap(scratchDir(), "--env", "qa")
    expect(result.status).toBe(2)
    expect(result.stderr).toContain("--env must be one of dev, staging, prod")
  })
})

describe("operator CLI", () => {
  it("exits 2 with usage for an unknown command and 0 for --help", async () => {
    const unknown = await runCli(["frobnicate"], { cwd: scratchDir(), env: cleanEnv() })
    expect(unknown.status).toBe(2)
    expect(unknown.stderr).toContain('unknown command "frobnicate"')
    const help = await runCli(["--help"], { cwd: scratchDir(), env: cleanEnv() })
    expect(help.status).toBe(0)
    expect(help.stdout).toContain("bootstrap")
  })
})
