// Folios over real HTTP against a real host and database: create, list, search, read, both PATCH shapes, commits,
// and the errors a client can make (400 with nothing stored, 404 for unknown folios, 409 for a taken name).
import { describe, expect, it } from "@effect/vitest"
import { runClient } from "../support/apiClient"
import { asOwner, call, createWorkspace, hostSuite } from "../support/hostSuite"

const suite = hostSuite("folios")

const create = (workspace: string, name: string, about?: string) =>
  runClient(
    suite.base,
    (api) => api.folios.create({ payload: about === undefined ? { name } : { name, about } }),
    workspace
  ).then((answer) => answer.folio)

const listNames = async (workspace: string, search?: string) => {
  const answer = await call(suite.base, "GET", `/folios${search === undefined ? "" : `?search=${search}`}`, {
    workspace
  })
  expect(answer.status).toBe(200)
  return (answer.body.folios as Array<{ name: string }>).map((folio) => folio.name)
}

const unknownId = "0b0e4a55-8d7e-4c61-9a57-3a1c2ef8d9b1"

describe("creating and listing folios", () => {
  it("POST /folios answers 201 with the folio and its id at the top level, trimmed, about defaulting to empty", async () => {
    const workspace = await createWorkspace(suite.base, "create")
    const answer = await call(suite.base, "POST", "/folios", { workspace, body: { name: "  Atlas  " } })
    expect(answer.status).toBe(201)
    expect(answer.body.id).toBe(answer.body.folio.id)
    expect(answer.body.folio).toMatchObject({ name: "Atlas", about: "" })
    expect(answer.body.folio.id).toMatch(/^[0-9a-f-]{36}$/)
    expect(Number.isNaN(Date.parse(answer.body.folio.createdAt))).toBe(false)
    expect(Number.isNaN(Date.parse(answer.body.folio.updatedAt))).toBe(false)
    const listed = await call(suite.base, "GET", "/folios", { workspace })
    expect(listed.body.folios).toEqual([answer.body.folio])
  })

  it("lists folios by name, ignoring case", async () => {
    const workspace = await createWorkspace(suite.base, "order")
    for (const name of ["beta", "Charlie", "alpha", "Bravo"]) await create(workspace, name)
    expect(await listNames(workspace)).toEqual(["alpha", "beta", "Bravo", "Charlie"])
  })

  it("search is a case-insensitive substring of the name or the about text", async () => {
    const workspace = await createWorkspace(suite.base, "search")
    await create(workspace, "Garden", "Tomatoes and BEANS")
    await create(workspace, "Beanstalk plans")
    await create(workspace, "Taxes", "receipts")
    expect(await listNames(workspace, "bean")).toEqual(["Beanstalk plans", "Garden"])
    expect(await listNames(workspace, "TAX")).toEqual(["Taxes"])
    expect(await listNames(workspace, "100%25")).toEqual([])
    expect(await listNames(workspace, "")).toHaveLength(3)
  })

  it("refuses a name already taken, ignoring case and surrounding spaces, with a 409 and stores nothing", async () => {
    const workspace = await createWorkspace(suite.base, "duplicate")
    await create(workspace, "Atlas")
    const answer = await call(suite.base, "POST", "/folios", { workspace, body: { name: " ATLAS " } })
    expect(answer.status).toBe(409)
    expect(answer.body._tag).toBe("FolioNameTaken")
    expect(answer.body.message).toMatch(/already exists/)
    expect(await listNames(workspace)).toEqual(["Atlas"])
  })

  it("rejects a missing, blank, over-long or mistyped name or about with a 400 and stores nothing", async () => {
    const workspace = await createWorkspace(suite.base, "bad create")
    const bodies = [
      {},
      { name: "" },
      { name: "   " },
      { name: 42 },
      { name: null },
      { name: "x".repeat(201) },
      { name: "Fine", about: 7 },
      { name: ["Atlas"] }
    ]
    for (const body of bodies) {
      const answer = await call(suite.base, "POST", "/folios", { workspace, body })
      expect(answer.status, JSON.stringify(body)).toBe(400)
      expect(answer.body._tag).toBe("HttpApiDecodeError")
    }
    const malformed = await call(suite.base, "POST", "/folios", { workspace, raw: '{"name": "Atl' })
    expect(malformed.status).toBe(400)
    expect(await listNames(workspace)).toEqual([])
  })
})

