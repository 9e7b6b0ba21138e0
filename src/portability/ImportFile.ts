// One vault file into the workspace, through the services that own each kind of thing: a daily note's cards through
// Notes' locked edit (the cards this file made last time are replaced, nothing else in the note is touched), a page
// as a text artifact (Artifacts.storeHarvested, updated in place on a change) with an entity carrying its aliases and
// tags and `mentions` edges to what it links (source_kind extracted, provenance: file and line), an attachment as an
// artifact with its bytes, and an export's folios, memories and graph. A file's content is written in its own
// transaction; its place in the graph (a LinkPlan: the entity it is about and the pages it links) is written with
// those of the files imported beside it, in bulk, together with the record of their paths and content hashes.
import { createHash } from "node:crypto"
import { Effect, Option, Schema } from "effect"
import { Artifacts, type HarvestedDocument } from "../artifacts/Artifacts"
import { ArtifactId } from "../artifacts/ArtifactsApi"
import { Folios } from "../folios/Folios"
import { Graph, type EnsureEntry } from "../graph/Graph"
import type { EntityType } from "../graph/GraphApi"
import { Memories } from "../memories/Memories"
import { sameFact } from "../memories/SameFact"
import type { Node } from "../notes/Document"
import { makeLogCard, normalizeTags } from "../notes/LogCard"
import { markdownToBlocks } from "../notes/Markdown"
import type { NoteDate } from "../notes/NoteDate"
import { Notes, type DayChange } from "../notes/Notes"
import type { CurrentWorkspace } from "../platform/CurrentWorkspace"
import { dailyCards } from "./DailyFile"
import { notionLinks, logseqToMarkdown } from "./Outlines"
import { pageTitle, type PlannedFile, type VaultFormat } from "./VaultLayout"
import { extensionOf, fieldList, inlineTags, parseFrontmatter, wikiLinks, type WikiLink } from "./VaultText"

export interface ImportContext {
  readonly format: VaultFormat
  readonly folios: boolean
  /** Attachments imported so far (this run or an earlier one), by file name, for pages that embed them. */
  readonly attachments: Map<string, ArtifactId>
}

/** What a file became: the kind and the id or date to find it by next time. */
export interface Made {
  readonly kind: string
  readonly target: string
}

/** The entity a file is about (a page, a day), with the facts and aliases the file gives it (added to what it has). */
export interface Subject {
  readonly name: string
  readonly type: EntityType
  readonly facts: Record<string, unknown>
  readonly aliases: ReadonlyArray<string>
}

/**
 * A file's place in the graph: its subject, the pages it links (a `mentions` edge each, from the subject, with the
 * line as provenance), and what else it writes once those exist (a folio commit; an export's folios and graph).
 */
export interface LinkPlan {
  readonly subject: Subject | undefined
  readonly links: ReadonlyArray<{ readonly name: string; readonly line: number }>
  readonly after: Effect.Effect<void, never, Services>
}

/**
 * A file's import in two steps: its content, written by `content` (files in parallel, each in its own transaction),
 * and its place in the graph, `links`, written in bulk with the other files of its batch (Imports).
 */
export interface FileImport {
  readonly content: Effect.Effect<Made, never, Services>
  readonly links: (made: Made) => LinkPlan
  /**
   * The same content as one item of a bulk write, for the kinds whose owners take many at once (Notes.editDays,
   * Artifacts.storeHarvestedTexts): Imports writes a batch's items together and falls back to `content` file by file.
   */
  readonly bulk?: BulkContent | undefined
}

/** A file's content as a bulk write takes it: a day's change, or a page's text artifact. */
export type BulkContent =
  | { readonly _tag: "Day"; readonly day: DayChange }
  | { readonly _tag: "Page"; readonly document: Omit<HarvestedDocument, "file"> }

const noLinks = (): LinkPlan => ({ subject: undefined, links: [], after: Effect.void })

export class NotText extends Error {}

type Services = Notes | Artifacts | Graph | Folios | Memories | CurrentWorkspace

export const contentHash = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex")

const decoder = new TextDecoder("utf-8", { fatal: true })

