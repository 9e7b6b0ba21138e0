// Extraction cannot stall or crash the host: a decompression bomb, a 5,000-page PDF, a malformed Office file and a
// file that needs more memory than a worker may use are each stored with the reason they yield no text, while the host
// keeps answering; a worker that ran out of time or memory is replaced. And without Tesseract, an image says that the
// OCR engine is not installed.
import { describe, expect, it } from "@effect/vitest"
import { call, createWorkspace, hostSuite } from "../support/hostSuite"
import { zipVault } from "../portability/vaults"
import { docx } from "./fixtures/documents"
import { makePagedPdf } from "./fixtures/pdf"

const suite = hostSuite("extraction-limits", {
  CARABASE_EXTRACT_WORKERS: "2",
  CARABASE_EXTRACT_TIMEOUT_SECONDS: "15",
  CARABASE_EXTRACT_MEMORY_MB: "64",
  CARABASE_EXTRACT_MAX_PDF_PAGES: "5000",
  CARABASE_EXTRACT_MAX_EXPANDED_BYTES: String(40 * 1024 * 1024),
  CARABASE_OCR_BIN_DIR: "/nonexistent/carabase-test"
})

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

const upload = async (workspace: string, filename: string, type: string, bytes: Uint8Array) => {
  const body = new FormData()
  body.append("file", new Blob([bytes as BlobPart], { type }), filename)
  const response = await fetch(`${suite.base}/api/v1/artifacts/upload`, {
    method: "POST",
    body,
    headers: { "x-workspace-id": workspace }
  })
  const answer = (await response.json()) as any
  expect(response.status, JSON.stringify(answer)).toBe(201)
  return answer.artifact.id as string
}

const contentOf = async (workspace: string, id: string) => {
  const answer = await call(suite.base, "GET", `/artifacts/${id}/content`, { workspace })
  expect(answer.status).toBe(200)
  return answer.body as { status: string; extractor: string | null; reason: string | null; content: string }
}

/** A workbook of `rows` one-letter cells: a small zip whose text needs far more heap than 64 MiB to walk. */
const heavyWorkbook = (rows: number) =>
  zipVault({
    "xl/workbook.xml": `<workbook><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    "xl/_rels/workbook.xml.rels": `<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>`,
    "xl/sharedStrings.xml": `<sst>${"<si><t>a</t></si>".repeat(rows)}</sst>`,
    "xl/worksheets/sheet1.xml": `<worksheet><sheetData>${`<row><c t="s"><v>0</v></c></row>`.repeat(rows)}</sheetData></worksheet>`
  })

describe("extraction limits", () => {
  it("stores a zip bomb, a 5,000-page PDF and a malformed Office file with their reasons while the host keeps answering", async () => {
    const ws = await createWorkspace(suite.base, "Hostile")
    const bomb = await zipVault({ "word/document.xml": Buffer.alloc(64 * 1024 * 1024, 0x20) })
    // Ten lines a page: with one, a quiet machine read all 5,000 pages within the 15 seconds. Which limit ends the
    // worker first, its time or its 64 MiB heap, depends on the machine; either way the PDF is stopped and says why.
    const pages = Array.from({ length: 5000 }, (_, i) =>
      Array.from({ length: 10 }, (_, line) => `line ${line + 1} of page ${i + 1} of the tern census, counted twice`)
    )
    const malformed = Buffer.concat([Buffer.from("PK\x03\x04", "latin1"), Buffer.alloc(2048, 0x41)])
    let finished = false
    const uploads = Promise.all([
      upload(ws, "bomb.docx", "application/octet-stream", bomb),
      upload(ws, "census.pdf", "application/pdf", makePagedPdf(pages)),
      upload(ws, "broken.pptx", "application/octet-stream", malformed)
    ]).finally(() => (finished = true))
    // Answered while the workers are busy: extraction is off the host's event loop.
    const health = await fetch(`${suite.base}/api/v1/health`)
    expect(health.status).toBe(200)
    expect(finished).toBe(false)
    const [bombId, pdfId, brokenId] = await uploads

    expect(await contentOf(ws, bombId)).toMatchObject({
      status: "none",
      extractor: "docx",
      reason: expect.stringMatching(/zip bomb is not opened/)
    })
    expect(await contentOf(ws, pdfId)).toMatchObject({
      status: "none",
      extractor: "pdf-text",
      reason: expect.stringMatching(
        /^(it took longer than 15 seconds \(CARABASE_EXTRACT_TIMEOUT_SECONDS\)|it needed more memory than an extraction may use \(CARABASE_EXTRACT_MEMORY_MB is 64\))$/
      )
    })
    expect(await contentOf(ws, brokenId)).toMatchObject({
      status: "none",
      extractor: "pptx",
      reason: expect.stringMatching(/not a readable zip container/)
    })
    // The pool replaced the worker it ended: the next upload is read as usual.
    const after = await upload(ws, "after.docx", "application/octet-stream", await docx())
    expect((await contentOf(ws, after)).content).toContain("Quarterly marshland")
  })

  it("ends a worker that needs more memory than CARABASE_EXTRACT_MEMORY_MB, not the host", async () => {
    const ws = await createWorkspace(suite.base, "Heavy")
    const id = await upload(ws, "heavy.xlsx", XLSX, await heavyWorkbook(500_000))
    expect(await contentOf(ws, id)).toMatchObject({
      status: "none",
      extractor: "xlsx",
      reason: "it needed more memory than an extraction may use (CARABASE_EXTRACT_MEMORY_MB is 64)"
    })
    const small = await upload(ws, "small.xlsx", XLSX, await heavyWorkbook(3))
    expect((await contentOf(ws, small)).status).toBe("text")
  })

  it("says the OCR engine is not installed when Tesseract cannot be found", async () => {
    const ws = await createWorkspace(suite.base, "No OCR")
    const png = Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108000000003a7e9b55", "hex")
    const id = await upload(ws, "scan.png", "image/png", png)
    let content = await contentOf(ws, id)
    for (let tries = 0; tries < 120 && content.status === "pending"; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 250))
      content = await contentOf(ws, id)
    }
    expect(content).toMatchObject({
      status: "none",
      extractor: "ocr",
      reason: expect.stringMatching(/^OCR engine not installed/)
    })
    expect(content.content).toMatch(
      /^\[no text: scan\.png \(image\/png, \d+ bytes\) has no extractable text: OCR engine not installed/
    )
  })
})
