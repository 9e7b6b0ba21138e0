// Which extractor reads a file, and the extraction of every format read in JavaScript: plain text, Markdown, HTML,
// JSON, CSV, PDF text layers (PdfText), Word, PowerPoint, Excel, OpenDocument and EPUB (OfficeText), RTF (RtfText) and
// email (MailText, attachments through this same dispatch). It runs inside an extraction worker (ExtractPool), never on
// the host's event loop. Images and scanned PDFs go to OCR (Ocr) and audio to the transcription route, both later,
// in the background (LaterExtraction).
import { Effect } from "effect"
import type { ZipLimits } from "../platform/Zip"
import { mailText } from "./MailText"
import { htmlToText, tidy } from "./Markup"
import { officeText, type OfficeFormat } from "./OfficeText"
import { pdfText } from "./PdfText"
import { rtfText } from "./RtfText"

/** The name an artifact's content answer gives for what produced its text (README, Artifacts). */
export type Extractor =
  | "text"
  | "html"
  | "json"
  | "pdf-text"
  | "docx"
  | "pptx"
  | "xlsx"
  | "opendocument"
  | "rtf"
  | "epub"
  | "email"
  | "ocr"
  | "transcription"

/** Extractors that run later, in the background: OCR of images and scans, transcription of audio. */
export type LaterExtractor = "ocr" | "transcription"

export type Extraction =
  | { readonly _tag: "Text"; readonly text: string; readonly extractor: Extractor }
  | { readonly _tag: "NoText"; readonly reason: string; readonly extractor: Extractor | null }
  | { readonly _tag: "Later"; readonly extractor: LaterExtractor; readonly reason: string }

export interface ExtractLimits {
  /** PDF pages read for their text layer. */
  readonly maxPdfPages: number
  readonly zip: ZipLimits
}

const OFFICE: Record<string, OfficeFormat> = {
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
  "application/vnd.oasis.opendocument.text": "opendocument",
  "application/vnd.oasis.opendocument.spreadsheet": "opendocument",
  "application/vnd.oasis.opendocument.presentation": "opendocument",
  "application/epub+zip": "epub"
}

const OCR_TYPES = new Set(["image/png", "image/jpeg", "image/tiff", "image/bmp", "image/gif", "image/webp"])

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
  pdf: "application/pdf",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  odt: "application/vnd.oasis.opendocument.text",
  ods: "application/vnd.oasis.opendocument.spreadsheet",
  odp: "application/vnd.oasis.opendocument.presentation",
  epub: "application/epub+zip",
  rtf: "application/rtf",
  eml: "message/rfc822",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  tif: "image/tiff",
  tiff: "image/tiff",
  bmp: "image/bmp",
  gif: "image/gif",
  webp: "image/webp",
  mp3: "audio/mpeg",
  m4a: "audio/mp4",
  wav: "audio/wav",
  ogg: "audio/ogg",
  oga: "audio/ogg",
  opus: "audio/ogg",
  flac: "audio/flac",
  weba: "audio/webm"
}

const GENERIC = new Set(["", "application/octet-stream", "binary/octet-stream", "application/x-download"])

const startsWith = (bytes: Uint8Array, signature: string, at = 0) =>
  Buffer.from(bytes.subarray(at, at + signature.length)).equals(Buffer.from(signature, "latin1"))

/** The type the first bytes announce, for a file whose name and declared type say nothing. */
const sniff = (bytes: Uint8Array): string | undefined => {
  if (Buffer.from(bytes.subarray(0, 1024)).includes("%PDF-")) return "application/pdf"
  if (startsWith(bytes, "\x89PNG\r\n\x1a\n")) return "image/png"
  if (startsWith(bytes, "\xff\xd8\xff")) return "image/jpeg"
  if (startsWith(bytes, "GIF8")) return "image/gif"
  if (startsWith(bytes, "II*\x00") || startsWith(bytes, "MM\x00*")) return "image/tiff"
  if (startsWith(bytes, "RIFF") && startsWith(bytes, "WAVE", 8)) return "audio/wav"
  if (startsWith(bytes, "RIFF") && startsWith(bytes, "WEBP", 8)) return "image/webp"
  if (startsWith(bytes, "OggS")) return "audio/ogg"
  if (startsWith(bytes, "fLaC")) return "audio/flac"
  if (startsWith(bytes, "ID3")) return "audio/mpeg"
  if (startsWith(bytes, "{\\rtf")) return "application/rtf"
  return undefined
}

/** The stored media type: the declared one unless it says nothing, then the extension, then the bytes. */
export const detectMimeType = (filename: string, declared: string, bytes: Uint8Array): string => {
  const base = declared.split(";")[0]!.trim().toLowerCase()
  if (!GENERIC.has(base)) return base
  const extension = /\.([a-z0-9]+)$/i.exec(filename)?.[1]?.toLowerCase()
  if (extension !== undefined && EXTENSIONS[extension] !== undefined) return EXTENSIONS[extension]
  return sniff(bytes) ?? (base === "" ? "application/octet-stream" : base)
}

/** The background extractor a type goes to straight away (images, audio); a scanned PDF goes there once read. */
export const laterExtractorFor = (mimeType: string): LaterExtractor | undefined =>
  OCR_TYPES.has(mimeType) ? "ocr" : mimeType.startsWith("audio/") ? "transcription" : undefined

