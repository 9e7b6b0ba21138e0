// Text extraction from uploaded files: plain text, Markdown, HTML (tags, scripts and styles stripped), JSON (pretty
// printed), CSV (as rows of text) and PDF (via unpdf, a maintained serverless build of Mozilla's PDF.js). Anything
// else is stored without text.
import { Effect } from "effect"

export type Extraction =
  { readonly _tag: "Text"; readonly text: string } | { readonly _tag: "NoText"; readonly reason: string }

const EXTENSIONS: Record<string, string> = {
  txt: "text/plain",
  text: "text/plain",
  log: "text/plain",
  md: "text/markdown",
  markdown: "text/markdown",
  html: "text/html",
  htm: "text/html",
  json: "application/json",
  csv: "text/csv",
  pdf: "application/pdf"
}

const GENERIC = new Set(["", "application/octet-stream", "binary/octet-stream", "application/x-download"])

/** The stored media type: the declared one unless it says nothing, then the extension, then the bytes. */
export const detectMimeType = (filename: string, declared: string, bytes: Uint8Array): string => {
  const base = declared.split(";")[0]!.trim().toLowerCase()
  if (!GENERIC.has(base)) return base
  const extension = /\.([a-z0-9]+)$/i.exec(filename)?.[1]?.toLowerCase()
  if (extension !== undefined && EXTENSIONS[extension] !== undefined) return EXTENSIONS[extension]
  if (isPdf(bytes)) return "application/pdf"
  return base === "" ? "application/octet-stream" : base
}

const isPdf = (bytes: Uint8Array) => Buffer.from(bytes.subarray(0, 1024)).includes("%PDF-")

const decodeUtf8 = (bytes: Uint8Array) => new TextDecoder("utf-8").decode(bytes).replace(/^\uFEFF/, "")

const tidy = (text: string) =>
  text
    // PostgreSQL's text cannot hold NUL; PDF text layers sometimes carry it.
    .replaceAll("\u0000", "")
    .replace(/\r\n?/g, "\n")
    .replace(/[ \t\f\v\u00a0]+/g, " ")
    .replace(/ *\n */g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim()

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " }

const decodeEntities = (text: string) =>
  text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === "#") {
      const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10)
      const scalar = code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)
      return Number.isFinite(code) && scalar ? String.fromCodePoint(code) : whole
    }
    return ENTITIES[name.toLowerCase()] ?? whole
  })

const BLOCK_TAGS =
  "address|article|aside|blockquote|br|dd|div|dl|dt|figcaption|figure|footer|h[1-6]|header|hr|li|main|nav|ol|p|pre|section|table|tr|ul|title"

export const htmlToText = (html: string): string =>
  tidy(
    decodeEntities(
      html
        .replace(/<!--[\s\S]*?-->/g, " ")
        .replace(/<(script|style|noscript|template|svg|iframe)\b[\s\S]*?<\/\1\s*>/gi, " ")
        .replace(/<(script|style)\b[\s\S]*$/gi, " ")
        .replace(new RegExp(`</?(?:${BLOCK_TAGS})\\b[^>]*>`, "gi"), "\n")
        .replace(/<(td|th)\b[^>]*>/gi, " ")
        .replace(/<[^>]*>/g, "")
    )
  )

const jsonToText = (raw: string): string => {
  try {
    return JSON.stringify(JSON.parse(raw), null, 2)
  } catch {
    return raw
  }
}

const pdfToText = (bytes: Uint8Array) =>
  Effect.tryPromise({
    try: async () => {
      const { extractText, getDocumentProxy } = await import("unpdf")
      const pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 })
      try {
        const { text } = await extractText(pdf, { mergePages: true })
        return text
      } finally {
        await pdf.destroy()
      }
    },
    catch: (error) => (error instanceof Error ? error.message : String(error))
  }).pipe(
    Effect.timeoutFail({ duration: "30 seconds", onTimeout: () => "took longer than 30 seconds" }),
    Effect.map((text): Extraction => {
      const clean = tidy(text)
      return clean === ""
        ? { _tag: "NoText", reason: "the PDF has no text layer (a scan needs OCR)" }
        : { _tag: "Text", text: clean }
    }),
    Effect.catchAll((reason) =>
      Effect.succeed<Extraction>({ _tag: "NoText", reason: `the PDF could not be read: ${reason}` })
    )
  )

/** Any NUL byte, not only in the first few KiB: text that holds one could not be stored. */
const looksBinary = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(0)

const textOrNone = (text: string): Extraction =>
  text === "" ? { _tag: "NoText", reason: "the file is empty" } : { _tag: "Text", text }

export const extract = (mimeType: string, bytes: Uint8Array): Effect.Effect<Extraction> => {
  if (mimeType === "application/pdf") return pdfToText(bytes)
  const textual =
    mimeType.startsWith("text/") ||
    mimeType === "application/json" ||
    mimeType.endsWith("+json") ||
    mimeType === "application/xhtml+xml" ||
    mimeType === "application/csv"
  if (!textual) return Effect.succeed({ _tag: "NoText", reason: `${mimeType} is not a text format` })
  if (looksBinary(bytes)) return Effect.succeed({ _tag: "NoText", reason: `declared ${mimeType} but holds binary` })
  return Effect.sync(() => {
    const raw = decodeUtf8(bytes)
    if (mimeType === "text/html" || mimeType === "application/xhtml+xml") return textOrNone(htmlToText(raw))
    if (mimeType === "application/json" || mimeType.endsWith("+json")) return textOrNone(jsonToText(raw).trim())
    return textOrNone(raw.replace(/\r\n?/g, "\n").trim())
  })
}
