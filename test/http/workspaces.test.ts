// Workspaces and the x-workspace-id contract over real HTTP, through the typed client where the contract allows.
import { beforeAll, describe, expect, it } from "@effect/vitest"
import { runClient } from "../support/apiClient"
import { hostSuite } from "../support/hostSuite"

let base: string

const suite = hostSuite("workspaces")
beforeAll(async () => {
  base = suite.base
})

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, { method: "POST", body, headers: { "content-type": "application/json", ...headers } })

const createWorkspace = (name: string) =>
  runClient(base, (api) => api.workspaces.create({ payload: { name } })).then((result) => result.workspace)

describe("workspaces", () => {
  it("POST /workspaces answers 201 with the new workspace, and GET lists it", async () => {
    const response = await post("/api/v1/workspaces", JSON.stringify({ name: "  Home  " }))
    expect(response.status).toBe(201)
    const { workspace } = (await response.json()) as { workspace: { id: string; name: string; createdAt: string } }
    expect(workspace.name).toBe("Home")
    expect(workspace.id).toMatch(/^[0-9a-f-]{36}$/)
    expect(Number.isNaN(Date.parse(workspace.createdAt))).toBe(false)
    const listed = await runClient(base, (api) => api.workspaces.list())
    expect(listed.workspaces.map((w) => w.id)).toContain(workspace.id)
  })

  it("rejects a blank or missing name with a 400 naming the field, and stores nothing", async () => {
    const before = (await runClient(base, (api) => api.workspaces.list())).workspaces.length
    for (const body of [JSON.stringify({ name: "   " }), JSON.stringify({}), JSON.stringify({ name: 42 })]) {
      const response = await post("/api/v1/workspaces", body)
      expect(response.status).toBe(400)
      const error = (await response.json()) as { _tag: string; issues: Array<{ path: Array<string> }> }
      expect(error._tag).toBe("HttpApiDecodeError")
      expect(error.issues[0]!.path).toEqual(["name"])
    }
    expect((await runClient(base, (api) => api.workspaces.list())).workspaces.length).toBe(before)
  })

  it("answers malformed JSON with a 400, never a 500 or a stack trace", async () => {
    const response = await post("/api/v1/workspaces", '{"name": "unterminated')
    expect(response.status).toBe(400)
    const text = await response.text()
    expect(JSON.parse(text)).toMatchObject({ _tag: "HttpApiDecodeError" })
    expect(text).not.toMatch(/at .*\.js|node_modules/)
  })
})

describe("x-workspace-id on workspace-scoped routes", () => {
  it("is required: missing is 400", async () => {
    const response = await fetch(`${base}/api/v1/workspace-settings`)
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ _tag: "WorkspaceHeaderInvalid" })
  })

  it("must be a UUID: anything else is 400", async () => {
    for (const value of ["nope", "1234", "' or 1=1 --", "00000000-0000-0000-0000-00000000000g"]) {
      const response = await fetch(`${base}/api/v1/workspace-settings`, { headers: { "x-workspace-id": value } })
      expect(response.status).toBe(400)
      expect(await response.json()).toEqual({
        _tag: "WorkspaceHeaderInvalid",
        message: "x-workspace-id must be a UUID",
        field: "x-workspace-id",
        reason: "NotUuid"
      })
    }
  })

  it("must name an existing workspace: unknown is 404", async () => {
    const unknown = "6f1c1f47-35f5-4bd4-9bd9-1d1dbd0b7c6e"
    const response = await fetch(`${base}/api/v1/workspace-settings`, { headers: { "x-workspace-id": unknown } })
    expect(response.status).toBe(404)
    expect(await response.json()).toEqual({
      _tag: "WorkspaceNotFound",
      message: `workspace ${unknown} does not exist`,
      workspaceId: unknown
    })
  })

  it("health checks the workspace when one is named", async () => {
    const home = await createWorkspace("Checked")
    const ok = await fetch(`${base}/api/v1/health`, { headers: { "x-workspace-id": home.id } })
    expect(await ok.json()).toMatchObject({ status: "ok", workspace: home.id })
    const unknown = await fetch(`${base}/api/v1/health`, {
      headers: { "x-workspace-id": "6f1c1f47-35f5-4bd4-9bd9-1d1dbd0b7c6e" }
    })
    expect(unknown.status).toBe(404)
  })
})

describe("workspace settings", () => {
  const settings = (workspace: string, body?: unknown) =>
    fetch(`${base}/api/v1/workspace-settings`, {
      method: body === undefined ? "GET" : "PUT",
      headers: { "x-workspace-id": workspace, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) })
    }).then(async (response) => ({ status: response.status, body: (await response.json()) as Record<string, unknown> }))

  it("merges partial updates key by key and keeps keys verbatim", async () => {
    const home = await createWorkspace("Settings home")
    expect(await settings(home.id)).toEqual({ status: 200, body: {} })
    expect((await settings(home.id, { update_channel: "beta" })).body).toEqual({ update_channel: "beta" })
    expect((await settings(home.id, { theme_name: "dark" })).body).toEqual({
      update_channel: "beta",
      theme_name: "dark"
    })
    expect((await settings(home.id)).body).toEqual({ update_channel: "beta", theme_name: "dark" })
  })

  it("rejects an unknown update channel with a 400 and keeps the old value", async () => {
    const home = await createWorkspace("Settings strict")
    await settings(home.id, { update_channel: "stable" })
    const bad = await settings(home.id, { update_channel: "nightly" })
    expect(bad.status).toBe(400)
    expect(bad.body).toMatchObject({ _tag: "HttpApiDecodeError" })
    expect((await settings(home.id)).body).toEqual({ update_channel: "stable" })
  })

  it("one workspace's settings never show in another's", async () => {
    const work = await createWorkspace("Work")
    const home = await createWorkspace("Home 2")
    await settings(work.id, { secret_project: "atlas" })
    expect((await settings(home.id)).body).toEqual({})
  })
})
