// Error bodies over real HTTP: besides `_tag` and the unchanged `message`, each carries the fields that identify what
// went wrong (ids, dates, field names, reasons), and the OpenAPI document declares them.
import { describe, expect, it } from "@effect/vitest"
import { call, createWorkspace, hostSuite } from "../support/hostSuite"

const suite = hostSuite("error_fields")

const unknownId = "0b5e7c3a-61f2-4d0e-9a57-3c2d8e4f1a90"

describe("error bodies carry their identifying fields", () => {
  it("a task that is not there names its date, id and why", async () => {
    const workspace = await createWorkspace(suite.base, "tasks")
    const answer = await call(suite.base, "PATCH", "/tasks", {
      workspace,
      body: { date: "2030-01-01", nodeIndex: 3, checked: true }
    })
    expect(answer).toEqual({
      status: 404,
      body: {
        _tag: "TaskNotFound",
        message:
          "no task 2030-01-01:3: there is no note for 2030-01-01; list tasks (GET /api/v1/tasks) for current ids",
        date: "2030-01-01",
        taskId: "2030-01-01:3",
        reason: "NoNote"
      }
    })
  })

  it("an edge to an unknown entity names the end and the entity", async () => {
    const workspace = await createWorkspace(suite.base, "edges")
    const created = await call(suite.base, "POST", "/entities", { workspace, body: { name: "Ada", type: "person" } })
    expect(created.status).toBe(201)
    const answer = await call(suite.base, "POST", "/edges", {
      workspace,
      body: { sourceId: created.body.entity.id, targetId: unknownId, type: "knows" }
    })
    expect(answer).toEqual({
      status: 404,
      body: {
        _tag: "EdgeEndpointNotFound",
        message: `target entity ${unknownId} does not exist in this workspace: create it first or fix targetId`,
        end: "target",
        entityId: unknownId
      }
    })
  })

  it("a canonical link to itself names the field, the reason and both ids", async () => {
    const workspace = await createWorkspace(suite.base, "canonical")
    const created = await call(suite.base, "POST", "/entities", { workspace, body: { name: "Bo", type: "person" } })
    const id = created.body.entity.id as string
    const answer = await call(suite.base, "PATCH", `/entities/${id}`, { workspace, body: { canonicalId: id } })
    expect(answer).toEqual({
      status: 400,
      body: {
        _tag: "InvalidCanonicalLink",
        message: "an entity cannot be its own canonical entity: use canonicalId null to make it canonical",
        field: "canonicalId",
        reason: "Self",
        entityId: id,
        canonicalId: id
      }
    })
  })

  it("a folio name already taken names the conflicting name", async () => {
    const workspace = await createWorkspace(suite.base, "folios")
    expect((await call(suite.base, "POST", "/folios", { workspace, body: { name: "Garden" } })).status).toBe(201)
    const answer = await call(suite.base, "POST", "/folios", { workspace, body: { name: "Garden" } })
    expect(answer).toEqual({
      status: 409,
      body: {
        _tag: "FolioNameTaken",
        message: 'a folio named "Garden" already exists in this workspace (names ignore case): pick another name',
        folioName: "Garden"
      }
    })
  })

  it("an invalid model route names the field and the reason", async () => {
    const workspace = await createWorkspace(suite.base, "routes")
    const answer = await call(suite.base, "PUT", "/model-routes/chat", {
      workspace,
      body: { provider: "openai-compatible", model: "gpt-4o-mini" }
    })
    expect(answer).toEqual({
      status: 400,
      body: {
        _tag: "ModelRouteInvalid",
        message: "an openai-compatible route needs baseUrl, e.g. https://api.openai.com/v1",
        field: "baseUrl",
        reason: "Missing"
      }
    })
  })

  it("?workspace= on a write names the query parameter and the reason", async () => {
    const workspace = await createWorkspace(suite.base, "query")
    const response = await fetch(`${suite.base}/api/v1/folios?workspace=${workspace}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "Nope" })
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      _tag: "WorkspaceHeaderInvalid",
      message: "?workspace= names the workspace only on GET requests: send the x-workspace-id header",
      field: "workspace",
      reason: "QueryOnWrite"
    })
  })

  it("the OpenAPI document declares the fields", async () => {
    const response = await fetch(`${suite.base}/api/openapi.json`)
    expect(response.status).toBe(200)
    const document = (await response.json()) as {
      components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: Array<string> }> }
    }
    const schemas = document.components.schemas
    expect(schemas.TaskNotFound?.required).toEqual(
      expect.arrayContaining(["_tag", "message", "date", "taskId", "reason"])
    )
    expect(Object.keys(schemas.EntityNotFound?.properties ?? {})).toEqual(
      expect.arrayContaining(["_tag", "message", "entityId", "reference"])
    )
    expect(schemas.WorkspaceNotFound?.required).toEqual(expect.arrayContaining(["message", "workspaceId"]))
  })
})