/** The file as UTF-8 text; anything else is refused (listed as skipped, with this reason). */
export const utf8 = (bytes: Uint8Array): string => {
  try {
    return decoder.decode(bytes).replace(/^\uFEFF/, "")
  } catch {
    throw new NotText("not UTF-8 text: re-save it as UTF-8 and import again")
  }
}

/** An artifact id this import recorded as a file's target (text in its own table), read back as one. */
export const artifactIdOf = Schema.decodeUnknownOption(ArtifactId)

const baseName = (path: string) => path.split("/").pop() ?? path

/** The prefix of the idempotency keys of the cards a file made: short, and the same for the same path. */
export const cardKeyPrefix = (path: string) => `import:${createHash("sha256").update(path).digest("hex").slice(0, 16)}:`

export const IMPORT_SOURCE = "import"

interface TextFacts {
  readonly body: string
  readonly lineOffset: number
  readonly tags: ReadonlyArray<string>
  readonly aliases: ReadonlyArray<string>
  readonly links: ReadonlyArray<WikiLink>
}

/** Frontmatter or Logseq properties, tags, aliases and links of a Markdown file. */
const factsOf = (text: string, format: VaultFormat): TextFacts => {
  if (format === "logseq") {
    const page = logseqToMarkdown(text)
    return {
      body: page.markdown,
      lineOffset: 0,
      tags: [...fieldList(page.properties, "tags"), ...inlineTags(text)],
      aliases: fieldList(page.properties, "alias", "aliases"),
      links: wikiLinks(text)
    }
  }
  const front = parseFrontmatter(text)
  const links = [
    ...wikiLinks(front.body, front.lineOffset),
    ...(format === "notion"
      ? notionLinks(front.body).map((link) => ({ ...link, line: link.line + front.lineOffset, embed: false }))
      : [])
  ]
  return {
    body: front.body,
    lineOffset: front.lineOffset,
    tags: [...new Set([...fieldList(front.fields, "tags", "tag"), ...inlineTags(front.body)])],
    aliases: fieldList(front.fields, "aliases", "alias"),
    links
  }
}

const ATTACHMENT = /\.(?!md$|markdown$)[A-Za-z0-9]{1,8}$/

/** An alias or a name longer than this is left out (the graph's limit). */
const MAX_NAME = 500

/** The pages `links` name (embedded files left out), once each, not `subject` itself. */
const linkTargets = (subject: string, links: ReadonlyArray<WikiLink>) => {
  const seen = new Set<string>([subject.toLowerCase()])
  const targets: Array<{ name: string; line: number }> = []
  for (const link of links) {
    if (link.embed && ATTACHMENT.test(link.target)) continue
    const name = baseName(link.target).replace(/\.(md|markdown)$/i, "")
    if (name === "" || name.length > MAX_NAME || seen.has(name.toLowerCase())) continue
    seen.add(name.toLowerCase())
    targets.push({ name, line: link.line })
  }
  return targets
}

const subject = (
  name: string,
  type: EntityType,
  facts: Record<string, unknown>,
  aliases: ReadonlyArray<string>
): Subject => ({
  name,
  type,
  facts,
  aliases: aliases.filter((alias) => alias.length <= MAX_NAME).slice(0, 100)
})

const ensureFolio = (name: string) =>
  Effect.gen(function* () {
    const folios = yield* Folios
    const found = (yield* folios.list(name)).find((folio) => folio.name.toLowerCase() === name.toLowerCase())
    if (found !== undefined) return found.id
    return (yield* folios.create({ name }).pipe(Effect.orDie)).id
  })

/** A day's change as a file import: the note edited (made when missing) through Notes, or in bulk. */
const dayImport = (day: DayChange, links: FileImport["links"]): FileImport => ({
  content: Effect.gen(function* () {
    const notes = yield* Notes
    yield* notes
      .edit(day.date, { create: true }, (note) =>
        Effect.succeed({ document: day.change(note.document), result: undefined })
      )
      .pipe(Effect.orDie)
    return { kind: "daily note", target: day.date }
  }),
  links,
  bulk: { _tag: "Day", day }
})

