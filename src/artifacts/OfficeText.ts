// Text of the zip-and-XML document formats: Word (.docx), PowerPoint (.pptx), Excel (.xlsx), OpenDocument (.odt, .ods,
// .odp) and EPUB. The archive is read through platform/Zip, which refuses a zip bomb from its directory before
// inflating anything and holds each entry to the size it declared; the XML is walked for its text runs only.
import { Effect } from "effect"
import { openZip, type OpenZip, type ZipLimits } from "../platform/Zip"
import { decodeEntities, htmlToText, tidy } from "./Markup"

export type OfficeFormat = "docx" | "pptx" | "xlsx" | "opendocument" | "epub"

export class OfficeUnreadable extends Error {}

const xmlText = (xml: string) => tidy(decodeEntities(xml.replace(/<[^>]*>/g, "")))

const byNumber = (pattern: RegExp) => (a: string, b: string) =>
  Number(pattern.exec(a)?.[1] ?? 0) - Number(pattern.exec(b)?.[1] ?? 0)

const readText = (zip: OpenZip, path: string) =>
  Effect.gen(function* () {
    const entry = zip.entries.find((candidate) => candidate.path === path)
    if (entry === undefined) return undefined
    const bytes = yield* zip.read(entry)
    return new TextDecoder("utf-8").decode(bytes)
  })

const required = (zip: OpenZip, path: string, format: string) =>
  Effect.flatMap(readText(zip, path), (text) =>
    text === undefined
      ? Effect.fail(new OfficeUnreadable(`it has no ${path}, so it is not a ${format} file`))
      : Effect.succeed(text)
  )

const docx = (zip: OpenZip) =>
  Effect.map(required(zip, "word/document.xml", "Word"), (xml) =>
    xmlText(
      xml
        .replace(/<w:(instrText|delText)\b[^>]*>[\s\S]*?<\/w:\1>/g, "")
        .replace(/<w:tab\/>/g, "\t")
        .replace(/<w:(br|cr)\b[^>]*\/>/g, "\n")
        .replace(/<\/w:p>/g, "\n")
    )
  )

const SLIDE = /^ppt\/slides\/slide(\d+)\.xml$/

const pptx = (zip: OpenZip) =>
  Effect.gen(function* () {
    const slides = zip.entries.map((entry) => entry.path).filter((path) => SLIDE.test(path))
    if (slides.length === 0)
      return yield* Effect.fail(new OfficeUnreadable("it has no slides, so it is not a PowerPoint file"))
    const texts: Array<string> = []
    for (const path of slides.sort(byNumber(SLIDE))) {
      const xml = (yield* readText(zip, path)) ?? ""
      const text = xmlText(xml.replace(/<a:br\b[^>]*\/>/g, "\n").replace(/<\/a:p>/g, "\n"))
      if (text !== "") texts.push(`Slide ${SLIDE.exec(path)![1]}\n${text}`)
    }
    return texts.join("\n\n")
  })

const attribute = (tag: string, name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1]

/** The text of each shared string (`<si>`), rich-text runs joined, phonetic guides left out. */
const sharedStrings = (xml: string) =>
  [...xml.matchAll(/<si>([\s\S]*?)<\/si>/g)].map((match) =>
    decodeEntities(
      [...match[1]!.replace(/<rPh\b[\s\S]*?<\/rPh>/g, "").matchAll(/<t\b[^>]*>([\s\S]*?)<\/t>/g)]
        .map((run) => run[1])
        .join("")
    )
  )

const cellValue = (cell: string, strings: ReadonlyArray<string>) => {
  const open = /^<c\b[^>]*>/.exec(cell)?.[0] ?? ""
  const type = attribute(open, "t")
  if (type === "inlineStr") {
    return decodeEntities([...cell.matchAll(/<t\b[^>]*>([\s\S]*?)<\/t>/g)].map((run) => run[1]).join(""))
  }
  const value = /<v>([\s\S]*?)<\/v>/.exec(cell)?.[1]
  if (value === undefined) return ""
  if (type === "s") return strings[Number(value)] ?? ""
  if (type === "b") return value === "1" ? "TRUE" : "FALSE"
  return decodeEntities(value)
}

