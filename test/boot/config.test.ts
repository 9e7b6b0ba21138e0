// CARABASE_ENV picks the env file; the real process environment wins over it; an unknown env is refused.
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Config, Effect, Exit } from "effect"
import { parseEnvFile } from "../../src/platform/EnvFile"
import { loadEnvironment } from "../../src/platform/HostEnv"
import { cleanEnv, scratchDir, startHost } from "../support/hostProcess"
import { TEST_MASTER_KEY } from "../support/keys"

const write = (dir: string, name: string, text: string) => fs.writeFileSync(path.join(dir, name), text)

const read = (cwd: string, processEnv: Record<string, string>, key: string) =>
  Effect.flatMap(loadEnvironment({ cwd, processEnv }), (loaded) =>
    Effect.withConfigProvider(Config.string(key), loaded.provider)
  )

describe("environment selection", () => {
  it.effect("reads .env.dev by default", () =>
    Effect.gen(function* () {
      const cwd = scratchDir()
      write(cwd, ".env.dev", "PORT=4101\n")
      write(cwd, ".env.staging", "PORT=4102\n")
      expect(yield* read(cwd, {}, "PORT")).toBe("4101")
      const loaded = yield* loadEnvironment({ cwd, processEnv: {} })
      expect(loaded.hostEnv.name).toBe("dev")
      expect(loaded.hostEnv.file).toBe(path.join(cwd, ".env.dev"))
    })
  )

  it.effect("CARABASE_ENV=staging reads .env.staging and prod reads .env.prod", () =>
    Effect.gen(function* () {
      const cwd = scratchDir()
      write(cwd, ".env.dev", "PORT=4101\n")
      write(cwd, ".env.staging", "PORT=4102\n")
      write(cwd, ".env.prod", "PORT=4103\n")
      expect(yield* read(cwd, { CARABASE_ENV: "staging" }, "PORT")).toBe("4102")
      expect(yield* read(cwd, { CARABASE_ENV: "prod" }, "PORT")).toBe("4103")
    })
  )

  it.effect("accepts .env as a fallback for dev only", () =>
    Effect.gen(function* () {
      const cwd = scratchDir()
      write(cwd, ".env", "PORT=4100\n")
      expect(yield* read(cwd, {}, "PORT")).toBe("4100")
      const staging = yield* loadEnvironment({ cwd, processEnv: { CARABASE_ENV: "staging" } })
      expect(staging.hostEnv.file).toBeNull()
    })
  )

  it.effect("a variable in the process environment wins over the env file", () =>
    Effect.gen(function* () {
      const cwd = scratchDir()
      write(cwd, ".env.dev", "PORT=4101\nHOST=127.0.0.1\n")
      expect(yield* read(cwd, { PORT: "4999" }, "PORT")).toBe("4999")
      expect(yield* read(cwd, { PORT: "4999" }, "HOST")).toBe("127.0.0.1")
    })
  )

  it.effect("refuses an unknown CARABASE_ENV", () =>
    Effect.gen(function* () {
      const exit = yield* Effect.exit(
        loadEnvironment({ cwd: scratchDir(), processEnv: { CARABASE_ENV: "production" } })
      )
      expect(Exit.isFailure(exit)).toBe(true)
      if (Exit.isFailure(exit)) expect(String(exit.cause)).toContain("CARABASE_ENV must be one of dev, staging, prod")
    })
  )

  it("the built host refuses an unknown CARABASE_ENV with one clear line", async () => {
    const host = startHost({
      cwd: scratchDir(),
      env: cleanEnv({ CARABASE_ENV: "qa", HOST_MASTER_KEY: TEST_MASTER_KEY })
    })
    const exit = await host.exited
    expect(exit.code).toBe(1)
    expect(host.stderr().trim()).toBe('carabase: CARABASE_ENV must be one of dev, staging, prod (got "qa")')
  })
})

describe("env file parsing", () => {
  it("reads quoted values, export prefixes and comments", () => {
    const parsed = parseEnvFile(
      [
        "# comment",
        "export A=1",
        'B="two words # not a comment"',
        "C='single'",
        "D=plain # trailing",
        "E=",
        "bad line"
      ].join("\n")
    )
    expect(Object.fromEntries(parsed)).toEqual({
      A: "1",
      B: "two words # not a comment",
      C: "single",
      D: "plain",
      E: ""
    })
  })
})
