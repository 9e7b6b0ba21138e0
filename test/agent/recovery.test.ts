// An agent task left queued or running by a crash is picked up again when the host starts.
import * as crypto from "node:crypto"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { connect, createDatabase, type TestDatabase } from "../support/database"
import { startFakeGateway, type FakeGateway } from "../support/fakeGateway"
import { hostEnv, scratchDir, startHost, type HostProcess } from "../support/hostProcess"
import { freePort } from "../support/ports"

const PASSWORD = "d2".repeat(32)
let db: TestDatabase
let fake: FakeGateway
let host: HostProcess | undefined
const workspace = crypto.randomUUID()
const task = crypto.randomUUID()

beforeAll(async () => {
  db = await createDatabase("agent_recovery")
  fake = await startFakeGateway({ passwords: [PASSWORD], reply: () => "Recovered answer." })
  const owner = await connect(db.ownerUrl)
  await owner.query("insert into workspaces (id, name) values ($1, 'Crashed')", [workspace])
  await owner.query(
    `insert into agent_tasks (id, workspace_id, instruction, status, agent_id, note_date, started_at)
     values ($1, $2, 'Summarise the week', 'running', 'main', '2026-11-20', now())`,
    [task, workspace]
  )
  await owner.end()
})
afterAll(async () => {
  await host?.stop()
  await fake?.close()
  await db?.drop()
})

describe("agent task recovery", () => {
  it("resumes a task a crash left running, and writes its result into the note", async () => {
    const port = await freePort()
    host = startHost({
      cwd: scratchDir(),
      env: hostEnv(db, port, { OPENCLAW_GATEWAY_URL: fake.url, OPENCLAW_GATEWAY_PASSWORD: PASSWORD })
    })
    await host.ready()
    const base = `http://127.0.0.1:${port}/api/v1`
    let status = ""
    for (let i = 0; i < 100 && status !== "succeeded"; i++) {
      const response = await fetch(`${base}/agent-tasks/${task}`, { headers: { "x-workspace-id": workspace } })
      status = ((await response.json()) as { task?: { status: string }; status?: string }).task?.status ?? ""
      if (status !== "succeeded") await new Promise((resolve) => setTimeout(resolve, 200))
    }
    expect(status).toBe("succeeded")
    const note = await fetch(`${base}/daily-notes/2026-11-20/text`, { headers: { "x-workspace-id": workspace } })
    expect(((await note.json()) as { text: string }).text).toContain("Recovered answer.")
  })
})
