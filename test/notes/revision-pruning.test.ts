// The retention rule of note history on a real database, with an explicit `now`: every version replaced within 7 days
// is kept, then the last one replaced on each UTC day up to 90 days, and nothing older; pruning one workspace leaves
// another's history alone.
import * as crypto from "node:crypto"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer } from "effect"
import * as RevisionsRepo from "../../src/notes/RevisionsRepo"
import type { WorkspaceId } from "../../src/platform/CurrentWorkspace"
import * as Db from "../../src/platform/Db"
import { HostEnv } from "../../src/platform/HostEnv"
import * as RlsScope from "../../src/platform/RlsScope"
import { connect, createDatabase, type TestDatabase } from "../support/database"

const A = crypto.randomUUID() as WorkspaceId
const B = crypto.randomUUID() as WorkspaceId
const NOW = new Date("2026-06-30T12:00:00Z")
const DAY = 86_400_000
const ago = (days: number, hour = 12) => new Date(NOW.getTime() - days * DAY + (hour - 12) * 3_600_000)

/** Versions of A's note by revision number, with when each was replaced: oldest first. */
const replacedAt: ReadonlyArray<readonly [number, Date]> = [
  [1, ago(100)],
  [2, ago(91, 8)],
  [3, ago(91, 20)],
  [4, ago(50)],
  [5, ago(10, 8)],
  [6, ago(10, 20)],
  [7, ago(6, 8)],
  [8, ago(6, 20)],
  [9, ago(2)]
]

let db: TestDatabase

beforeAll(async () => {
  db = await createDatabase("revision_pruning")
  const owner = await connect(db.ownerUrl)
  await owner.query("insert into workspaces (id, name) values ($1, 'A'), ($2, 'B')", [A, B])
  for (const workspace of [A, B]) {
    const { rows } = await owner.query<{ id: string }>(
      "insert into daily_notes (workspace_id, date) values ($1, '2026-03-01') returning id",
      [workspace]
    )
    const versions = workspace === A ? replacedAt : [[1, ago(100)] as const]
    for (const [revision, at] of versions) {
      await owner.query(
        `insert into note_revisions (workspace_id, note_id, revision, document, size, written_at, replaced_at)
         values ($1, $2, $3, '[]', 2, $4, $4)`,
        [workspace, rows[0]!.id, revision, at]
      )
    }
  }
  await owner.end()
})
afterAll(async () => {
  await db?.drop()
})

const kept = async (workspace: string) => {
  const owner = await connect(db.ownerUrl)
  try {
    const { rows } = await owner.query<{ revision: number }>(
      "select revision from note_revisions where workspace_id = $1 order by revision",
      [workspace]
    )
    return rows.map((row) => row.revision)
  } finally {
    await owner.end()
  }
}

/** Prunes as `workspace`, on the app role under RLS, as the nightly job does. */
const prune = (workspace: WorkspaceId, now: Date) =>
  Effect.runPromise(
    Effect.gen(function* () {
      const repo = yield* RevisionsRepo.make
      const rls = yield* RlsScope.RlsScope
      return yield* rls.run(workspace, repo.prune(now))
    }).pipe(
      Effect.provide(
        RlsScope.layer.pipe(
          Layer.provideMerge(Db.appLayer),
          Layer.provide(Layer.succeed(HostEnv, { name: "dev", file: null, fileLabel: ".env.dev" }))
        )
      ),
      Effect.scoped,
      Effect.withConfigProvider(
        ConfigProvider.fromMap(
          new Map([
            ["DATABASE_URL", db.ownerUrl],
            ["APP_DATABASE_URL", db.appUrl]
          ])
        )
      )
    )
  )

describe("note history retention", () => {
  it("keeps all of the last 7 days, the last version of each day up to 90 days, and drops the rest", async () => {
    expect(await prune(A, NOW)).toBe(4)
    expect(await kept(A)).toEqual([4, 6, 7, 8, 9])
    // Another workspace's history is not this workspace's to prune.
    expect(await kept(B)).toEqual([1])
    // Idempotent: a second run the same night drops nothing more.
    expect(await prune(A, NOW)).toBe(0)
  })

  it("a later night thins what has aged past 7 days", async () => {
    // Eight days on, revisions 7 and 8 (replaced the same day) are past the 7 days: only the later one stays.
    expect(await prune(A, new Date(NOW.getTime() + 8 * DAY))).toBe(1)
    expect(await kept(A)).toEqual([4, 6, 8, 9])
    expect(await prune(B, NOW)).toBe(1)
    expect(await kept(B)).toEqual([])
  })
})
