// The whole workspace as a zip (yazl), in open formats, read through the services that own each kind of thing:
// `notes/YYYY-MM-DD.md` (each log card a `## hh:mm AM [#tag] [Folio]` heading, tasks as checkboxes: the note's text
// rendering), `folios/<name>.md` (About, timeline, commits), `memories.json`, `graph.json` (entities with aliases,
// edges with provenance), `artifacts/<id>/<filename>` (the original bytes) with `artifacts/text/<id>.txt` (the
// extracted text), `chat/<session>.json`, and `carabase-export.json` (what the archive holds, written last with the
// counts). With format `json`, notes are `notes/YYYY-MM-DD.json` (the document itself) instead. No secret (channel,
// OAuth, model or API keys) is read, so none can be written.
//
// It streams with flat memory: every kind is read a page at a time (keyset pagination), each file written into the
// zip as it is read, and the zip (ZipWriter) takes a file only when its reader has taken what came before, so a slow
// client holds the export back instead of making the host buffer it; `memories.json` and `graph.json` are written
// item by item in the same JSON as before. All of it is read in one REPEATABLE READ READ ONLY transaction
// (RlsScope.snapshot): one consistent snapshot, whatever is written during the export. A reader that goes away ends
// the reading, and with it the transaction and its connection.
import { NodeStream } from "@effect/platform-node"
import { Cause, Context, Effect, Layer, Option, Stream } from "effect"
import { Artifacts, layer as artifactsLayer } from "../artifacts/Artifacts"
import type { ArtifactPosition, ArtifactSummary } from "../artifacts/ArtifactsApi"
import { Chat, layer as chatLayer } from "../chat/Chat"
import { Folios, layer as foliosLayer } from "../folios/Folios"
import { Graph, layer as graphLayer } from "../graph/Graph"
import { Memories, layer as memoriesLayer } from "../memories/Memories"
import { Notes, layer as notesLayer } from "../notes/Notes"
import { renderDocument } from "../notes/RenderText"
import { CurrentWorkspace } from "../platform/CurrentWorkspace"
import { RlsScope } from "../platform/RlsScope"
import { makeZipWriter, type ZipWriter } from "../platform/ZipWriter"
import type { PagePosition } from "../schema/PageCursor"
import { MANIFEST } from "./VaultLayout"

export type ExportFormat = "markdown" | "json"

/** The export broke off (the database or a file failed); the reader has an incomplete archive. */
export class ExportFailed extends Error {}

export interface ExportsShape {
  /**
   * The zip's bytes as its reader takes them; the workspace (the one in context) is read from one snapshot while the
   * stream runs, and no further than the reader has come.
   */
  readonly zip: (
    format: ExportFormat
  ) => Effect.Effect<Stream.Stream<Uint8Array, ExportFailed>, never, CurrentWorkspace>
}

export class Exports extends Context.Tag("carabase/Exports")<Exports, ExportsShape>() {}

/** Rows read per query: a page of notes, folios, memories, entities, edges, artifacts or chat sessions. */
export const EXPORT_PAGE = 200

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

/** One page of a keyset-paged reader: its items, and where the next page starts (null after the last). */
type Page<A, C> = readonly [ReadonlyArray<A>, C | null]

/** A reader of `EXPORT_PAGE` items after a key, as pages that continue after their last item's key. */
const afterLast =
  <A, K>(
    read: (after: K | null, limit: number) => Effect.Effect<ReadonlyArray<A>, never, CurrentWorkspace>,
    key: (a: A) => K
  ) =>
  (after: K | null): Effect.Effect<Page<A, K>, never, CurrentWorkspace> =>
    Effect.map(read(after, EXPORT_PAGE), (items) => [
      items,
      items.length === EXPORT_PAGE ? key(items[items.length - 1]!) : null
    ])

/** Runs `each` on every item, a page at a time; answers how many there were. */
const everyItem = <A, C, E>(
  page: (after: C | null) => Effect.Effect<Page<A, C>, never, CurrentWorkspace>,
  each: (item: A) => Effect.Effect<void, E, CurrentWorkspace>
): Effect.Effect<number, E, CurrentWorkspace> =>
  Effect.gen(function* () {
    let count = 0
    let after: C | null = null
    for (;;) {
      const [items, next]: Page<A, C> = yield* page(after)
      for (const item of items) yield* each(item)
      count += items.length
      if (next === null) return count
      after = next
    }
  })

/**
 * Every item as one JSON array, `JSON.stringify(items, null, 2)` byte for byte, indented to sit `depth` levels deep
 * in an enclosing document; written item by item.
 */
