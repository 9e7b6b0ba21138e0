// Renaming and deleting a workspace over real HTTP: the rename's live notice, the confirmation a delete needs, and
// that a client working in one workspace cannot rename or delete another.
import { describe, expect, it } from "@effect/vitest"
import { call, createWorkspace, hostSuite, openEvents } from "../support/hostSuite"

const suite = hostSuite("workspace_edits")

const nameOf = async (id: string) => {
  const answer = await call(suite.base, "GET", "/workspaces")
  return (answer.body.workspaces as Array<{ id: string; name: string }>).find((w) => w.id === id)?.name
}

describe("PATCH /workspaces/:id", () => {
  it("renames the workspace, answers it, and announces it on the workspace's live stream", async () => {
    const id = await createWorkspace(suite.base, "Old name")
    const events = await openEvents(suite.base, id)
    try {
      const answer = await call(suite.base, "PATCH", `/workspaces/${id}`, { body: { name: "  New name  " } })
      expect(answer.status).toBe(200)
      expect(answer.body.workspace).toMatchObject({ id, name: "New name" })
      expect(await nameOf(id)).toBe("New name")
      await events.until(new RegExp(`"type":"workspace","action":"updated","id":"${id}"`))
    } finally {
      events.close()
    }
  })

  it("refuses a blank, missing or too long name with a 400 naming the field, and keeps the old one", async () => {
    const id = await createWorkspace(suite.base, "Keeps its name")
    for (const body of [{ name: "   " }, {}, { name: 7 }, { name: "x".repeat(201) }]) {
      const answer = await call(suite.base, "PATCH", `/workspaces/${id}`, { body })
      expect(answer.status).toBe(400)
      expect(answer.body._tag).toBe("HttpApiDecodeError")
      expect(answer.body.issues[0].path).toEqual(["name"])
    }
    expect(await nameOf(id)).toBe("Keeps its name")
  })

  it("answers 404 for an unknown workspace and 400 for a path that is not a UUID", async () => {
    const unknown = "6f1c1f47-35f5-4bd4-9bd9-1d1dbd0b7c6e"
    const missing = await call(suite.base, "PATCH", `/workspaces/${unknown}`, { body: { name: "x" } })
    expect(missing).toMatchObject({ status: 404, body: { _tag: "WorkspaceNotFound" } })
    const malformed = await call(suite.base, "PATCH", "/workspaces/nope", { body: { name: "x" } })
    expect(malformed.status).toBe(400)
  })
})

describe("DELETE /workspaces/:id needs its exact name in confirm", () => {
  it("a missing confirm is a 400 naming the field, a wrong one a 422 naming it; nothing is deleted", async () => {
    const id = await createWorkspace(suite.base, "Precious")
    await call(suite.base, "POST", "/memories", { workspace: id, body: { content: "keep me" } })
    const missing = await call(suite.base, "DELETE", `/workspaces/${id}`, { body: {} })
    expect(missing.status).toBe(400)
    expect(missing.body.issues[0].path).toEqual(["confirm"])
    for (const confirm of ["precious", "Precious ", "", "Other"]) {
      const wrong = await call(suite.base, "DELETE", `/workspaces/${id}`, { body: { confirm } })
      expect(wrong.status).toBe(422)
      expect(wrong.body).toMatchObject({ _tag: "WorkspaceDeleteUnconfirmed", field: "confirm", workspaceId: id })
      expect(wrong.body.message).toMatch(/^confirm must be the workspace's exact name/)
    }
    expect(await nameOf(id)).toBe("Precious")
    const memories = await call(suite.base, "GET", "/memories", { workspace: id })
    expect(memories.body.memories.map((m: { content: string }) => m.content)).toEqual(["keep me"])
  })
})

describe("one workspace cannot change another", () => {
  it("a rename or delete whose x-workspace-id names another workspace is 403, and A is untouched", async () => {
    const a = await createWorkspace(suite.base, "Victim")
    const b = await createWorkspace(suite.base, "Attacker")
    const rename = await call(suite.base, "PATCH", `/workspaces/${a}`, { workspace: b, body: { name: "pwned" } })
    expect(rename).toMatchObject({ status: 403, body: { _tag: "WorkspaceMismatch", workspaceId: a } })
    const remove = await call(suite.base, "DELETE", `/workspaces/${a}`, { workspace: b, body: { confirm: "Victim" } })
    expect(remove).toMatchObject({ status: 403, body: { _tag: "WorkspaceMismatch" } })
    expect(await nameOf(a)).toBe("Victim")
    expect(await nameOf(b)).toBe("Attacker")
  })

  it("with its own id in x-workspace-id a workspace may rename itself", async () => {
    const a = await createWorkspace(suite.base, "Self")
    const answer = await call(suite.base, "PATCH", `/workspaces/${a}`, { workspace: a, body: { name: "Self 2" } })
    expect(answer.status).toBe(200)
    expect(await nameOf(a)).toBe("Self 2")
  })
})
