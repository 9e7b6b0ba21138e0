// Prune and status over a synthetic history of backups: exactly the right files kept, the newest never deleted, and
// the age thresholds of status. Files are named like real backups; prune and status read only names and folders.
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { backupFileName, listBackups } from "../../src/backups/BackupFiles"
import { planRetention } from "../../src/backups/Retention"
import { verdictForAge } from "../../src/backups/Status"
import { cleanEnv, runCli, scratchDir } from "../support/hostProcess"

const NOW = new Date("2026-11-25T03:00:00.000Z")
const HOUR = 60 * 60 * 1000
const DAY = 24 * HOUR
const ago = (ms: number) => new Date(NOW.getTime() - ms)

/** Writes an (empty) backup file for each date under <dir>/<env>/<day>/ and returns the paths. */
const seed = (dir: string, env: string, dates: ReadonlyArray<Date>) =>
  dates.map((at) => {
    const day = path.join(dir, env, at.toISOString().slice(0, 10))
    fs.mkdirSync(day, { recursive: true })
    const file = path.join(day, backupFileName(at))
    fs.writeFileSync(file, "")
    return file
  })

const cli = (args: Array<string>, dir: string, env: Record<string, string> = {}) =>
  runCli(args, {
    cwd: scratchDir(),
    env: cleanEnv({ CARABASE_BACKUP_DIR: dir, ...env })
  })

describe("retention plan", () => {
  // Two backups a day (01:30 and 13:30) for 200 days before NOW.
  const history = Array.from({ length: 400 }, (_, i) => ({
    file: `b${i}`,
    takenAt: new Date(Date.UTC(2026, 10, 25, 1, 30) - Math.floor(i / 2) * DAY - (i % 2) * 12 * HOUR)
  }))

  it("keeps every backup of the last 7 days, the newest of 4 weeks and of 3 months before, and nothing else", async () => {
    const plan = planRetention(history, NOW)
    const ages = plan.keep.map((b) => (NOW.getTime() - b.takenAt.getTime()) / DAY)
    const daily = ages.filter((age) => age < 7)
    expect(daily).toHaveLength(history.filter((b) => NOW.getTime() - b.takenAt.getTime() < 7 * DAY).length)
    const older = ages.filter((age) => age >= 7).sort((a, b) => a - b)
    // The newest backup in each window is the one just past the window's young edge.
    expect(older.map((age) => Math.floor(age))).toEqual([7, 14, 21, 28, 35, 65, 95])
    expect(plan.keep.length + plan.remove.length).toBe(history.length)
    expect(new Set([...plan.keep, ...plan.remove]).size).toBe(history.length)
  })

  it("never deletes the newest backup, however old", async () => {
    const old = [
      { file: "a", takenAt: ago(400 * DAY) },
      { file: "b", takenAt: ago(300 * DAY) }
    ]
    const plan = planRetention(old, NOW)
    expect(plan.keep.map((b) => b.file)).toEqual(["b"])
    expect(plan.remove.map((b) => b.file)).toEqual(["a"])
  })

  it("keeps a sparse history whole when each backup is the newest of its window", async () => {
    const sparse = [1, 10, 17, 40, 70, 100].map((days, i) => ({ file: `s${i}`, takenAt: ago(days * DAY) }))
    expect(planRetention(sparse, NOW).remove).toEqual([])
  })

  it("keeps a backup dated in the future (a clock that was wrong) instead of deleting it", async () => {
    const plan = planRetention([{ file: "f", takenAt: new Date(NOW.getTime() + DAY) }], NOW)
    expect(plan.keep).toHaveLength(1)
  })
})

describe("carabase backup:prune", () => {
  it("deletes exactly the files outside the plan, keeps other envs alone, and removes empty day folders", async () => {
    const dir = scratchDir("carabase-prune-")
    const now = new Date()
    const dates = [0.2, 3, 6.5, 8, 9, 13, 15, 40, 41, 64, 200].map((days) => new Date(now.getTime() - days * DAY))
    const files = seed(dir, "dev", dates)
    const staging = seed(dir, "staging", [new Date(now.getTime() - 300 * DAY), new Date(now.getTime() - 301 * DAY)])
    const expected = planRetention(listBackups(dir, "dev"), now)
    const result = await cli(["backup:prune"], dir)
    expect(result.status, result.stderr).toBe(0)
    const left = listBackups(dir, "dev").map((b) => b.file)
    expect(left).toEqual(expected.keep.map((b) => b.file))
    // 0.2, 3, 6.5 (daily); 8 (week 0; 9 and 13 are older in it); 15 (week 1); 40 (month 0; 41 and 64 too); 200 gone.
    expect(left).toEqual([files[7], files[6], files[3], files[2], files[1], files[0]])
    for (const file of staging) expect(fs.existsSync(file)).toBe(true)
    expect(fs.existsSync(path.dirname(files[10]!))).toBe(false)
    expect(result.stdout).toContain("kept 6 backup(s), removed 5")
  })

  it("clears unfinished files older than a day but not a backup being written now", async () => {
    const dir = scratchDir("carabase-prune-")
    const [file] = seed(dir, "dev", [new Date()])
    const stale = `${file}.partial-123`
    const fresh = `${file}.partial-456`
    fs.writeFileSync(stale, "x")
    fs.writeFileSync(fresh, "x")
    const old = new Date(Date.now() - 2 * DAY)
    fs.utimesSync(stale, old, old)
    expect((await cli(["backup:prune"], dir)).status).toBe(0)
    expect(fs.existsSync(stale)).toBe(false)
    expect(fs.existsSync(fresh)).toBe(true)
    expect(fs.existsSync(file!)).toBe(true)
  })
})

describe("carabase backup:status", () => {
  it("judges the newest backup's age: PASS under 30 h, WARN to 72 h, FAIL beyond", async () => {
    expect(verdictForAge(0)).toBe("PASS")
    expect(verdictForAge(29.9)).toBe("PASS")
    expect(verdictForAge(30)).toBe("WARN")
    expect(verdictForAge(72)).toBe("WARN")
    expect(verdictForAge(72.1)).toBe("FAIL")
    expect(verdictForAge(null)).toBe("FAIL")
  })

  it("reports each env and exits 1 only when one FAILs", async () => {
    const dir = scratchDir("carabase-status-")
    const now = Date.now()
    seed(dir, "dev", [new Date(now - 50 * DAY), new Date(now - 2 * HOUR)])
    const fresh = await cli(["backup:status"], dir)
    expect(fresh.status, fresh.stderr).toBe(0)
    expect(fresh.stdout).toMatch(/^PASS {2}dev: newest (1\.\d|2\.\d) h old, 2 backup\(s\)/m)

    seed(dir, "staging", [new Date(now - 40 * HOUR)])
    const warned = await cli(["backup:status"], dir)
    expect(warned.status).toBe(0)
    expect(warned.stdout).toMatch(/^WARN {2}staging: newest 40\.\d h old/m)

    seed(dir, "prod", [new Date(now - 4 * DAY)])
    const failed = await cli(["backup:status"], dir)
    expect(failed.status).toBe(1)
    expect(failed.stdout).toMatch(/^FAIL {2}prod: newest 4\.\d days old/m)
  })

  it("FAILs the current env when it has no backup at all", async () => {
    const dir = scratchDir("carabase-status-")
    const result = await cli(["backup:status"], dir, { CARABASE_ENV: "staging" })
    expect(result.status).toBe(1)
    expect(result.stdout).toMatch(/^FAIL {2}staging: no backup in /m)
  })
})
