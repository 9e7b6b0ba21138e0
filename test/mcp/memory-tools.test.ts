// The destructive MCP tools (update_memory, delete_memory) through the SDK's client: off unless a workspace's
// `mcp_tools` setting maps them to true, a delete goes to the trash (restorable over HTTP), and a session bound to
// workspace B can change or delete none of A's memories.
import { beforeAll, describe, expect, it } from "@effect/vitest"
import { OPT_IN_TOOL_NAMES, TOOL_NAMES } from "../../src/mcp/ToolCatalog"
import { call, createWorkspace, hostSuite, mcpClients } from "../support/hostSuite"

const suite = hostSuite("mcp_memory_tools")
let A: string
let B: string

const connect = mcpClients(suite)

const text = (result: any): string =>
  ((result.content as Array<{ type: string; text: string }> | undefined) ?? []).map((part) => part.text).join("\n")

const setTools = (workspace: string, switches: Record<string, unknown>) =>
  call(suite.base, "PUT", "/workspace-settings", { workspace, body: { mcp_tools: switches } })

const remember = async (workspace: string, content: string) =>
  (await call(suite.base, "POST", "/memories", { workspace, body: { content } })).body.memory.id as string

const contents = async (workspace: string) =>
  (
    (await call(suite.base, "GET", "/memories", { workspace })).body.memories as Array<{ id: string; content: string }>
  ).map((memory) => [memory.id, memory.content])

beforeAll(async () => {
  A = await createWorkspace(suite.base, "MCP tools A")
  B = await createWorkspace(suite.base, "MCP tools B")
})

describe("opt-in memory tools", () => {
  it("are off by default: not listed and refused when called; a value other than true leaves them off", async () => {
    const id = await remember(A, "Default off: the kettle is blue")
    const client = await connect(A)
    const names = (await client.listTools()).tools.map((t) => t.name)
    expect(names.sort()).toEqual([...TOOL_NAMES].sort())
    for (const name of OPT_IN_TOOL_NAMES) {
      await expect(client.callTool({ name, arguments: { memory_id: id, content: "x" } })).rejects.toThrow(/turned off/)
    }
    await setTools(A, { update_memory: "yes", delete_memory: 1 })
    const still = await connect(A)
    expect((await still.listTools()).tools.map((t) => t.name)).not.toContain("delete_memory")
    expect(await contents(A)).toContainEqual([id, "Default off: the kettle is blue"])
  })

  it("turned on with true: update_memory changes a memory and delete_memory moves it to the trash", async () => {
    await setTools(A, { update_memory: true, delete_memory: true })
    const id = await remember(A, "The spare key is in the shed")
    const client = await connect(A)
    const listed = (await client.listTools()).tools
    expect(listed.map((t) => t.name)).toEqual(expect.arrayContaining(["update_memory", "delete_memory"]))
    expect(listed.find((t) => t.name === "delete_memory")!.annotations).toMatchObject({ destructiveHint: true })

    const updated = await client.callTool({
      name: "update_memory",
      arguments: { memory_id: id, content: "The spare key is under the flowerpot" }
    })
    expect(updated.isError, text(updated)).toBeFalsy()
    expect(await contents(A)).toContainEqual([id, "The spare key is under the flowerpot"])
    const found = await client.callTool({ name: "search_memories", arguments: { query: "flowerpot" } })
    expect(text(found)).toContain(id)

    const deleted = await client.callTool({ name: "delete_memory", arguments: { memory_id: id } })
    expect(deleted.isError, text(deleted)).toBeFalsy()
    const { trashId } = deleted.structuredContent as { trashId: string }
    expect((await contents(A)).map(([memory]) => memory)).not.toContain(id)
    expect(text(await client.callTool({ name: "search_memories", arguments: { query: "flowerpot" } }))).not.toContain(
      id
    )
    const item = (await call(suite.base, "GET", "/trash", { workspace: A })).body.items.find(
      (entry: { id: string }) => entry.id === trashId
    )
    expect(item).toMatchObject({ kind: "memory", originalId: id, deletedBy: "mcp:delete_memory" })
    expect((await call(suite.base, "POST", `/trash/${trashId}/restore`, { workspace: A })).status).toBe(200)
    expect(await contents(A)).toContainEqual([id, "The spare key is under the flowerpot"])

    const again = await client.callTool({ name: "delete_memory", arguments: { memory_id: crypto.randomUUID() } })
    expect(again.isError).toBe(true)
    expect(text(again)).toContain("does not exist in this workspace")
  })

  it("a session bound to workspace B, with the tools on, can change or delete none of A's memories", async () => {
    const id = await remember(A, "A's secret: the gate code is 4521")
    await setTools(B, { update_memory: true, delete_memory: true })
    const client = await connect(B)
    const updated = await client.callTool({ name: "update_memory", arguments: { memory_id: id, content: "pwned" } })
    expect(updated.isError).toBe(true)
    expect(text(updated)).toContain("does not exist in this workspace")
    const deleted = await client.callTool({ name: "delete_memory", arguments: { memory_id: id } })
    expect(deleted.isError).toBe(true)
    expect(await contents(A)).toContainEqual([id, "A's secret: the gate code is 4521"])
    expect((await call(suite.base, "GET", "/trash", { workspace: B })).body.items).toEqual([])
  })

  it("refuses a blank or unstorable content or a malformed id as invalid params naming the argument", async () => {
    const client = await connect(A)
    await expect(
      client.callTool({ name: "update_memory", arguments: { memory_id: crypto.randomUUID(), content: "   " } })
    ).rejects.toThrow(/content must not be blank/)
    await expect(client.callTool({ name: "delete_memory", arguments: { memory_id: "nope" } })).rejects.toThrow(
      /memory_id/
    )
    await expect(
      client.callTool({ name: "update_memory", arguments: { memory_id: crypto.randomUUID(), content: "a\u0000b" } })
    ).rejects.toThrow(/content contains a NUL character/)
  })
})