describe("reading a folio", () => {
  it("answers the folio with its timeline and commits, newest first", async () => {
    const workspace = await createWorkspace(suite.base, "detail")
    const folio = await create(workspace, "Atlas", "The atlas project")
    await asOwner(suite.db, (client) =>
      client.query(
        `insert into folio_timeline_entries (workspace_id, folio_id, date, synopsis, source)
         values ($1, $2, '2025-03-01', 'first week', 'nightly'), ($1, $2, '2025-03-08', 'second week', 'manual')`,
        [workspace, folio.id]
      )
    )
    for (const message of ["first commit", "second commit"]) {
      const answer = await call(suite.base, "POST", `/folios/${folio.id}/commits`, { workspace, body: { message } })
      expect(answer.status).toBe(201)
    }
    const answer = await call(suite.base, "GET", `/folios/${folio.id}`, { workspace })
    expect(answer.status).toBe(200)
    expect(answer.body.folio).toMatchObject({ id: folio.id, name: "Atlas", about: "The atlas project" })
    expect(
      answer.body.folio.timeline.map((entry: { date: string; synopsis: string; source: string }) => entry)
    ).toEqual([
      expect.objectContaining({ date: "2025-03-08", synopsis: "second week", source: "manual" }),
      expect.objectContaining({ date: "2025-03-01", synopsis: "first week", source: "nightly" })
    ])
    expect(answer.body.folio.commits.map((commit: { message: string }) => commit.message)).toEqual([
      "second commit",
      "first commit"
    ])
  })

  it("answers 404 for an unknown folio and 400 for an id that is not a UUID, on every folio route", async () => {
    const workspace = await createWorkspace(suite.base, "unknown")
    const routes: Array<[string, string, unknown]> = [
      ["GET", "", undefined],
      ["PATCH", "", { about: "x" }],
      ["POST", "/commits", { message: "x" }],
      ["GET", "/entries", undefined]
    ]
    for (const [method, suffix, body] of routes) {
      const missing = await call(suite.base, method, `/folios/${unknownId}${suffix}`, { workspace, body })
      expect(missing.status, `${method} ${suffix}`).toBe(404)
      expect(missing.body).toEqual({
        _tag: "FolioNotFound",
        message: `folio ${unknownId} does not exist in this workspace`,
        folioId: unknownId
      })
      const malformed = await call(suite.base, method, `/folios/not-a-uuid${suffix}`, { workspace, body })
      expect(malformed.status, `${method} ${suffix}`).toBe(400)
      expect(malformed.body._tag).toBe("HttpApiDecodeError")
    }
  })
})

describe("PATCH /folios/:id", () => {
  it("renames and re-describes with { name?, about? }, and answers the updated folio", async () => {
    const workspace = await createWorkspace(suite.base, "patch plain")
    const folio = await create(workspace, "Atlas", "old about")
    const answer = await runClient(
      suite.base,
      (api) => api.folios.update({ path: { id: folio.id }, payload: { name: "Atlas v2", about: "new about" } }),
      workspace
    )
    expect(answer.folio).toMatchObject({
      id: folio.id,
      name: "Atlas v2",
      about: "new about",
      timeline: [],
      commits: []
    })
    expect(answer.folio.updatedAt.epochMillis).toBeGreaterThanOrEqual(folio.updatedAt.epochMillis)
    const onlyAbout = await call(suite.base, "PATCH", `/folios/${folio.id}`, { workspace, body: { about: "third" } })
    expect(onlyAbout.body.folio).toMatchObject({ name: "Atlas v2", about: "third" })
    expect(await listNames(workspace)).toEqual(["Atlas v2"])
  })

  it('replaces the about text with { action: "update_about", content }', async () => {
    const workspace = await createWorkspace(suite.base, "patch action")
    const folio = await create(workspace, "Atlas", "old about")
    const answer = await call(suite.base, "PATCH", `/folios/${folio.id}`, {
      workspace,
      body: { action: "update_about", content: "## Goals\nShip it" }
    })
    expect(answer.status).toBe(200)
    expect(answer.body.folio).toMatchObject({ id: folio.id, name: "Atlas", about: "## Goals\nShip it" })
    const read = await call(suite.base, "GET", `/folios/${folio.id}`, { workspace })
    expect(read.body.folio.about).toBe("## Goals\nShip it")
  })

  it("rejects an unknown action, a missing content, a blank name or a wrong type with a 400 and changes nothing", async () => {
    const workspace = await createWorkspace(suite.base, "patch bad")
    const folio = await create(workspace, "Atlas", "kept")
    const bodies = [
      { action: "rewrite_about", content: "x" },
      { action: "update_about" },
      { action: "update_about", content: 3 },
      { name: "" },
      { name: "  " },
      { name: 5 },
      { about: false },
      { name: "y".repeat(201) }
    ]
    for (const body of bodies) {
      const answer = await call(suite.base, "PATCH", `/folios/${folio.id}`, { workspace, body })
      expect(answer.status, JSON.stringify(body)).toBe(400)
    }
    const read = await call(suite.base, "GET", `/folios/${folio.id}`, { workspace })
    expect(read.body.folio).toMatchObject({ name: "Atlas", about: "kept" })
  })

  it("refuses to rename onto another folio's name with a 409, but lets a folio change its own name's case", async () => {
    const workspace = await createWorkspace(suite.base, "patch conflict")
    await create(workspace, "Atlas")
    const other = await create(workspace, "Borealis")
    const taken = await call(suite.base, "PATCH", `/folios/${other.id}`, { workspace, body: { name: "atlas" } })
    expect(taken.status).toBe(409)
    expect(taken.body._tag).toBe("FolioNameTaken")
    const recased = await call(suite.base, "PATCH", `/folios/${other.id}`, { workspace, body: { name: "BOREALIS" } })
    expect(recased.status).toBe(200)
    expect(await listNames(workspace)).toEqual(["Atlas", "BOREALIS"])
  })
})