const importDaily = (file: PlannedFile, date: string, text: string, context: ImportContext): FileImport => {
  const facts = factsOf(text, context.format)
  const prefix = cardKeyPrefix(file.path)
  const isMine = (node: Node) => {
    const key = node.attrs?.idempotencyKey
    return typeof key === "string" && key.startsWith(prefix)
  }
  // The cards, made once however often the change is applied (a bulk write tries it on a new note first).
  let made: Array<Node> | undefined
  const cardsOf = () => {
    if (made !== undefined) return made
    const cards = dailyCards(facts.body, {
      fileTags: context.format === "carabase" ? [] : facts.tags.filter((tag) => !inlineTags(facts.body).includes(tag)),
      exported: context.format === "carabase"
    })
    made = cards.map((card, i) =>
      makeLogCard({
        timestamp: card.timestamp,
        content: markdownToBlocks(card.markdown),
        tags: normalizeTags(card.tags),
        folios: card.folios,
        idempotencyKey: `${prefix}${i}`
      })
    )
    return made
  }
  const change = (document: ReadonlyArray<Node>) => [...document.filter((node) => !isMine(node)), ...cardsOf()]
  const links = (): LinkPlan => {
    const targets = linkTargets(date, facts.links)
    return {
      subject: targets.length === 0 ? undefined : subject(date, "event", { dailyNote: date }, []),
      links: targets,
      after: Effect.void
    }
  }
  return dayImport({ date: date as NoteDate, change }, links)
}

/**
 * A note of an export made with `--format json` (`{ date, documentState }`): its entries as they were. Each logCard
 * keeps its idempotency key or is given one of this file's, so a changed file replaces what it put there before and
 * leaves entries written since alone.
 */
const importDailyJson = (file: PlannedFile, date: string, text: string): FileImport => {
  const parsed = JSON.parse(text) as { documentState?: unknown }
  if (!Array.isArray(parsed.documentState)) {
    throw new NotText("a JSON note must hold `documentState`, the note's entries, as an export writes it")
  }
  const prefix = cardKeyPrefix(file.path)
  const nodes = (parsed.documentState as Array<Node>).map((node, i): Node => {
    if (typeof node !== "object" || node === null || typeof node.type !== "string") {
      throw new NotText(`entry ${i} of the note is not a document node`)
    }
    if (node.type !== "logCard" || typeof node.attrs?.idempotencyKey === "string") return node
    return { ...node, attrs: { ...node.attrs, idempotencyKey: `${prefix}${i}` } }
  })
  const keys = new Set(
    nodes.flatMap((node) => (typeof node.attrs?.idempotencyKey === "string" ? [node.attrs.idempotencyKey] : []))
  )
  const isMine = (node: Node) => {
    const key = node.attrs?.idempotencyKey
    return typeof key === "string" && (key.startsWith(prefix) || keys.has(key))
  }
  return dayImport(
    { date: date as NoteDate, change: (document) => [...document.filter((node) => !isMine(node)), ...nodes] },
    noLinks
  )
}

const importPage = (file: PlannedFile, text: string, context: ImportContext): FileImport => {
  const facts = factsOf(text, context.format)
  const title = pageTitle(file.path, context.format)
  const tags = normalizeTags(facts.tags)
  const document = {
    source: IMPORT_SOURCE,
    externalId: file.path,
    connectionId: null,
    title: baseName(file.path),
    text,
    metadata: { path: file.path, format: context.format, tags, aliases: facts.aliases }
  }
  const content = Effect.gen(function* () {
    const artifacts = yield* Artifacts
    const stored = yield* artifacts.storeHarvested(document)
    return { kind: "page", target: stored.id }
  })
  const links = (made: Made): LinkPlan => {
    const attachments = facts.links
      .filter((link) => link.embed)
      .flatMap((link) => context.attachments.get(baseName(link.target)) ?? [])
    const folder = file.path.includes("/") ? file.path.slice(0, file.path.lastIndexOf("/")) : ""
    return {
      subject: subject(
        title,
        "concept",
        { path: file.path, artifactId: made.target, tags, ...(attachments.length === 0 ? {} : { attachments }) },
        facts.aliases
      ),
      links: linkTargets(title, facts.links),
      after:
        context.folios && folder !== ""
          ? Effect.gen(function* () {
              const folios = yield* Folios
              const folioId = yield* ensureFolio(folder.slice(0, 200))
              yield* folios
                .commit(folioId, {
                  message: `Imported ${file.path}`,
                  artifactIds: Option.toArray(artifactIdOf(made.target))
                })
                .pipe(Effect.orDie)
            })
          : Effect.void
    }
  }
  return { content, links, bulk: { _tag: "Page", document } }
}