const jsonArray = <A, C>(
  write: (piece: string) => Effect.Effect<void>,
  page: (after: C | null) => Effect.Effect<Page<A, C>, never, CurrentWorkspace>,
  depth: number
) => {
  const indent = "  ".repeat(depth)
  let first = true
  return Effect.zipLeft(
    everyItem(page, (item) => {
      const text = JSON.stringify(item, null, 2).replace(/\n/g, `\n${indent}  `)
      const lead = first ? "[\n" : ",\n"
      first = false
      return write(`${lead}${indent}  ${text}`)
    }),
    Effect.suspend(() => write(first ? "[]" : `\n${indent}]`))
  )
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
    const rls = yield* RlsScope

    const notePages = afterLast(notes.pageAfter, (note) => note.date)
    const folioPages = afterLast(folios.pageAfter, (folio) => folio.id)
    const sessionPages = afterLast(chat.sessionIdsAfter, (id) => id)
    const entityPages = afterLast(graph.portableEntities, (entity) => entity.id)
    const edgePages = afterLast(graph.portableEdges, (edge) => edge.id)
    const memoryPages = (after: PagePosition | null) =>
      Effect.map(
        memories.page({ limit: EXPORT_PAGE, after }),
        ({ memories, next }): Page<{ id: string; content: string; createdAt: unknown }, PagePosition> => [
          memories.map((memory) => ({ id: memory.id, content: memory.content, createdAt: memory.createdAt })),
          next
        ]
      )
    const artifactPages = (after: ArtifactPosition | null) =>
      Effect.map(
        artifacts.list({ limit: EXPORT_PAGE, after: Option.fromNullable(after) }),
        (page): Page<ArtifactSummary, ArtifactPosition> => [page.artifacts, Option.getOrNull(page.next)]
      )

    /** Writes the whole workspace into `zip`, reading as the zip takes it; ends with the manifest. */
    const write = (zip: ZipWriter, format: ExportFormat) =>
      Effect.gen(function* () {
        const exportedAt = new Date().toISOString()
        const noteCount = yield* everyItem(notePages, (note) =>
          format === "json"
            ? zip.add(`notes/${note.date}.json`, json({ date: note.date, documentState: note.document }))
            : note.document.length > 0
              ? zip.add(`notes/${note.date}.md`, `${renderDocument(note.document)}\n`)
              : Effect.void
        )
        const folioCount = yield* everyItem(folioPages, (folio) =>
          Effect.flatMap(Effect.orDie(folios.get(folio.id)), (detail) =>
            zip.add(`folios/${safeSegment(folio.name)}.md`, folioMarkdown(detail))
          )
        )
        let memoryCount = 0
        yield* zip.addWritten("memories.json", (piece) =>
          jsonArray(piece, memoryPages, 0).pipe(
            Effect.tap((count) => (memoryCount = count)),
            Effect.zipRight(piece("\n"))
          )
        )
        const graphCounts = { entities: 0, edges: 0 }
        yield* zip.addWritten("graph.json", (piece) =>
          Effect.gen(function* () {
            yield* piece('{\n  "entities": ')
            graphCounts.entities = yield* jsonArray(piece, entityPages, 1)
            yield* piece(',\n  "edges": ')
            graphCounts.edges = yield* jsonArray(piece, edgePages, 1)
            yield* piece("\n}\n")
          })
        )
        const artifactCount = yield* everyItem(artifactPages, (artifact) =>
          Effect.gen(function* () {
            const file = yield* Effect.orDie(artifacts.file(artifact.id))
            yield* zip.add(`artifacts/${artifact.id}/${safeSegment(artifact.filename)}`, file.bytes)
            const text = yield* Effect.orDie(artifacts.content(artifact.id, Number.MAX_SAFE_INTEGER / 8))
            yield* zip.add(`artifacts/text/${artifact.id}.txt`, text.content)
          })
        )
        const sessionCount = yield* everyItem(sessionPages, (id) =>
          Effect.flatMap(Effect.orDie(chat.session(id)), (session) => zip.add(`chat/${id}.json`, json(session)))
        )
        yield* zip.add(
          MANIFEST,
          json({
            format: "carabase-export",
            version: 1,
            exportedAt,
            notes: format,
            counts: {
              notes: noteCount,
              folios: folioCount,
              memories: memoryCount,
              entities: graphCounts.entities,
              edges: graphCounts.edges,
              artifacts: artifactCount,
              chatSessions: sessionCount
            }
          })
        )
      })

    const zip = (format: ExportFormat) =>
      Effect.map(CurrentWorkspace, (workspace) =>
        Stream.unwrapScoped(
          Effect.gen(function* () {
            const zip = makeZipWriter()
            // Reading runs beside the stream and ends with it: a reader that hangs up interrupts it, which rolls the
            // snapshot transaction back and frees its connection.
            yield* rls.snapshot(write(zip, format)).pipe(
              Effect.matchCauseEffect({
                onSuccess: () => zip.end,
                onFailure: (cause) =>
                  Cause.isInterruptedOnly(cause)
                    ? Effect.void
                    : Effect.zipRight(
                        Effect.logError("export broke off", cause),
                        Effect.sync(() => zip.fail(new ExportFailed("the export broke off")))
                      )
              }),
              Effect.provideService(CurrentWorkspace, workspace),
              Effect.forkScoped
            )
            return NodeStream.fromReadable<ExportFailed, Uint8Array>(
              () => zip.output,
              (cause) => (cause instanceof ExportFailed ? cause : new ExportFailed("the export broke off"))
            )
          })
        )
      )

    return { zip } satisfies ExportsShape
  })
).pipe(Layer.provide([notesLayer, foliosLayer, memoriesLayer, graphLayer, artifactsLayer, chatLayer]))
