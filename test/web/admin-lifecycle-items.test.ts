// Edit and delete where each item is shown, in Chromium against a real host and the fake OpenClaw gateway: a memory
// edited (still changed after a reload) and deleted then undone; a graph entity renamed, an edge deleted to the trash
// and the entity deleted and brought back with Undo; a folio renamed and deleted; artifacts listed, downloaded and
// deleted then undone; a chat conversation renamed and deleted; a workspace renamed, and deleted only after its name
// is typed.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import type { Browser, Page } from "playwright-core"
import { runClient } from "../support/apiClient"
import { createDatabase, type TestDatabase } from "../support/database"
import { startFakeGateway, type FakeGateway } from "../support/fakeGateway"
import { hostEnv, scratchDir, startHost, type HostProcess } from "../support/hostProcess"
import { createWorkspace } from "../support/hostSuite"
import { freePort } from "../support/ports"
import { launch, openPage, screenshot } from "./browser"

const POLL = { timeout: 15_000, interval: 50 }
const PASSWORD = "lifecycle-" + "5e".repeat(24)
let db: TestDatabase
let fake: FakeGateway
let host: HostProcess
let browser: Browser
let base: string

beforeAll(async () => {
  browser = await launch()
  db = await createDatabase("admin_lifecycle_items")
  fake = await startFakeGateway({ passwords: [PASSWORD] })
  const port = await freePort()
  base = `http://127.0.0.1:${port}`
  host = startHost({
    cwd: scratchDir(),
    env: hostEnv(db, port, { OPENCLAW_GATEWAY_URL: fake.url, OPENCLAW_GATEWAY_PASSWORD: PASSWORD })
  })
  await host.ready()
})
afterAll(async () => {
  await browser?.close()
  await host?.stop()
  await fake?.close()
  await db?.drop()
})

const withPage = async (workspaceId: string, use: (page: Page) => Promise<void>) => {
  const { context, page, errors } = await openPage(browser, { workspaceId })
  try {
    await use(page)
    expect(errors.join("\n")).toBe("")
  } finally {
    await context.close()
  }
}

const trashKinds = async (ws: string) =>
  (await runClient(base, (api) => api.trash.list({ urlParams: {} }), ws)).items.map((item) => item.kind)

