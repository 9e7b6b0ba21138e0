// scripts/check-pins, run as CI runs it: every workflow `uses:` must be a full commit SHA, and it says which line is not.
import { spawnSync } from "node:child_process"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "@effect/vitest"

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
const script = path.join(repoRoot, "scripts/check-pins")
const fixture = (name: string) => path.join("test/supply-chain/fixtures", name)

const checkPins = (...args: Array<string>) => {
  const result = spawnSync(process.execPath, [script, ...args], { cwd: repoRoot, encoding: "utf8" })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

describe("check-pins", () => {
  it("passes a workflow whose every action is pinned to a full SHA, local or by docker digest", () => {
    const result = checkPins(fixture("pinned.yml"))
    expect(result.stderr).toBe("")
    expect(result.stdout).toBe("check-pins: OK, 6 `uses:` in 1 file, all pinned to full commit SHAs\n")
    expect(result.status).toBe(0)
  })

  it("ignores references inside comments and run: scripts", () => {
    // pinned.yml has `- uses: actions/checkout@v4` in a comment and in a heredoc; neither is a step
    expect(checkPins(fixture("pinned.yml")).stdout).toContain("6 `uses:`")
  })

  it("fails on an action used by tag and names the line", () => {
    const result = checkPins(fixture("tag.yml"))
    expect(result.status).toBe(1)
    expect(result.stderr).toContain(`${fixture("tag.yml")}:8: actions/setup-node@v4 is a tag`)
    expect(result.stderr).not.toContain("tag.yml:7:")
  })

  it("fails on an action used by branch and names the line", () => {
    const result = checkPins(fixture("branch.yml"))
    expect(result.status).toBe(1)
    expect(result.stderr).toContain(`${fixture("branch.yml")}:8: actions/checkout@main is a branch`)
  })

  it("fails on a short SHA and names the line", () => {
    const result = checkPins(fixture("short-sha.yml"))
    expect(result.status).toBe(1)
    expect(result.stderr).toContain(`${fixture("short-sha.yml")}:7: actions/checkout@11bd719 is a short SHA`)
  })

  it("reads quoted keys and values, docker images, a SHA without its release comment, and a missing ref", () => {
    const result = checkPins(fixture("unpinned-forms.yml"))
    expect(result.status).toBe(1)
    const lines = result.stderr.trim().split("\n")
    expect(lines.slice(0, 4).map((line) => line.split(": ")[0])).toEqual(
      [8, 9, 10, 11].map((n) => `${fixture("unpinned-forms.yml")}:${n}`)
    )
    expect(lines[0]).toContain("actions/checkout@v4.2.2 is a tag")
    expect(lines[1]).toContain("docker://alpine:3.20 is not pinned to a digest")
    expect(lines[2]).toContain("no trailing comment names the release")
    expect(lines[3]).toContain("actions/setup-node names no version")
    expect(lines[4]).toBe("check-pins: 4 of 4 `uses:` not pinned to a full commit SHA (1 file checked)")
  })

  it("checks every YAML file of a directory and fails if any one is unpinned", () => {
    const result = checkPins("test/supply-chain/fixtures")
    expect(result.status).toBe(1)
    expect(result.stderr).toContain("branch.yml:8:")
    expect(result.stderr).toContain("tag.yml:8:")
    expect(result.stderr).not.toContain("pinned.yml:")
  })

  it("passes the repository's own workflows", () => {
    const result = checkPins()
    expect(result.stderr).toBe("")
    expect(result.stdout).toMatch(/^check-pins: OK, \d+ `uses:` in \d+ files?, all pinned to full commit SHAs\n$/)
    expect(result.status).toBe(0)
  })

  it("exits 2 on a path that does not exist or an unknown option", () => {
    expect(checkPins("no/such/workflow.yml").status).toBe(2)
    const option = checkPins("--strict")
    expect(option.status).toBe(2)
    expect(option.stderr).toContain("usage: scripts/check-pins")
  })
})