describe("POST /folios/:id/commits", () => {
  it("answers 201 with the commit, linking artifacts of this workspace", async () => {
    const workspace = await createWorkspace(suite.base, "commit")
    const folio = await create(workspace, "Atlas")
    const artifact = await asOwner(suite.db, (client) =>
      client
        .query<{ id: string }>(
          `insert into artifacts (workspace_id, filename, size) values ($1, 'plan.pdf', 10) returning id`,
          [workspace]
        )
        .then((result) => result.rows[0]!.id)
    )
    const answer = await call(suite.base, "POST", `/folios/${folio.id}/commits`, {
      workspace,
      body: { message: "  Drafted the plan  ", artifactIds: [artifact, artifact] }
    })
    expect(answer.status).toBe(201)
    expect(answer.body.commit).toMatchObject({
      folioId: folio.id,
      message: "Drafted the plan",
      artifactIds: [artifact]
    })
    const plain = await runClient(
      suite.base,
      (api) => api.folios.commit({ path: { id: folio.id }, payload: { message: "no artifacts" } }),
      workspace
    )
    expect(plain.commit.artifactIds).toEqual([])
    const read = await call(suite.base, "GET", `/folios/${folio.id}`, { workspace })
    expect(read.body.folio.commits).toHaveLength(2)
    expect(Date.parse(read.body.folio.updatedAt)).toBeGreaterThan(folio.updatedAt.epochMillis)
  })

  it("indexes the commit for search in the same write", async () => {
    const workspace = await createWorkspace(suite.base, "commit indexed")
    const folio = await create(workspace, "Atlas")
    const { commit } = await runClient(
      suite.base,
      (api) => api.folios.commit({ path: { id: folio.id }, payload: { message: "quarterly zeppelin review" } }),
      workspace
    )
    const rows = await asOwner(suite.db, (client) =>
      client.query(`select title, content from search_chunks where source_kind = 'folio_commit' and source_id = $1`, [
        commit.id
      ])
    )
    expect(rows.rows).toEqual([expect.objectContaining({ title: "Atlas" })])
    expect(rows.rows[0].content).toContain("quarterly zeppelin review")
  })

  it("refuses an unknown artifact with a 404 naming it, and bad input with a 400, storing no commit", async () => {
    const workspace = await createWorkspace(suite.base, "commit bad")
    const folio = await create(workspace, "Atlas")
    const unknownArtifact = await call(suite.base, "POST", `/folios/${folio.id}/commits`, {
      workspace,
      body: { message: "with a ghost", artifactIds: [unknownId] }
    })
    expect(unknownArtifact.status).toBe(404)
    expect(unknownArtifact.body._tag).toBe("FolioArtifactNotFound")
    expect(unknownArtifact.body.message).toContain(unknownId)
    const bodies = [
      {},
      { message: "" },
      { message: "   " },
      { message: 12 },
      { message: "ok", artifactIds: "nope" },
      { message: "ok", artifactIds: ["not-a-uuid"] }
    ]
    for (const body of bodies) {
      const answer = await call(suite.base, "POST", `/folios/${folio.id}/commits`, { workspace, body })
      expect(answer.status, JSON.stringify(body)).toBe(400)
    }
    const read = await call(suite.base, "GET", `/folios/${folio.id}`, { workspace })
    expect(read.body.folio.commits).toEqual([])
  })
})