const importAttachment = (
  file: PlannedFile,
  bytes: Uint8Array,
  previous: string | undefined,
  context: ImportContext
): Effect.Effect<Made, never, Services> =>
  Effect.gen(function* () {
    const artifacts = yield* Artifacts
    const replaced = previous === undefined ? Option.none() : artifactIdOf(previous)
    if (Option.isSome(replaced)) yield* Effect.ignore(artifacts.remove(replaced.value, "import"))
    const artifact = yield* artifacts.store({ filename: baseName(file.path), declaredType: "", bytes })
    context.attachments.set(baseName(file.path), artifact.id)
    return { kind: "attachment", target: artifact.id }
  })

/** An export's folio file: `# Name`, its About, then `## Timeline` with a `### YYYY-MM-DD` heading per synopsis. */
const importFolio = (text: string) =>
  Effect.gen(function* () {
    const folios = yield* Folios
    const lines = text.split(/\r\n|\r|\n/)
    const name = (/^#\s+(.*)$/.exec(lines[0] ?? "")?.[1] ?? "").trim()
    if (name === "") return yield* Effect.die(new NotText("a folio file must start with `# <name>`"))
    const timelineAt = lines.findIndex((line) => line.trim() === "## Timeline")
    const about = lines
      .slice(1, timelineAt < 0 ? undefined : timelineAt)
      .join("\n")
      .trim()
    const id = yield* ensureFolio(name)
    const detail = yield* folios.get(id).pipe(Effect.orDie)
    if (detail.about !== about) yield* folios.update(id, { about }).pipe(Effect.orDie)
    if (timelineAt >= 0) {
      let date: string | undefined
      let body: Array<string> = []
      const flush = () =>
        date === undefined ? Effect.void : Effect.asVoid(folios.addSynopsis(id, date, body.join("\n").trim()))
      for (const line of lines.slice(timelineAt + 1)) {
        const heading = /^###\s+(\d{4}-\d{2}-\d{2})\s*$/.exec(line)
        if (heading === null) {
          body.push(line)
          continue
        }
        yield* flush()
        date = heading[1]!
        body = []
      }
      yield* flush()
    }
    return { kind: "folio", target: id }
  })

const importMemories = (text: string) =>
  Effect.gen(function* () {
    const memories = yield* Memories
    const parsed: unknown = JSON.parse(text)
    const items = Array.isArray(parsed) ? parsed : []
    const contents = items
      .map((item: unknown) =>
        typeof item === "object" && item !== null ? (item as { content?: unknown }).content : item
      )
      .filter((content): content is string => typeof content === "string" && content.trim() !== "")
    const known = yield* memories.remembered(contents.map(sameFact))
    for (const content of contents) {
      if (known.has(sameFact(content))) continue
      yield* memories.create({ content, source: IMPORT_SOURCE })
    }
    return { kind: "memories", target: `${contents.length}` }
  })

const GRAPH_TYPES = new Set(["person", "project", "concept", "organization", "tool", "topic", "event"])

const importGraph = (text: string) =>
  Effect.gen(function* () {
    const graph = yield* Graph
    const parsed = JSON.parse(text) as { entities?: unknown; edges?: unknown }
    // Exported ids by the key the graph matches names by; one entry per key (a later duplicate adds its facts).
    const entries = new Map<string, EnsureEntry>()
    const keyOf = new Map<string, string>()
    for (const raw of Array.isArray(parsed.entities) ? parsed.entities : []) {
      const entity = raw as { id?: unknown; name?: unknown; type?: unknown; aliases?: unknown; metadata?: unknown }
      if (typeof entity.name !== "string" || typeof entity.id !== "string") continue
      if (entity.name.trim() === "" || entity.name.length > MAX_NAME) continue
      const type = (
        typeof entity.type === "string" && GRAPH_TYPES.has(entity.type) ? entity.type : "concept"
      ) as EntityType
      const aliases = Array.isArray(entity.aliases)
        ? entity.aliases.filter((a): a is string => typeof a === "string" && a.length <= MAX_NAME)
        : []
      const metadata =
        typeof entity.metadata === "object" && entity.metadata !== null && !Array.isArray(entity.metadata)
          ? (entity.metadata as Record<string, unknown>)
          : {}
      const key = `${type}:${entity.name.toLowerCase()}`
      const before = entries.get(key)
      entries.set(key, {
        name: before?.name ?? entity.name,
        type,
        metadata: { source: IMPORT_SOURCE, ...before?.metadata, ...metadata },
        aliases: [...(before?.aliases ?? []), ...aliases].slice(0, 100),
        merge: true
      })
      keyOf.set(entity.id, key)
    }
    const keys = [...entries.keys()]
    const made = yield* graph.ensureEntities([...entries.values()])
    const idOfKey = new Map(keys.map((key, i) => [key, made[i]!.id]))
    const ids = new Map([...keyOf].map(([exported, key]) => [exported, idOfKey.get(key)!]))
    for (const raw of Array.isArray(parsed.edges) ? parsed.edges : []) {
      const edge = raw as {
        sourceId?: unknown
        targetId?: unknown
        type?: unknown
        sourceKind?: unknown
        confidence?: unknown
        provenance?: unknown
      }
      const sourceId = ids.get(String(edge.sourceId))
      const targetId = ids.get(String(edge.targetId))
      if (sourceId === undefined || targetId === undefined || typeof edge.type !== "string") continue
      const provenance =
        typeof edge.provenance === "object" && edge.provenance !== null
          ? (edge.provenance as Record<string, unknown>)
          : {}
      const made = yield* graph.ensureEdge({ sourceId, targetId, type: edge.type, provenance })
      if (made.created) {
        yield* graph
          .updateEdge(made.id, {
            ...(edge.sourceKind === "inferred" || edge.sourceKind === "ambiguous"
              ? { sourceKind: edge.sourceKind }
              : {}),
            ...(typeof edge.confidence === "number" && edge.confidence >= 0 && edge.confidence <= 1
              ? { confidence: edge.confidence }
              : {})
          })
          .pipe(Effect.orDie)
      }
    }
    return { kind: "graph", target: `${ids.size}` }
  })

/** Writes what the file holds; `previous` is what it made last time, when it changed since. */
export const importFile = (
  file: PlannedFile,
  bytes: Uint8Array,
  previous: string | undefined,
  context: ImportContext
): FileImport => {
  switch (file.role.kind) {
    case "attachment":
      return { content: importAttachment(file, bytes, previous, context), links: noLinks }
    case "daily":
      return extensionOf(file.path) === "json"
        ? importDailyJson(file, file.role.date, utf8(bytes))
        : importDaily(file, file.role.date, utf8(bytes), context)
    case "page":
      return importPage(file, utf8(bytes), context)
    case "folio": {
      const text = utf8(bytes)
      return {
        content: Effect.succeed({ kind: "folio", target: "" }),
        links: () => ({ ...noLinks(), after: Effect.asVoid(importFolio(text)) })
      }
    }
    case "memories":
      return { content: importMemories(utf8(bytes)), links: noLinks }
    case "graph": {
      const text = utf8(bytes)
      return {
        content: Effect.succeed({ kind: "graph", target: "" }),
        links: () => ({ ...noLinks(), after: Effect.asVoid(importGraph(text)) })
      }
    }
    case "ignored":
      throw new Error("an ignored file is never imported")
  }
}

/** What a file would become, without writing (a dry run); throws NotText like the import would. */
export const kindOf = (file: PlannedFile, bytes: Uint8Array): string => {
  if (file.role.kind !== "attachment") utf8(bytes)
  if (file.role.kind === "memories" || file.role.kind === "graph" || extensionOf(file.path) === "json")
    JSON.parse(utf8(bytes))
  return file.role.kind === "daily" ? "daily note" : file.role.kind
}
