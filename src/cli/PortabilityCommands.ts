// `carabase import` and `carabase export`: a running host does the work (POST /api/v1/imports, GET /api/v1/export),
// so an import from the command line is checked, recorded and announced exactly like one from the admin UI. A folder
// is zipped on the fly (stored, not compressed) and streamed as the upload; a zip file is streamed as it is. While the
// run goes on, a terminal shows one progress line (files done / total, rate, ETA); at the end the counts and every
// skipped file with its reason. An export is written as the zip, or unpacked into a new or empty folder.
import * as fs from "node:fs"
import * as path from "node:path"
import { Readable } from "node:stream"
import { pipeline } from "node:stream/promises"
import yauzl from "yauzl"
import yazl from "yazl"
import { parseOrHelp, UsageError } from "./Args"
import { answerError, connect, type HostClient } from "./HostClient"

export const importHelp = `usage: carabase import <folder|file.zip> [--workspace <id>] [--dry-run] [--folios] [--host <url>]

Imports an Obsidian vault, a folder of Markdown, a Logseq graph, a Notion export (Markdown & CSV) or a Carabase export
into a workspace, through the running host. The kind is recognised from the files. Importing the same folder again
changes nothing; a changed one updates what changed. Files that cannot be read are listed with the reason.

  --workspace <id>  the workspace (default CARABASE_WORKSPACE_ID, or the host's only workspace)
  --dry-run         report what would be created, updated, unchanged or skipped; write nothing
  --folios          make each page's folder a folio, and commit the page to it
  --host <url>      the host (default CARABASE_URL, or http://127.0.0.1:<PORT>); CARABASE_API_KEY is sent if set`

export const exportHelp = `usage: carabase export <folder|file.zip> [--workspace <id>] [--format markdown|json] [--host <url>]

Exports a workspace in open formats: daily notes as Markdown (or JSON documents with --format json), folios, memories,
the graph as JSON, artifacts as their original files with their extracted text, and chat history. No secret is ever
exported. A name ending in .zip gets the zip; any other is a folder (new, or empty) to unpack it into.

  --workspace <id>  the workspace (default CARABASE_WORKSPACE_ID, or the host's only workspace)
  --format <f>      markdown (default) or json
  --host <url>      the host (default CARABASE_URL, or http://127.0.0.1:<PORT>); CARABASE_API_KEY is sent if set`

interface RunStatus {
  readonly id: string
  readonly format: string
  readonly dryRun: boolean
  readonly status: "running" | "done" | "failed"
  readonly total: number
  readonly done: number
  readonly counts: { created: number; updated: number; unchanged: number; skipped: number }
  readonly error: string | null
}

/** Every file under `root`, relative, `/`-separated; symbolic links are not followed. */
const walk = (root: string): Array<string> => {
  const found: Array<string> = []
  const visit = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const relative = dir === "" ? entry.name : `${dir}/${entry.name}`
      if (entry.isDirectory()) visit(relative)
      else if (entry.isFile()) found.push(relative)
    }
  }
  visit("")
  return found.sort()
}

/** The folder as a zip stream, each file read only when the stream reaches it. */
const zipFolder = (root: string): Readable => {
  const zip = new yazl.ZipFile()
  for (const file of walk(root)) {
    zip.addReadStreamLazy(file, { compress: false }, (callback) =>
      callback(null, fs.createReadStream(path.join(root, file)))
    )
  }
  zip.end()
  return zip.outputStream as Readable
}

