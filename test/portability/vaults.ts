// Fixture vaults written for the import tests (an Obsidian vault with daily notes, links, aliases, attachments and odd
// names; a Logseq graph; a Notion export), zipped in memory with yazl, plus the helpers that send one to the host and
// wait for its run to end.
import * as fs from "node:fs"
import * as path from "node:path"
import yazl from "yazl"
import { call } from "../support/hostSuite"

export type Vault = Record<string, string | Uint8Array>

/** The files as a zip, under one top folder when `root` is given (as zipping a folder does). */
export const zipVault = (
  files: Vault,
  root?: string,
  options: { readonly compress?: boolean } = {}
): Promise<Buffer> => {
  const zip = new yazl.ZipFile()
  for (const [name, content] of Object.entries(files)) {
    zip.addBuffer(Buffer.from(content), root === undefined ? name : `${root}/${name}`, {
      compress: options.compress ?? true
    })
  }
  zip.end()
  return new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    zip.outputStream.on("data", (chunk: Buffer) => chunks.push(chunk))
    zip.outputStream.on("end", () => resolve(Buffer.concat(chunks)))
    zip.outputStream.on("error", reject)
  })
}

/** Writes the vault as a folder under `dir`. */
export const writeVault = (dir: string, files: Vault) => {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name)
    fs.mkdirSync(path.dirname(file), { recursive: true })
    fs.writeFileSync(file, content)
  }
}

export const PDF_BYTES = Buffer.from(
  "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
export const PNG_BYTES = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex")

export const obsidianVault = (): Vault => ({
  ".obsidian/app.json": "{}",
  ".obsidian/daily-notes.json": JSON.stringify({ folder: "Journal", format: "YYYY-MM-DD" }),
  "Journal/2026-03-14.md": [
    "---",
    "tags: [daily]",
    "---",
    "09:30 Standup with [[Ada Lovelace]] about the #engine",
    "",
    "## 14:05 Review",
    "Went through [[Analytical Engine|the engine]] plans.",
    "- [ ] Send the notes to Charles",
    "- [x] Book the room",
    "",
    "Free text after the review ![[diagram.png]]"
  ].join("\n"),
  "Journal/2026-03-15.md": "# Sunday\nA quiet day.\n- [ ] Water the plants #home\n",
  "People/Ada Lovelace.md": [
    "---",
    "aliases:",
    "  - Ada",
    "  - Countess of Lovelace",
    "tags: person",
    "---",
    "Mathematician. Works on the [[Analytical Engine]].",
    "See ![[notes.pdf]]."
  ].join("\n"),
  "Projects/Analytical Engine.md": "The engine. Linked from [[Ada Lovelace]] and [[Charles Babbage]].\n#project\n",
  "Odd names/Ünïcödé ✨ page (draft) #1.md": "Odd name, plain text with a [[Ada Lovelace|link]].\n",
  "attachments/diagram.png": PNG_BYTES,
  "attachments/notes.pdf": PDF_BYTES,
  ".trash/old.md": "deleted long ago"
})

export const logseqVault = (): Vault => ({
  "logseq/config.edn": "{:meta/version 1}",
  "journals/2026_04_01.md": [
    "- 08:15 Morning pages about [[Gardening]]",
    "\t- a child thought",
    "- TODO Buy seeds #garden",
    "- DONE Prune the roses",
    "- LATER Read about compost"
  ].join("\n"),
  "pages/Gardening.md": "alias:: Horticulture\ntags:: hobby\n\n- Notes on plants\n\t- links to [[Compost]]\n",
  "pages/Compost.md": "- Brown and green\n"
})

export const notionVault = (): Vault => ({
  "Workspace 0123456789abcdef0123456789abcdef/Roadmap 11111111111111111111111111111111.md":
    "# Roadmap\n\nSee [Launch plan](Launch%20plan%2022222222222222222222222222222222.md).\n",
  "Workspace 0123456789abcdef0123456789abcdef/Launch plan 22222222222222222222222222222222.md":
    "# Launch plan\n\nShip it.\n",
  "Workspace 0123456789abcdef0123456789abcdef/Tasks 33333333333333333333333333333333.csv":
    "Name,Status\nWrite docs,Done\nFix bug,In progress\n"
})

export interface ImportRun {
  readonly id: string
  readonly status: string
  readonly format: string
  readonly total: number
  readonly done: number
  readonly counts: { created: number; updated: number; unchanged: number; skipped: number }
}

/** POST /imports with the zip as its body. */
export const postZip = async (base: string, workspace: string, zip: Uint8Array, query = "") => {
  const response = await fetch(`${base}/api/v1/imports${query}`, {
    method: "POST",
    headers: { "content-type": "application/zip", "x-workspace-id": workspace },
    body: new Blob([new Uint8Array(zip)])
  })
  return { status: response.status, body: (await response.json()) as any }
}

/** Polls GET /imports/:id until the run has ended; answers its last status and skipped files. */
export const waitForImport = async (base: string, workspace: string, id: string, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const answer = await call(base, "GET", `/imports/${id}`, { workspace })
    if (answer.status !== 200) throw new Error(`GET /imports/${id}: ${answer.status} ${JSON.stringify(answer.body)}`)
    if (answer.body.import.status !== "running") {
      return answer.body as {
        import: ImportRun & { error: string | null }
        skippedFiles: Array<{ path: string; reason: string }>
      }
    }
    if (Date.now() > deadline) throw new Error(`import ${id} still running after ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** Sends the zip and waits for its run. */
export const importZip = async (base: string, workspace: string, zip: Uint8Array, query = "", timeoutMs?: number) => {
  const started = await postZip(base, workspace, zip, query)
  if (started.status !== 202) throw new Error(`POST /imports: ${started.status} ${JSON.stringify(started.body)}`)
  return waitForImport(base, workspace, started.body.import.id, timeoutMs)
}
