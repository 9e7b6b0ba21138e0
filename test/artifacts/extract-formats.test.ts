// The extractors on their own (no host): each format's text, read from fixtures written as the formats specify them,
// with the extractor named; the limits a hostile file meets (a zip bomb, a lying entry size, a damaged archive, a PDF
// of thousands of pages); and what comes back for files that yield nothing.
import { describe, expect, it } from "@effect/vitest"
import { detectMimeType, extractFile, type ExtractLimits } from "../../src/artifacts/Extract"
import { zipVault } from "../portability/vaults"
import { docx, eml, epub, odt, pptx, rtf, xlsx } from "./fixtures/documents"
import { makePagedPdf } from "./fixtures/pdf"

const limits: ExtractLimits = {
  maxPdfPages: 2000,
  zip: { maxExpandedBytes: 20 * 1024 * 1024, maxEntries: 1000, maxRatio: 1000 }
}

const MIME = {
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  odt: "application/vnd.oasis.opendocument.text",
  epub: "application/epub+zip"
}

const textOf = async (mimeType: string, bytes: Uint8Array, extractor: string) => {
  const result = await extractFile(mimeType, bytes, limits)
  expect(result).toMatchObject({ _tag: "Text", extractor })
  return result._tag === "Text" ? result.text : ""
}

describe("extractors", () => {
  it("reads a Word document's paragraphs, joining split runs and leaving field codes out", async () => {
    const text = await textOf(MIME.docx, await docx(), "docx")
    expect(text).toBe("Heron budget\nQuarterly marshland costs & fees\nsee the atlas")
  })

  it("reads a PowerPoint deck slide by slide in slide order", async () => {
    const text = await textOf(MIME.pptx, await pptx(), "pptx")
    expect(text).toBe(
      "Slide 1\nFirst slide\nosprey launch\nsecond line\n\nSlide 2\nSecond slide\ncormorant roadmap\nsecond line\n\n" +
        "Slide 10\nTenth slide\nkingfisher finale\nsecond line"
    )
  })

  it("reads an Excel workbook's sheets by name: shared, rich, inline, numeric and boolean cells as rows", async () => {
    const text = await textOf(MIME.xlsx, await xlsx(), "xlsx")
    expect(text).toBe(
      "Sheet Birds & costs\nSpecies\tCost\nPelican feeder\t42.5\tTRUE\n\nSheet Notes\nalbatross inline note"
    )
  })

  it("reads an OpenDocument text with its spacing elements", async () => {
    expect(await textOf(MIME.odt, await odt(), "opendocument")).toBe("Puffin survey\nCounted puffins on Skomer")
  })

  it("reads an EPUB's chapters in spine order, resolving escaped paths", async () => {
    expect(await textOf(MIME.epub, await epub(), "epub")).toBe(
      "One\n\nChapter one\n\nThe lapwing departs.\n\nTwo\n\nChapter two\n\nThe lapwing returns."
    )
  })

  it("reads RTF: tables and generator skipped, code-page and Unicode characters decoded", async () => {
    expect(await textOf("application/rtf", rtf(), "rtf")).toBe("Café egret ledger\nPrice: 5€ net done")
  })

  it("reads an email's headers, body and attachment text", async () => {
    const text = await textOf("message/rfc822", eml(), "email")
    expect(text).toContain("Subject: Flamingo inventory ✓")
    expect(text).toContain("From: Ada Lovelace <ada@example.org>")
    expect(text).toContain("To: Charles Babbage <charles@example.org>")
    expect(text).toContain("Please find the flamingo counts attached.")
    expect(text).toContain("Attachment: counts.csv (text/csv)\nlake,count\nNakuru,roseate spoonbill 12")
  })

  it("knows each format by its extension when the type says nothing", () => {
    const none = new Uint8Array()
    expect(detectMimeType("a.docx", "application/octet-stream", none)).toBe(MIME.docx)
    expect(detectMimeType("a.ODT", "", none)).toBe(MIME.odt)
    expect(detectMimeType("note.eml", "", none)).toBe("message/rfc822")
    expect(detectMimeType("voice", "", Buffer.from("OggS\0\x02"))).toBe("audio/ogg")
    expect(detectMimeType("scan", "", Buffer.from("\x89PNG\r\n\x1a\n", "latin1"))).toBe("image/png")
  })

  it("queues images and audio for the background, and a PDF without a text layer for OCR", async () => {
    expect(await extractFile("image/png", new Uint8Array(8), limits)).toMatchObject({ _tag: "Later", extractor: "ocr" })
    expect(await extractFile("audio/ogg", new Uint8Array(8), limits)).toMatchObject({
      _tag: "Later",
      extractor: "transcription"
    })
    expect(await extractFile("application/pdf", makePagedPdf([[]]), limits)).toMatchObject({
      _tag: "Later",
      extractor: "ocr"
    })
  })

  it("refuses a zip bomb from its directory, before inflating it", async () => {
    const bomb = await zipVault({ "word/document.xml": Buffer.alloc(64 * 1024 * 1024, 0x20) })
    expect(bomb.length).toBeLessThan(200 * 1024)
    const result = await extractFile(MIME.docx, bomb, limits)
    expect(result).toMatchObject({ _tag: "NoText", extractor: "docx", reason: expect.stringMatching(/zip bomb/) })
  })

  it("stops inflating an entry that grows past the size its directory declared", async () => {
    const bomb = Buffer.from(await zipVault({ "word/document.xml": Buffer.alloc(8 * 1024 * 1024, 0x20) }))
    // Rewrite the declared uncompressed size (local header offset 22, central directory offset 24) to 100 bytes.
    bomb.writeUInt32LE(100, 22)
    const central = bomb.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]))
    bomb.writeUInt32LE(100, central + 24)
    const result = await extractFile(MIME.docx, bomb, limits)
    expect(result).toMatchObject({
      _tag: "NoText",
      reason: expect.stringMatching(/could not be inflated|too many bytes/)
    })
  })

  it("says why a damaged or mislabelled Office file has no text", async () => {
    const random = new Uint8Array(4096).map((_, i) => (i * 7919) % 251)
    expect(await extractFile(MIME.docx, random, limits)).toMatchObject({
      _tag: "NoText",
      reason: expect.stringMatching(/not a readable zip container/)
    })
    const truncated = (await docx()).subarray(0, 300)
    expect((await extractFile(MIME.docx, truncated, limits))._tag).toBe("NoText")
    const wrong = await zipVault({ "hello.txt": "not a document" })
    expect(await extractFile(MIME.xlsx, wrong, limits)).toMatchObject({
      _tag: "NoText",
      reason: expect.stringMatching(/no xl\/workbook.xml/)
    })
    expect(await extractFile("application/rtf", Buffer.from("plain words"), limits)).toMatchObject({
      _tag: "NoText",
      reason: expect.stringMatching(/not RTF/)
    })
  })

  it("reads a PDF of thousands of pages up to the page limit and says where it stopped", async () => {
    const pages = Array.from({ length: 5000 }, (_, i) => [`page ${i + 1} of the tern census`])
    const result = await extractFile("application/pdf", makePagedPdf(pages), { ...limits, maxPdfPages: 50 })
    expect(result._tag).toBe("Text")
    const text = result._tag === "Text" ? result.text : ""
    expect(text).toContain("page 50 of the tern census")
    expect(text).not.toContain("page 51 of")
    expect(text).toContain("[text of the first 50 of 5000 pages: CARABASE_EXTRACT_MAX_PDF_PAGES is 50]")
  })
})