const duration = (seconds: number) => {
  if (!Number.isFinite(seconds)) return "?"
  const s = Math.max(0, Math.round(seconds))
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`
}

/** `1234/20000 files · 152 files/s · ETA 2m04s`, from two readings of the run. */
export const progressLine = (done: number, total: number, elapsedSeconds: number) => {
  const rate = elapsedSeconds > 0 ? done / elapsedSeconds : 0
  const eta = rate > 0 ? (total - done) / rate : Number.POSITIVE_INFINITY
  return `${done}/${total} files · ${rate.toFixed(rate < 10 ? 1 : 0)} files/s · ETA ${duration(eta)}`
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const follow = async (host: HostClient, started: RunStatus): Promise<RunStatus> => {
  const tty = process.stderr.isTTY === true
  const startedAt = Date.now()
  let status = started
  while (status.status === "running") {
    await sleep(tty ? 250 : 500)
    const response = await host.request(`/imports/${status.id}`)
    if (!response.ok) throw await answerError(response, "reading the import's progress")
    status = ((await response.json()) as { import: RunStatus }).import
    if (tty)
      process.stderr.write(`\r\x1b[2K${progressLine(status.done, status.total, (Date.now() - startedAt) / 1000)}`)
  }
  if (tty) process.stderr.write("\r\x1b[2K")
  return status
}

const printReport = async (host: HostClient, status: RunStatus) => {
  const { created, skipped, unchanged, updated } = status.counts
  const verb = status.dryRun ? "would import" : "imported"
  process.stdout.write(
    `${verb} ${status.done} of ${status.total} files (${status.format}): ${created} created, ${updated} updated, ${unchanged} unchanged, ${skipped} skipped\n`
  )
  for (let offset = 0; offset < skipped; offset += 5000) {
    const response = await host.request(`/imports/${status.id}/files?outcome=skipped&limit=5000&offset=${offset}`)
    if (!response.ok) throw await answerError(response, "reading the import's report")
    const { files } = (await response.json()) as { files: Array<{ path: string; reason: string | null }> }
    for (const file of files) process.stdout.write(`skipped ${file.path}: ${file.reason ?? "unknown reason"}\n`)
  }
  if (status.error !== null) process.stderr.write(`carabase import: ${status.error}\n`)
  process.stdout.write(`import ${status.id}\n`)
}

export const runImport = async (argv: ReadonlyArray<string>): Promise<number> => {
  const args = parseOrHelp(argv, {
    help: importHelp,
    flags: ["dry-run", "folios"],
    values: ["workspace", "host"],
    positionals: [{ name: "source", missing: "name the folder or zip file to import" }]
  })
  if (args === null) return 0
  const [source] = args.positionals
  const stat = fs.statSync(source, { throwIfNoEntry: false })
  if (stat === undefined) throw new UsageError(`${source} does not exist`)
  if (!stat.isDirectory() && !stat.isFile()) throw new UsageError(`${source} is neither a folder nor a file`)
  const host = await connect({ host: args.value("host"), workspace: args.value("workspace") })
  const body = stat.isDirectory() ? zipFolder(source) : fs.createReadStream(source)
  const query = new URLSearchParams()
  if (args.flag("dry-run")) query.set("dryRun", "true")
  if (args.flag("folios")) query.set("folios", "folders")
  const response = await host.request(`/imports${query.size === 0 ? "" : `?${query}`}`, {
    method: "POST",
    headers: { "content-type": "application/zip" },
    body: Readable.toWeb(body) as ReadableStream<Uint8Array>,
    duplex: "half"
  })
  if (response.status !== 202) throw await answerError(response, `importing ${source}`)
  const status = await follow(host, ((await response.json()) as { import: RunStatus }).import)
  await printReport(host, status)
  return status.status === "done" ? 0 : 1
}

/** Unpacks the export's zip into `folder`: every entry must stay inside it. */
const unzipInto = (file: string, folder: string) =>
  new Promise<number>((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error !== null || zip === undefined) return reject(error ?? new Error("cannot open the export"))
      let count = 0
      zip.on("error", reject)
      zip.on("end", () => resolve(count))
      zip.on("entry", (entry: yauzl.Entry) => {
        const target = path.resolve(folder, entry.fileName)
        if (!target.startsWith(path.resolve(folder) + path.sep))
          return reject(new Error(`unsafe entry ${entry.fileName}`))
        if (entry.fileName.endsWith("/")) return zip.readEntry()
        fs.mkdirSync(path.dirname(target), { recursive: true })
        zip.openReadStream(entry, (openError, stream) => {
          if (openError !== null || stream === undefined)
            return reject(openError ?? new Error("cannot read the export"))
          pipeline(stream, fs.createWriteStream(target, { mode: 0o600 })).then(() => {
            count++
            zip.readEntry()
          }, reject)
        })
      })
      zip.readEntry()
    })
  })

export const runExport = async (argv: ReadonlyArray<string>): Promise<number> => {
  const args = parseOrHelp(argv, {
    help: exportHelp,
    values: ["workspace", "host", "format"],
    positionals: [{ name: "target", missing: "name the folder or .zip file to export to" }]
  })
  if (args === null) return 0
  const [target] = args.positionals
  const format = args.value("format") ?? "markdown"
  if (format !== "markdown" && format !== "json") throw new UsageError("--format must be markdown or json")
  const asZip = target.toLowerCase().endsWith(".zip")
  if (asZip && fs.existsSync(target)) throw new UsageError(`${target} already exists: name a new file`)
  if (!asZip && fs.existsSync(target) && fs.readdirSync(target).length > 0) {
    throw new UsageError(`${target} is not empty: name a new or empty folder`)
  }
  const host = await connect({ host: args.value("host"), workspace: args.value("workspace") })
  const response = await host.request(`/export?format=${format}`)
  if (!response.ok || response.body === null) throw await answerError(response, "exporting")
  const zipFile = asZip ? target : path.join(path.dirname(path.resolve(target)), `.${path.basename(target)}.export.zip`)
  try {
    await pipeline(
      Readable.fromWeb(response.body as import("node:stream/web").ReadableStream),
      fs.createWriteStream(zipFile, { mode: 0o600, flags: "wx" })
    )
    if (asZip) {
      process.stdout.write(`exported to ${target} (${fs.statSync(target).size} bytes)\n`)
    } else {
      fs.mkdirSync(target, { recursive: true, mode: 0o700 })
      const count = await unzipInto(zipFile, target)
      process.stdout.write(`exported ${count} files into ${target}\n`)
    }
  } finally {
    if (!asZip) fs.rmSync(zipFile, { force: true })
  }
  return 0
}