const xlsx = (zip: OpenZip) =>
  Effect.gen(function* () {
    const workbook = yield* required(zip, "xl/workbook.xml", "Excel")
    const rels = (yield* readText(zip, "xl/_rels/workbook.xml.rels")) ?? ""
    const targets = new Map(
      [...rels.matchAll(/<Relationship\b[^>]*>/g)].map((match) => [
        attribute(match[0], "Id") ?? "",
        (attribute(match[0], "Target") ?? "").replace(/^\/?(xl\/)?/, "xl/")
      ])
    )
    const strings = sharedStrings((yield* readText(zip, "xl/sharedStrings.xml")) ?? "")
    const sheets: Array<string> = []
    for (const match of workbook.matchAll(/<sheet\b[^>]*>/g)) {
      const name = decodeEntities(attribute(match[0], "name") ?? "")
      const path = targets.get(attribute(match[0], "r:id") ?? "")
      const xml = path === undefined ? undefined : yield* readText(zip, path)
      if (xml === undefined) continue
      const rows = [...xml.matchAll(/<row\b[^>]*>([\s\S]*?)<\/row>/g)]
        .map((row) =>
          [...row[1]!.matchAll(/<c\b[^>]*\/>|<c\b[^>]*>[\s\S]*?<\/c>/g)]
            .map((cell) => cellValue(cell[0], strings))
            .join("\t")
            .trimEnd()
        )
        .filter((row) => row !== "")
      if (rows.length > 0) sheets.push(`Sheet ${name}\n${rows.join("\n")}`)
    }
    return sheets.join("\n\n")
  })

const opendocument = (zip: OpenZip) =>
  Effect.map(required(zip, "content.xml", "OpenDocument"), (xml) =>
    xmlText(
      xml
        .replace(/<text:s\b[^>]*?(?:text:c="(\d+)")?[^>]*\/>/g, (_, count?: string) => " ".repeat(Number(count ?? 1)))
        .replace(/<text:tab\b[^>]*\/>/g, "\t")
        .replace(/<text:line-break\b[^>]*\/>/g, "\n")
        .replace(/<\/text:(p|h)>/g, "\n")
        .replace(/<\/table:table-cell>/g, "\t")
        .replace(/<\/table:table-row>/g, "\n")
    )
  )

/** The chapters in reading order: the package document's spine, resolved against its manifest. */
const epub = (zip: OpenZip) =>
  Effect.gen(function* () {
    const container = yield* required(zip, "META-INF/container.xml", "EPUB")
    const opfPath = /full-path="([^"]+)"/.exec(container)?.[1]
    const opf = opfPath === undefined ? undefined : yield* readText(zip, decodeEntities(opfPath))
    if (opfPath === undefined || opf === undefined) {
      return yield* Effect.fail(new OfficeUnreadable("its container names no package document"))
    }
    const dir = opfPath.includes("/") ? opfPath.slice(0, opfPath.lastIndexOf("/") + 1) : ""
    const manifest = new Map(
      [...opf.matchAll(/<item\b[^>]*>/g)].map((match) => [
        attribute(match[0], "id") ?? "",
        attribute(match[0], "href") ?? ""
      ])
    )
    const chapters: Array<string> = []
    for (const ref of opf.matchAll(/<itemref\b[^>]*>/g)) {
      const href = manifest.get(attribute(ref[0], "idref") ?? "")
      if (href === undefined || href === "") continue
      const path = new URL(decodeEntities(href), `file:///${dir}`).pathname.slice(1)
      const html = yield* readText(zip, decodeURIComponent(path))
      const text = html === undefined ? "" : htmlToText(html)
      if (text !== "") chapters.push(text)
    }
    return chapters.join("\n\n")
  })

const walkers: Record<OfficeFormat, (zip: OpenZip) => Effect.Effect<string, unknown>> = {
  docx,
  pptx,
  xlsx,
  opendocument,
  epub
}

/** The document's text; fails with a sentence saying why it could not be read. */
export const officeText = (format: OfficeFormat, bytes: Uint8Array, limits: ZipLimits): Effect.Effect<string, string> =>
  Effect.scoped(Effect.flatMap(openZip(bytes, limits), (zip) => walkers[format](zip))).pipe(
    Effect.mapError((error) => {
      if (error instanceof OfficeUnreadable) return error.message
      const tagged = error as { _tag?: string; reason?: string; message?: string }
      if (tagged._tag === "ZipRefused") {
        switch (tagged.reason) {
          case "TooLarge":
            return `it would expand to more than ${limits.maxExpandedBytes} bytes (CARABASE_EXTRACT_MAX_EXPANDED_BYTES): a zip bomb is not opened`
          case "ExpansionRatio":
            return `an entry would expand more than ${limits.maxRatio} times: a zip bomb is not opened`
          case "TooManyEntries":
            return `it holds more than ${limits.maxEntries} entries`
          default:
            return "it is not a readable zip container (damaged, or not the format its name says)"
        }
      }
      return `an entry could not be inflated: ${tagged.message ?? String(error)}`
    })
  )
