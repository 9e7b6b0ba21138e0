// pnpm audit:check — runs `pnpm audit --audit-level=high --json` and says plainly what it found. Exits 1 only when
// high or critical advisories were actually found; a registry without an audit service (as on these machines) is
// reported on one line and exits 0. Exit 2 when pnpm itself could not be run.
import { spawnSync } from "node:child_process"
import { auditVerdict } from "./lib/audit-verdict.mjs"

const run = spawnSync("pnpm", ["audit", "--audit-level=high", "--json"], {
  cwd: new URL("..", import.meta.url),
  encoding: "utf8",
  maxBuffer: 64 * 1024 * 1024
})
if (run.error !== undefined) {
  console.error(`audit:check: could not run pnpm: ${run.error.message}`)
  process.exit(2)
}
const verdict = auditVerdict({ stdout: run.stdout, stderr: run.stderr, exitCode: run.status })
const print = verdict.exitCode === 0 ? console.log : console.error
for (const line of verdict.lines) print(line)
process.exitCode = verdict.exitCode
