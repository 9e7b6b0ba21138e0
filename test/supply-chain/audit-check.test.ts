// pnpm audit:check fails only on high or critical advisories actually found; a registry without an audit service is
// said plainly and does not fail. Fixtures are pnpm's real output shapes (the no-service ones recorded on this machine).
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "@effect/vitest"
import { auditVerdict } from "../../scripts/lib/audit-verdict.mjs"

const here = path.dirname(fileURLToPath(import.meta.url))
const repoRoot = path.resolve(here, "../..")
const fixture = (name: string) => fs.readFileSync(path.join(here, "fixtures", name), "utf8")

describe("audit verdict", () => {
  it("says the registry offers no audit service, on one line, and passes (pnpm's JSON error, HTTP 405)", () => {
    const verdict = auditVerdict({ stdout: fixture("audit-no-service.json"), stderr: "", exitCode: 1 })
    expect(verdict.kind).toBe("no-audit-service")
    expect(verdict.exitCode).toBe(0)
    expect(verdict.lines).toEqual([
      "audit:check: not checked: this registry offers no audit service (HTTP 405); CI runs pnpm audit on pull requests and release tags"
    ])
  })

  it("reads the same error from pnpm's plain-text output", () => {
    const verdict = auditVerdict({ stdout: fixture("audit-no-service.txt"), stderr: "", exitCode: 1 })
    expect(verdict.kind).toBe("no-audit-service")
    expect(verdict.exitCode).toBe(0)
  })

  it("fails on high and critical advisories and lists them, critical first, without the moderate one", () => {
    const verdict = auditVerdict({ stdout: fixture("audit-advisories.json"), stderr: "", exitCode: 1 })
    expect(verdict.kind).toBe("advisories")
    expect(verdict.exitCode).toBe(1)
    expect(verdict.lines).toEqual([
      "audit:check: 2 high or critical advisories in the locked dependencies:",
      "  critical example-critical <1.0.1: Prototype pollution in example-critical, fixed in >=1.0.1 <advisory url>",
      "  high braces <3.0.3: Uncontrolled resource consumption in braces, fixed in >=3.0.3 <advisory url>"
    ])
  })

  it("passes a report whose advisories are all below high, and says how many there are", () => {
    const verdict = auditVerdict({ stdout: fixture("audit-below-bar.json"), stderr: "", exitCode: 0 })
    expect(verdict).toEqual({
      kind: "clean",
      exitCode: 0,
      lines: ["audit:check: no high or critical advisories (below the bar: 1 moderate)"]
    })
  })

  it("passes a report without advisories", () => {
    const verdict = auditVerdict({ stdout: fixture("audit-clean.json"), stderr: "", exitCode: 0 })
    expect(verdict).toEqual({ kind: "clean", exitCode: 0, lines: ["audit:check: no high or critical advisories"] })
  })

  it("fails when the counts name high advisories even if the list is missing", () => {
    const report = { advisories: {}, metadata: { vulnerabilities: { high: 2, critical: 0 } } }
    const verdict = auditVerdict({ stdout: JSON.stringify(report), stderr: "", exitCode: 1 })
    expect(verdict.exitCode).toBe(1)
    expect(verdict.lines[0]).toBe("audit:check: 2 high or critical advisories in the locked dependencies:")
  })

  it("does not mistake a failing registry for a missing audit service", () => {
    const error = { error: { code: "ERR_PNPM_AUDIT_BAD_RESPONSE", message: "The audit endpoint responded with 503: " } }
    const verdict = auditVerdict({ stdout: JSON.stringify(error), stderr: "", exitCode: 1 })
    expect(verdict).toEqual({
      kind: "not-checked",
      exitCode: 0,
      lines: ["audit:check: not checked: pnpm audit failed (ERR_PNPM_AUDIT_BAD_RESPONSE, HTTP 503)"]
    })
  })

  it("says it could not check when pnpm printed no report at all", () => {
    const verdict = auditVerdict({ stdout: "", stderr: "something else went wrong\n", exitCode: 1 })
    expect(verdict.kind).toBe("not-checked")
    expect(verdict.exitCode).toBe(0)
    expect(verdict.lines).toEqual([
      "audit:check: not checked: pnpm audit exited 1 without a report: something else went wrong"
    ])
  })
})

describe("pnpm audit:check", () => {
  /** Runs scripts/audit-check.mjs with a stand-in `pnpm` that prints a fixture and exits with the given code. */
  const auditCheckWith = (fixtureName: string, exitCode: number) => {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "carabase-audit-check-"))
    try {
      const fake = path.join(bin, "pnpm")
      fs.copyFileSync(path.join(here, "fixtures", fixtureName), path.join(bin, "output"))
      fs.writeFileSync(fake, `#!/bin/sh\ncat "${path.join(bin, "output")}"\nexit ${exitCode}\n`, { mode: 0o755 })
      const run = spawnSync(process.execPath, [path.join(repoRoot, "scripts/audit-check.mjs")], {
        encoding: "utf8",
        env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}` }
      })
      return { status: run.status, stdout: run.stdout, stderr: run.stderr }
    } finally {
      fs.rmSync(bin, { recursive: true, force: true })
    }
  }

  it("exits 0 with one plain line when the registry has no audit service", () => {
    const result = auditCheckWith("audit-no-service.json", 1)
    expect(result.status).toBe(0)
    expect(result.stdout).toMatch(/^audit:check: not checked: this registry offers no audit service \(HTTP 405\)/)
    expect(result.stdout.trim().split("\n")).toHaveLength(1)
  })

  it("exits 1 and prints the advisories when high or critical ones are found", () => {
    const result = auditCheckWith("audit-advisories.json", 1)
    expect(result.status).toBe(1)
    expect(result.stderr).toContain("2 high or critical advisories")
    expect(result.stderr).toContain("high braces <3.0.3")
  })
})