/** The extractor that reads a type, or null for a type no extractor reads. */
export const extractorFor = (mimeType: string): Extractor | null => {
  const later = laterExtractorFor(mimeType)
  if (later !== undefined) return later
  if (mimeType === "application/pdf") return "pdf-text"
  if (OFFICE[mimeType] !== undefined) return OFFICE[mimeType]
  if (isRtf(mimeType)) return "rtf"
  if (mimeType === "message/rfc822") return "email"
  if (!isTextual(mimeType)) return null
  if (mimeType === "text/html" || mimeType === "application/xhtml+xml") return "html"
  return mimeType === "application/json" || mimeType.endsWith("+json") ? "json" : "text"
}

const decodeUtf8 = (bytes: Uint8Array) => new TextDecoder("utf-8").decode(bytes).replace(/^\uFEFF/, "")

const jsonToText = (raw: string): string => {
  try {
    return JSON.stringify(JSON.parse(raw), null, 2)
  } catch {
    return raw
  }
}

/** Any NUL byte, not only in the first few KiB: text that holds one could not be stored. */
const looksBinary = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(0)

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error))

const found = (extractor: Extractor, text: string, empty: string): Extraction =>
  text === "" ? { _tag: "NoText", reason: empty, extractor } : { _tag: "Text", text, extractor }

const isRtf = (mimeType: string) => mimeType === "application/rtf" || mimeType === "text/rtf"

const isTextual = (mimeType: string) =>
  mimeType.startsWith("text/") ||
  mimeType === "application/json" ||
  mimeType.endsWith("+json") ||
  mimeType === "application/xhtml+xml" ||
  mimeType === "application/csv"

/** Messages inside messages are read this deep; a deeper attachment is named, not opened. */
const MAX_MAIL_DEPTH = 3

const pdf = async (bytes: Uint8Array, limits: ExtractLimits): Promise<Extraction> => {
  try {
    const { pages, read, text } = await pdfText(bytes, limits.maxPdfPages)
    if (text === "") {
      return { _tag: "Later", extractor: "ocr", reason: "the PDF has no text layer (a scan): queued for OCR" }
    }
    const cut =
      read < pages
        ? `\n\n[text of the first ${read} of ${pages} pages: CARABASE_EXTRACT_MAX_PDF_PAGES is ${limits.maxPdfPages}]`
        : ""
    return { _tag: "Text", text: text + cut, extractor: "pdf-text" }
  } catch (error) {
    return { _tag: "NoText", reason: `the PDF could not be read: ${describe(error)}`, extractor: "pdf-text" }
  }
}

/** Extracts the text of any format read in JavaScript. Never throws: a file that yields nothing says why. */
export const extractFile = async (
  mimeType: string,
  bytes: Uint8Array,
  limits: ExtractLimits,
  depth = 0
): Promise<Extraction> => {
  const later = laterExtractorFor(mimeType)
  if (later !== undefined) {
    return {
      _tag: "Later",
      extractor: later,
      reason: later === "ocr" ? "queued for OCR" : "queued for transcription"
    }
  }
  if (mimeType === "application/pdf") return pdf(bytes, limits)
  const office = OFFICE[mimeType]
  if (office !== undefined) {
    const result = await Effect.runPromise(Effect.either(officeText(office, bytes, limits.zip)))
    return result._tag === "Right"
      ? found(office, result.right, "the document holds no text")
      : { _tag: "NoText", reason: `the ${office} file could not be read: ${result.left}`, extractor: office }
  }
  if (isRtf(mimeType)) {
    const text = rtfText(bytes)
    return text === undefined
      ? { _tag: "NoText", reason: "the file is not RTF (it does not start with {\\rtf)", extractor: "rtf" }
      : found("rtf", tidy(text), "the document holds no text")
  }
  if (mimeType === "message/rfc822") {
    try {
      const text = await mailText(bytes, async (file) => {
        const type = detectMimeType(file.filename, file.mimeType, file.bytes)
        if (depth >= MAX_MAIL_DEPTH) return "[not opened: messages nested too deep]"
        const inner = await extractFile(type, file.bytes, limits, depth + 1)
        if (inner._tag === "Text") return inner.text
        return inner._tag === "Later"
          ? `[no text: ${inner.extractor === "ocr" ? "OCR" : "transcription"} reads files uploaded on their own, not attachments]`
          : `[no text: ${inner.reason}]`
      })
      return found("email", tidy(text), "the message is empty")
    } catch (error) {
      return { _tag: "NoText", reason: `the message could not be read: ${describe(error)}`, extractor: "email" }
    }
  }
  if (!isTextual(mimeType)) return { _tag: "NoText", reason: `${mimeType} is not a text format`, extractor: null }
  if (looksBinary(bytes)) return { _tag: "NoText", reason: `declared ${mimeType} but holds binary`, extractor: null }
  const raw = decodeUtf8(bytes)
  if (mimeType === "text/html" || mimeType === "application/xhtml+xml") {
    return found("html", htmlToText(raw), "the file is empty")
  }
  if (mimeType === "application/json" || mimeType.endsWith("+json")) {
    return found("json", jsonToText(raw).trim(), "the file is empty")
  }
  return found("text", raw.replace(/\r\n?/g, "\n").trim(), "the file is empty")
}
