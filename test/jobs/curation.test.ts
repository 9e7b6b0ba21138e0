// corpus-curation end to end: the job proposes merges, the owner accepts or rejects, and nothing merges on its own.
import { describe, expect, it } from "@effect/vitest"
import { asOwner, call, createWorkspace, hostSuite } from "../support/hostSuite"

const suite = hostSuite("curation")

const entity = async (workspace: string, name: string) =>
  (await call(suite.base, "POST", "/entities", { workspace, body: { name, type: "person" } })).body.entity.id as string

const suggestionsOf = async (workspace: string, status?: string) =>
  (await call(suite.base, "GET", `/curation-suggestions${status ? `?status=${status}` : ""}`, { workspace })).body
    .suggestions as Array<{ id: string; aliasName: string; canonicalName: string; reason: string; status: string }>

const runCuration = async (workspace: string) => {
  // Matched by id: entity extraction's own runs may be listed above this one.
  type Run = { id: string; name: string; status: string }
  const runs = async () => (await call(suite.base, "GET", "/jobs", { workspace })).body.runs as Array<Run>
  const isCuration = (run: Run) => run.name === "corpus-curation"
  const before = new Set((await runs()).filter(isCuration).map((run) => run.id))
  expect((await call(suite.base, "POST", "/jobs/corpus-curation/run", { workspace })).status).toBe(202)
  for (let i = 0; i < 150; i++) {
    const done = (await runs()).find((run) => isCuration(run) && !before.has(run.id) && run.status !== "running")
    if (done !== undefined) return done
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error("corpus-curation did not finish")
}

describe("corpus curation", () => {
  it("proposes 'alice  chen' and 'A. Chen' for 'Alice Chen', once, and merges nothing by itself", async () => {
    const workspace = await createWorkspace(suite.base, "Curated")
    const alice = await entity(workspace, "Alice Chen")
    const spaced = await entity(workspace, "alice  chen")
    const initials = await entity(workspace, "A. Chen")
    await entity(workspace, "Bob Chen")
    await call(suite.base, "POST", "/edges", { workspace, body: { sourceId: alice, targetId: spaced, type: "knows" } })

    expect(await runCuration(workspace)).toMatchObject({ status: "succeeded" })
    const proposals = await suggestionsOf(workspace, "pending")
    expect(proposals.map((s) => [s.canonicalName, s.aliasName, s.reason]).sort()).toEqual(
      [
        ["Alice Chen", "A. Chen", "initials"],
        ["Alice Chen", "alice  chen", "same-name"]
      ].sort()
    )
    const untouched = await call(suite.base, "GET", `/entities/${initials}`, { workspace })
    expect(untouched.body.entity.canonicalId ?? null).toBeNull()

    await runCuration(workspace)
    expect(await suggestionsOf(workspace)).toHaveLength(2)
  })

  it("accepting links the alias, adds its name to the canonical's aliases and moves its edges", async () => {
    const workspace = await createWorkspace(suite.base, "Merging")
    const alice = await entity(workspace, "Alice Chen")
    const short = await entity(workspace, "A. Chen")
    const project = (
      await call(suite.base, "POST", "/entities", { workspace, body: { name: "Atlas", type: "project" } })
    ).body.entity.id as string
    await call(suite.base, "POST", "/edges", { workspace, body: { sourceId: short, targetId: project, type: "leads" } })
    await call(suite.base, "POST", "/edges", { workspace, body: { sourceId: alice, targetId: project, type: "funds" } })
    await runCuration(workspace)
    const [proposal] = await suggestionsOf(workspace, "pending")

    const accepted = await call(suite.base, "POST", `/curation-suggestions/${proposal!.id}/accept`, { workspace })
    expect(accepted.status).toBe(200)
    expect(accepted.body.suggestion.status).toBe("accepted")
    const canonical = (await call(suite.base, "GET", `/entities/${alice}`, { workspace })).body.entity
    expect(canonical.aliases).toContain("A. Chen")
    expect(canonical.edges.map((edge: { type: string }) => edge.type).sort()).toEqual(["funds", "leads"])
    const alias = (await call(suite.base, "GET", `/entities/${short}`, { workspace })).body.entity
    expect(alias.canonicalId).toBe(alice)
    expect(alias.edges).toEqual([])

    const again = await call(suite.base, "POST", `/curation-suggestions/${proposal!.id}/accept`, { workspace })
    expect(again.status).toBe(409)
  })

  it("rejecting leaves the entities alone, and a rejected pair is not proposed again", async () => {
    const workspace = await createWorkspace(suite.base, "Rejecting")
    const first = await entity(workspace, "Sam Lee")
    await entity(workspace, "sam lee")
    await runCuration(workspace)
    const [proposal] = await suggestionsOf(workspace, "pending")
    expect((await call(suite.base, "POST", `/curation-suggestions/${proposal!.id}/reject`, { workspace })).status).toBe(
      200
    )
    await runCuration(workspace)
    expect(await suggestionsOf(workspace, "pending")).toEqual([])
    const kept = (await call(suite.base, "GET", `/entities/${first}`, { workspace })).body.entity
    expect(kept.aliases).toEqual([])
  })

  it("another workspace can neither see nor decide this workspace's suggestions", async () => {
    const mine = await createWorkspace(suite.base, "Mine")
    const theirs = await createWorkspace(suite.base, "Theirs")
    await entity(mine, "Kim Park")
    await entity(mine, "K. Park")
    await runCuration(mine)
    const [proposal] = await suggestionsOf(mine, "pending")
    expect(await suggestionsOf(theirs)).toEqual([])
    const attempt = await call(suite.base, "POST", `/curation-suggestions/${proposal!.id}/accept`, {
      workspace: theirs
    })
    expect(attempt.status).toBe(404)
    const stillPending = await asOwner(suite.db, (client) =>
      client.query("select status from curation_suggestions where id = $1", [proposal!.id])
    )
    expect(stillPending.rows[0].status).toBe("pending")
  })

  it("answers 404 for an unknown suggestion and 400 for a malformed id or status", async () => {
    const workspace = await createWorkspace(suite.base, "Errors")
    const unknown = "6f1c1f47-35f5-4bd4-9bd9-1d1dbd0b7c6e"
    expect((await call(suite.base, "POST", `/curation-suggestions/${unknown}/accept`, { workspace })).status).toBe(404)
    expect((await call(suite.base, "POST", "/curation-suggestions/nope/reject", { workspace })).status).toBe(400)
    expect((await call(suite.base, "GET", "/curation-suggestions?status=maybe", { workspace })).status).toBe(400)
  })
})
