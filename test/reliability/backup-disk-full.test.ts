// A backup that runs out of disk: it fails with a message saying so, and leaves nothing that looks like a backup
// (no *.sql.gz.enc; prune clears the unfinished file later). The full disk is a 256 KiB tmpfs mounted for the test
// (root); without the right to mount, a file-size limit cuts the write off the same way a full disk would.
import { execFileSync } from "node:child_process"
import * as crypto from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { listBackups } from "../../src/backups/BackupFiles"
import { connect, createDatabase, type TestDatabase } from "../support/database"
import { cleanEnv, cliJs, runCli, scratchDir } from "../support/hostProcess"
import { randomMasterKey } from "../support/keys"

let db: TestDatabase
let mountPoint: string | null = null

const tryMount = (dir: string) => {
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=256k", "tmpfs", dir], { stdio: "ignore" })
    return true
  } catch {
    return false
  }
}

beforeAll(async () => {
  db = await createDatabase("disk_full")
  const owner = await connect(db.ownerUrl)
  // About 2 MB of incompressible text, so the sealed dump cannot fit in 256 KiB.
  await owner.query("insert into workspaces (id, name) values ($1, 'Full disk')", [crypto.randomUUID()])
  const ws = (await owner.query<{ id: string }>("select id from workspaces limit 1")).rows[0]!.id
  for (let i = 0; i < 40; i++) {
    await owner.query("insert into memories (workspace_id, content) values ($1, $2)", [
      ws,
      crypto.randomBytes(40_000).toString("base64")
    ])
  }
  await owner.end()
})

afterAll(async () => {
  if (mountPoint !== null) execFileSync("umount", [mountPoint], { stdio: "ignore" })
  await db?.drop()
})

describe("a backup onto a full disk", () => {
  it("fails saying why and leaves no file that looks like a backup", async () => {
    const dir = scratchDir("carabase-full-")
    const env = cleanEnv({ HOST_MASTER_KEY: randomMasterKey(), DATABASE_URL: db.ownerUrl, CARABASE_BACKUP_DIR: dir })
    let result: { readonly status: number | null }
    if (tryMount(dir)) {
      mountPoint = dir
      const run = await runCli(["backup"], { cwd: scratchDir(), env })
      expect(run.stderr).toMatch(/ENOSPC|no space/i)
      result = run
    } else {
      // 256 blocks of 1 KiB: writing past it raises SIGXFSZ, the crash a full disk can also cause.
      const script = `ulimit -f 256; exec "${process.execPath}" "${cliJs}" backup`
      const out = execFileSync("bash", ["-c", `${script}; echo "exit=$?"`], { env, encoding: "utf8" })
      result = { status: /exit=0$/m.test(out) ? 0 : 1 }
    }
    expect(result.status).not.toBe(0)
    expect(listBackups(dir, "dev")).toEqual([])
    const everything = fs.readdirSync(dir, { recursive: true }).map(String)
    expect(everything.filter((name) => name.endsWith(".sql.gz.enc"))).toEqual([])
    // What is left, if anything, is the unfinished file, named as such.
    for (const name of everything.filter((n) => fs.statSync(path.join(dir, n)).isFile())) {
      expect(name).toMatch(/\.partial-\d+$/)
    }
  })
})