describe("edit and delete where items are shown", () => {
  it("memories: an edit is there after a reload; a delete goes to the trash and Undo brings it back", async () => {
    const ws = await createWorkspace(base, "Memories")
    await runClient(base, (api) => api.memories.create({ payload: { content: "Ana is allergic to penicilin" } }), ws)
    await withPage(ws, async (page) => {
      await page.goto(`${base}/admin/memories`)
      const list = page.getByRole("list", { name: "memories" })
      await page.getByRole("button", { name: "Edit memory: Ana is allergic to penicilin" }).click()
      await page.getByLabel("Memory text").fill("Ana is allergic to penicillin")
      await page.getByRole("button", { name: "Save memory" }).click()
      await list.getByText("Ana is allergic to penicillin").waitFor()
      await page.reload()
      await list.getByText("Ana is allergic to penicillin").waitFor()
      expect(await list.textContent()).not.toContain("penicilin ")
      const { memories } = await runClient(base, (api) => api.memories.list({ urlParams: {} }), ws)
      expect(memories.map((memory) => memory.content)).toEqual(["Ana is allergic to penicillin"])

      await page.getByRole("button", { name: "Delete memory: Ana is allergic to penicillin" }).click()
      await page.getByRole("status").filter({ hasText: "Memory deleted" }).waitFor()
      await list.getByText("Ana is allergic to penicillin").waitFor({ state: "detached" })
      expect(await trashKinds(ws)).toEqual(["memory"])
      await page.getByRole("button", { name: "Undo" }).click()
      await list.getByText("Ana is allergic to penicillin").waitFor()
      expect(await trashKinds(ws)).toEqual([])
      await screenshot(page, "lifecycle-memories")
    })
  })

  it("graph: renames an entity, deletes an edge to the trash, and deletes the entity (Undo brings it back)", async () => {
    const ws = await createWorkspace(base, "Graph")
    const ana = await runClient(base, (api) => api.graph.createEntity({ payload: { name: "Ana", type: "person" } }), ws)
    const roof = await runClient(
      base,
      (api) => api.graph.createEntity({ payload: { name: "Roof", type: "project" } }),
      ws
    )
    await runClient(
      base,
      (api) =>
        api.graph.createEdge({ payload: { sourceId: ana.entity.id, targetId: roof.entity.id, type: "works_on" } }),
      ws
    )
    await withPage(ws, async (page) => {
      await page.goto(`${base}/admin/graph/${ana.entity.id}`)
      await page.getByRole("heading", { name: "Ana", level: 1 }).waitFor()
      await page.getByLabel("Name", { exact: true }).fill("Ana Souza")
      await page.getByRole("button", { name: "Save entity" }).click()
      await page.getByRole("heading", { name: "Ana Souza", level: 1 }).waitFor()

      await page.getByRole("button", { name: "Delete edge: works_on to Roof" }).click()
      await page.getByRole("status").filter({ hasText: "Edge deleted" }).waitFor()
      await page.getByText("No edges yet.").waitFor()
      expect(await trashKinds(ws)).toEqual(["edge"])

      await page.getByRole("button", { name: "Delete entity", exact: true }).click()
      await page.getByRole("heading", { name: "Graph", level: 1 }).waitFor()
      const entities = page.getByRole("list", { name: "entities" })
      await entities.getByRole("link", { name: "Roof" }).waitFor()
      expect(await entities.textContent()).not.toContain("Ana Souza")
      await page.getByRole("status").getByRole("button", { name: "Undo" }).click()
      await page.getByRole("heading", { name: "Ana Souza", level: 1 }).waitFor()
      const { entity } = await runClient(base, (api) => api.graph.getEntity({ path: { id: ana.entity.id } }), ws)
      expect(entity.name).toBe("Ana Souza")
    })
  })

  it("folios: renames one, then deletes it (gone from the list, in the trash)", async () => {
    const ws = await createWorkspace(base, "Folios")
    const { id } = await runClient(base, (api) => api.folios.create({ payload: { name: "Hosue" } }), ws)
    await withPage(ws, async (page) => {
      await page.goto(`${base}/admin/folios/${id}`)
      await page.getByRole("heading", { name: "Hosue", level: 1 }).waitFor()
      await page.getByLabel("New name").fill("House")
      await page.getByRole("button", { name: "Rename folio" }).click()
      await page.getByRole("heading", { name: "House", level: 1 }).waitFor()
      await page.getByRole("button", { name: "Delete folio" }).click()
      await page.getByRole("heading", { name: "Folios", level: 1 }).waitFor()
      await page.getByRole("status").filter({ hasText: "Folio deleted: House" }).waitFor()
      expect(await page.getByRole("list", { name: "folios" }).textContent()).not.toContain("House")
      expect(await trashKinds(ws)).toEqual(["folio"])
    })
  })

  it("artifacts: lists them, downloads the original bytes, deletes one and Undo brings it back", async () => {
    const ws = await createWorkspace(base, "Artifacts")
    for (const [name, text] of [
      ["roof-quote.txt", "Roof quote: 4200 EUR"],
      ["notes.md", "# Notes"]
    ] as const) {
      const body = new FormData()
      body.append("file", new Blob([text], { type: "text/plain" }), name)
      const response = await fetch(`${base}/api/v1/artifacts/upload`, {
        method: "POST",
        body,
        headers: { "x-workspace-id": ws }
      })
      expect(response.status).toBe(201)
    }
    await withPage(ws, async (page) => {
      await page.goto(`${base}/admin/artifacts`)
      const list = page.getByRole("list", { name: "artifacts" })
      await list.getByText("roof-quote.txt").waitFor()
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.getByRole("button", { name: "Download roof-quote.txt" }).click()
      ])
      expect(download.suggestedFilename()).toBe("roof-quote.txt")
      expect(fs.readFileSync((await download.path())!, "utf8")).toBe("Roof quote: 4200 EUR")

      await page.getByRole("button", { name: "Delete roof-quote.txt" }).click()
      await page.getByRole("status").filter({ hasText: "Artifact deleted: roof-quote.txt" }).waitFor()
      await list.getByText("roof-quote.txt").waitFor({ state: "detached" })
      expect(await list.textContent()).toContain("notes.md")
      await page.getByRole("button", { name: "Undo" }).click()
      await list.getByText("roof-quote.txt").waitFor()
      await screenshot(page, "lifecycle-artifacts")
    })
    const { artifacts } = await runClient(base, (api) => api.artifacts.list({ urlParams: {} }), ws)
    expect(artifacts.map((artifact) => artifact.filename).sort()).toEqual(["notes.md", "roof-quote.txt"])
  })

  it("chat: renames the open conversation and deletes it to the trash", async () => {
    const ws = await createWorkspace(base, "Chat")
    const response = await fetch(`${base}/api/v1/chat/stream`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-workspace-id": ws },
      body: JSON.stringify({ message: "plan the roof" })
    })
    expect(response.status).toBe(200)
    await response.text()
    const [session] = (await runClient(base, (api) => api.chat.sessions(), ws)).sessions
    await withPage(ws, async (page) => {
      await page.goto(`${base}/admin/chat/${session!.id}`)
      const history = page.getByRole("navigation", { name: "Chat sessions" })
      await history.getByRole("link", { name: "plan the roof" }).waitFor()
      await page.getByLabel("Conversation title").fill("Roof planning")
      await page.getByRole("button", { name: "Rename", exact: true }).click()
      await history.getByRole("link", { name: "Roof planning" }).waitFor()
      await page.getByRole("button", { name: "Delete conversation" }).click()
      await page.getByRole("status").filter({ hasText: "Conversation deleted: Roof planning" }).waitFor()
      await expect.poll(() => page.url(), POLL).toBe(`${base}/admin/chat`)
      await history.getByRole("link", { name: "Roof planning" }).waitFor({ state: "detached" })
    })
    expect(await trashKinds(ws)).toEqual(["chat_session"])
  })

  it("workspaces: renames one; deleting asks for its exact name first and then removes it for good", async () => {
    const keep = await createWorkspace(base, "Keep me")
    const doomed = await createWorkspace(base, "Doomed")
    await withPage(keep, async (page) => {
      await page.goto(`${base}/admin/setup`)
      const list = page.getByRole("list", { name: "workspaces" })
      await page.getByRole("button", { name: "Rename Keep me" }).click()
      await page.getByLabel("New workspace name").fill("Kept")
      await page.getByRole("button", { name: "Save name" }).click()
      await list.getByText("Kept", { exact: true }).waitFor()
      await page.locator("header.top").getByRole("link", { name: "Kept" }).waitFor()

      await page.getByRole("button", { name: "Delete workspace Doomed" }).click()
      const dialog = page.getByRole("dialog", { name: "Delete workspace Doomed?" })
      const confirm = dialog.getByRole("button", { name: "Delete workspace for good" })
      const typed = dialog.getByLabel("Type the workspace's name to confirm")
      // Focus moves into the dialog once it has rendered: the name field, since the action needs it.
      const typedId = await typed.getAttribute("id")
      await expect.poll(() => page.evaluate(() => document.activeElement?.id), POLL).toBe(typedId)
      expect(await confirm.isDisabled()).toBe(true)
      await typed.fill("doomed")
      expect(await confirm.isDisabled()).toBe(true)
      await typed.fill("Doomed")
      await screenshot(page, "lifecycle-workspace-delete")
      await confirm.click()
      await dialog.waitFor({ state: "detached" })
      await list.getByText("Doomed", { exact: true }).waitFor({ state: "detached" })
    })
    const { workspaces } = await runClient(base, (api) => api.workspaces.list())
    expect(workspaces.map((workspace) => workspace.id)).not.toContain(doomed)
    expect(workspaces.find((workspace) => workspace.id === keep)?.name).toBe("Kept")
  })
})
