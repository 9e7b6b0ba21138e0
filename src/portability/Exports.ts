// The whole workspace as a zip (yazl), in open formats, read through the services that own each kind of thing:
// `notes/YYYY-MM-DD.md` (each log card a `## hh:mm AM [#tag] [Folio]` heading, tasks as checkboxes: the note's text
// rendering), `folios/<name>.md` (About, timeline, commits), `memories.json`, `graph.json` (entities with aliases,
// edges with provenance), `artifacts/<id>/<filename>` (the original bytes) with `artifacts/text/<id>.txt` (the
// extracted text), `chat/<session>.json`, and `carabase-export.json` (what the archive holds). With format `json`,
// notes are `notes/YYYY-MM-DD.json` (the document itself) instead. Entries are fetched only when the zip stream
// reaches them, so an artifact's bytes are held one at a time. No secret (channel, OAuth, model or API keys) is read,
// so none can be written.
import { Readable } from "node:stream"
import { Context, Effect, Layer, Option, Runtime } from "effect"
import yazl from "yazl"
import { Artifacts, layer as artifactsLayer } from "../artifacts/Artifacts"
import type { ArtifactId } from "../artifacts/ArtifactsApi"
import { Chat, layer as chatLayer } from "../chat/Chat"
import { Folios, layer as foliosLayer } from "../folios/Folios"
import { EXTRACTOR } from "../graph/ExtractionQueue"
import { Graph, layer as graphLayer } from "../graph/Graph"
import { Memories, layer as memoriesLayer } from "../memories/Memories"
import { Notes, layer as notesLayer } from "../notes/Notes"
import { renderDocument } from "../notes/RenderText"
import type { CurrentWorkspace } from "../platform/CurrentWorkspace"
import { MANIFEST } from "./VaultLayout"

export type ExportFormat = "markdown" | "json"

export interface ExportsShape {
  /** The zip's bytes as they are made; the workspace is read as the zip stream reaches each part. */
  readonly zip: (format: ExportFormat) => Effect.Effect<ReadableStream<Uint8Array>, never, CurrentWorkspace>
}

export class Exports extends Context.Tag("carabase/Exports")<Exports, ExportsShape>() {}

/** A name safe as one path segment in any file system: no separators, control or reserved characters. */
export const safeSegment = (name: string) => {
  const clean = name
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f<>:"/\\|?*]/g, "_")
    .replace(/^\.+/, "_")
    .trim()
    .slice(0, 120)
  return clean === "" ? "untitled" : clean
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`

const folioMarkdown = (folio: {
  readonly name: string
  readonly about: string
  readonly timeline: ReadonlyArray<{ readonly date: string; readonly synopsis: string }>
  readonly commits: ReadonlyArray<{
    readonly message: string
    readonly createdAt: unknown
    readonly artifactIds: ReadonlyArray<string>
  }>
}) => {
  const lines = [`# ${folio.name}`, "", folio.about, "", "## Timeline", ""]
  for (const entry of folio.timeline) lines.push(`### ${entry.date}`, entry.synopsis, "")
  if (folio.commits.length > 0) {
    lines.push("## Commits", "")
    for (const commit of folio.commits) {
      const artifacts = commit.artifactIds.length === 0 ? "" : ` (artifacts: ${commit.artifactIds.join(", ")})`
      lines.push(`- ${String(commit.createdAt)}: ${commit.message}${artifacts}`)
    }
  }
  return `${lines.join("\n").trimEnd()}\n`
}

export const layer = Layer.effect(
  Exports,
  Effect.gen(function* () {
    const notes = yield* Notes
    const folios = yield* Folios
    const memories = yield* Memories
    const graph = yield* Graph
    const artifacts = yield* Artifacts
    const chat = yield* Chat

    const zip = Effect.fn("Exports.zip")(function* (format: ExportFormat) {
      const runtime = yield* Effect.runtime<CurrentWorkspace>()
      const run = Runtime.runPromise(runtime)
      const file = new yazl.ZipFile()
      /** An entry whose content is read only when the zip stream reaches it. */
      const lazy = (name: string, content: Effect.Effect<string | Uint8Array, unknown, CurrentWorkspace>) =>
        file.addReadStreamLazy(name, { mtime: new Date(), mode: 0o100644 }, (callback) => {
          run(content).then(
            (data) =>
              callback(null, Readable.from([typeof data === "string" ? Buffer.from(data, "utf8") : Buffer.from(data)])),
            (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), Readable.from([]))
          )
        })

      const noteList = yield* notes.inRange({})
      const folioList = yield* folios.list()
      const sessionList = yield* chat.sessions
      const artifactIds: Array<{ id: ArtifactId; filename: string }> = []
      let position = Option.none<{ readonly createdAt: string; readonly id: string }>()
      for (;;) {
        const page = yield* artifacts.list({ limit: 200, after: position })
        for (const artifact of page.artifacts) artifactIds.push({ id: artifact.id, filename: artifact.filename })
        if (Option.isNone(page.next)) break
        position = page.next
      }

      file.addBuffer(
        Buffer.from(
          json({
            format: "carabase-export",
            version: 1,
            exportedAt: new Date().toISOString(),
            notes: format,
            counts: {
              notes: noteList.length,
              folios: folioList.length,
              artifacts: artifactIds.length,
              chatSessions: sessionList.length
            }
          })
        ),
        MANIFEST
      )
      for (const note of [...noteList].reverse()) {
        if (format === "json")
          file.addBuffer(
            Buffer.from(json({ date: note.date, documentState: note.document })),
            `notes/${note.date}.json`
          )
        else if (note.document.length > 0)
          file.addBuffer(Buffer.from(`${renderDocument(note.document)}\n`), `notes/${note.date}.md`)
      }
      for (const folio of folioList) {
        lazy(`folios/${safeSegment(folio.name)}.md`, Effect.map(folios.get(folio.id), folioMarkdown))
      }
      lazy(
        "memories.json",
        Effect.map(memories.list({ limit: 10_000_000 }), (list) =>
          json(list.map((memory) => ({ id: memory.id, content: memory.content, createdAt: memory.createdAt })))
        )
      )
      lazy(
        "graph.json",
        Effect.map(Effect.all([graph.listEntities({ limit: 10_000_000 }), graph.listEdges]), ([entities, edges]) => {
          // What entity extraction derived from the notes stays out: the importing host derives it again from them
          // (an extracted entity that an edge of the owner's or a sync's still needs is kept).
          const kept = edges.filter((edge) => edge.provenance.extractor !== EXTRACTOR)
          const linked = new Set(kept.flatMap((edge) => [edge.sourceId, edge.targetId]))
          return json({
            entities: entities.filter((entity) => entity.metadata.source !== EXTRACTOR || linked.has(entity.id)),
            edges: kept
          })
        })
      )
      for (const artifact of artifactIds) {
        lazy(
          `artifacts/${artifact.id}/${safeSegment(artifact.filename)}`,
          Effect.map(artifacts.file(artifact.id), (f) => f.bytes)
        )
        lazy(
          `artifacts/text/${artifact.id}.txt`,
          Effect.map(artifacts.content(artifact.id, Number.MAX_SAFE_INTEGER / 8), (text) => text.content)
        )
      }
      for (const session of sessionList) {
        lazy(`chat/${session.id}.json`, Effect.map(chat.session(session.id), json))
      }
      file.end()
      return Readable.toWeb(file.outputStream as Readable) as ReadableStream<Uint8Array>
    })

    return { zip } satisfies ExportsShape
  })
).pipe(Layer.provide([notesLayer, foliosLayer, memoriesLayer, graphLayer, artifactsLayer, chatLayer]))
