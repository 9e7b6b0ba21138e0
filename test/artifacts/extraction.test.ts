// Text from everything uploaded, over real HTTP on the real host: Office, OpenDocument, EPUB, RTF and email uploads
// answer their text and name their extractor; a scanned page (PNG, and a PDF with no text layer) is read by Tesseract
// in the background; a voice note goes to the workspace's transcription route (a fake provider speaking OpenAI's
// /v1/audio/transcriptions) and stays downloadable; and every text is found by search.
import { describe, expect, it } from "@effect/vitest"
import { afterAll, beforeAll } from "vitest"
import { startFakeProvider, type FakeProvider } from "../support/fakeProvider"
import { call, createWorkspace, hostSuite } from "../support/hostSuite"
import { docx, eml, epub, odt, pptx, rtf, xlsx } from "./fixtures/documents"
import { scannedPdf, scannedPng, speechWav } from "./fixtures/media"

const suite = hostSuite("extraction")

let provider: FakeProvider
beforeAll(async () => {
  provider = await startFakeProvider({
    apiKey: "sk-transcribe-test",
    model: "whisper-1",
    answer: () => ({ content: "" }),
    transcribe: (audio) => (audio.filename === "silence.wav" ? "" : "Remember to book the ferry to Lundy on Friday.")
  })
})
afterAll(() => provider?.close())

interface Content {
  readonly content: string
  readonly extracted: boolean
  readonly status: "text" | "none" | "pending"
  readonly extractor: string | null
  readonly reason: string | null
}

const upload = async (workspace: string, filename: string, type: string, bytes: Uint8Array | string) => {
  const body = new FormData()
  body.append("file", new Blob([bytes as BlobPart], { type }), filename)
  const response = await fetch(`${suite.base}/api/v1/artifacts/upload`, {
    method: "POST",
    body,
    headers: { "x-workspace-id": workspace }
  })
  const answer = (await response.json()) as any
  expect(response.status, JSON.stringify(answer)).toBe(201)
  return answer.artifact as { id: string; mimeType: string }
}

const contentOf = async (workspace: string, id: string): Promise<Content> => {
  const answer = await call(suite.base, "GET", `/artifacts/${id}/content`, { workspace })
  expect(answer.status).toBe(200)
  return answer.body
}

/** The content once the background extraction has settled it. */
const settled = async (workspace: string, id: string): Promise<Content> => {
  for (let tries = 0; tries < 240; tries++) {
    const content = await contentOf(workspace, id)
    if (content.status !== "pending") return content
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error(`artifact ${id} is still pending after 60 seconds`)
}

const searchIds = async (workspace: string, query: string) => {
  const answer = await call(suite.base, "POST", "/harvest/search", { workspace, body: { query, limit: 10 } })
  expect(answer.status).toBe(200)
  return (answer.body.results as Array<{ id: string; kind: string }>).map((hit) => hit.id)
}

const OCTET = "application/octet-stream"

describe("extraction of uploads", () => {
  it("answers the text of Word, PowerPoint, Excel, OpenDocument, EPUB, RTF and email uploads, naming the extractor", async () => {
    const ws = await createWorkspace(suite.base, "Formats")
    const cases: Array<[string, Uint8Array, string, string, string]> = [
      ["budget.docx", await docx(), "docx", "Quarterly marshland costs & fees", "marshland"],
      ["deck.pptx", await pptx(), "pptx", "kingfisher finale", "kingfisher"],
      ["birds.xlsx", await xlsx(), "xlsx", "Pelican feeder\t42.5", "pelican"],
      ["survey.odt", await odt(), "opendocument", "Counted puffins on Skomer", "puffins"],
      ["book.epub", await epub(), "epub", "The lapwing returns.", "lapwing"],
      ["ledger.rtf", rtf(), "rtf", "Café egret ledger", "egret"],
      ["mail.eml", eml(), "email", "Nakuru,roseate spoonbill 12", "spoonbill"]
    ]
    for (const [filename, bytes, extractor, words, query] of cases) {
      // The type from the extension, as a browser that knows none of these sends them.
      const artifact = await upload(ws, filename, OCTET, bytes)
      const content = await contentOf(ws, artifact.id)
      expect(content, filename).toMatchObject({ extracted: true, status: "text", extractor, reason: null })
      expect(content.content, filename).toContain(words)
      expect(await searchIds(ws, query), filename).toContain(artifact.id)
    }
  })

  it("reads a scanned page image with OCR in the background: queued first, then its words, found by search", async () => {
    const ws = await createWorkspace(suite.base, "Scans")
    const png = scannedPng(["LIGHTHOUSE KEEPER LOGBOOK", "Storm warning issued at dawn"])
    const artifact = await upload(ws, "scan.png", "image/png", png)
    expect(artifact.mimeType).toBe("image/png")
    const queued = await contentOf(ws, artifact.id)
    // The background may already have read it; if not, it says it is waiting, and for what.
    if (queued.status === "pending") {
      expect(queued).toMatchObject({ extracted: false, extractor: "ocr", reason: "queued for OCR" })
      expect(queued.content).toMatch(
        /^\[no text yet: scan\.png \(image\/png, \d+ bytes\) is waiting: queued for OCR\]$/
      )
    }
    const content = await settled(ws, artifact.id)
    expect(content).toMatchObject({ status: "text", extracted: true, extractor: "ocr" })
    expect(content.content.toLowerCase()).toContain("lighthouse keeper logbook")
    expect(content.content.toLowerCase()).toContain("storm warning")
    expect(await searchIds(ws, "lighthouse")).toContain(artifact.id)
  })

  it("OCRs a PDF that has no text layer", async () => {
    const ws = await createWorkspace(suite.base, "Scanned PDF")
    const artifact = await upload(ws, "scan.pdf", "application/pdf", scannedPdf(["Tidal chart for Porthcurno"]))
    const content = await settled(ws, artifact.id)
    expect(content).toMatchObject({ status: "text", extractor: "ocr" })
    expect(content.content.toLowerCase()).toContain("tidal chart for porthcurno")
  })

  it("transcribes a voice note through the transcription route, keeps the audio, and finds the transcript", async () => {
    const ws = await createWorkspace(suite.base, "Voice")
    const route = await call(suite.base, "PUT", "/model-routes/transcription", {
      workspace: ws,
      body: { provider: "openai-compatible", baseUrl: provider.url, model: "whisper-1", apiKey: "sk-transcribe-test" }
    })
    expect(route.status, JSON.stringify(route.body)).toBe(200)
    const wav = speechWav("Remember to book the ferry to Lundy on Friday")
    const artifact = await upload(ws, "voice-note.wav", OCTET, wav)
    expect(artifact.mimeType).toBe("audio/wav")
    const content = await settled(ws, artifact.id)
    expect(content).toMatchObject({
      status: "text",
      extractor: "transcription",
      content: "Remember to book the ferry to Lundy on Friday."
    })
    // The provider got the file as recorded, as OpenAI's multipart request carries it.
    const sent = provider.transcriptions.find((request) => request.filename === "voice-note.wav")!
    expect(sent).toMatchObject({ model: "whisper-1", responseFormat: "json", type: "audio/wav" })
    expect(Buffer.from(sent.bytes).equals(Buffer.from(wav))).toBe(true)
    const file = await fetch(`${suite.base}/api/v1/artifacts/${artifact.id}/file`, {
      headers: { "x-workspace-id": ws }
    })
    expect(Buffer.from(await file.arrayBuffer()).equals(Buffer.from(wav))).toBe(true)
    expect(await searchIds(ws, "ferry Lundy")).toContain(artifact.id)

    const silent = await upload(ws, "silence.wav", "audio/wav", speechWav(" "))
    expect(await settled(ws, silent.id)).toMatchObject({
      status: "none",
      extractor: "transcription",
      reason: "the transcription holds no words"
    })
  })

  it("keeps audio waiting, and says for what, while the workspace has no transcription route", async () => {
    const ws = await createWorkspace(suite.base, "No route")
    const artifact = await upload(ws, "memo.ogg", "audio/ogg", speechWav("nothing to hear"))
    let content = await contentOf(ws, artifact.id)
    for (let tries = 0; tries < 80 && !/model-routes/.test(content.reason ?? ""); tries++) {
      await new Promise((resolve) => setTimeout(resolve, 250))
      content = await contentOf(ws, artifact.id)
    }
    expect(content).toMatchObject({ status: "pending", extracted: false, extractor: "transcription" })
    expect(content.reason).toMatch(/PUT \/api\/v1\/model-routes\/transcription/)
    expect(provider.transcriptions.some((request) => request.filename === "memo.ogg")).toBe(false)
  })

  it("says why a file yields nothing, and which extractor tried", async () => {
    const ws = await createWorkspace(suite.base, "Nothing")
    const empty = await upload(ws, "empty.docx", OCTET, new Uint8Array(0))
    expect(await contentOf(ws, empty.id)).toMatchObject({
      status: "none",
      extractor: "docx",
      reason: expect.stringMatching(/not a readable zip container/)
    })
    const binary = await upload(ws, "blob.bin", OCTET, new Uint8Array([1, 2, 3]))
    expect(await contentOf(ws, binary.id)).toMatchObject({
      status: "none",
      extractor: null,
      reason: "application/octet-stream is not a text format"
    })
  })
})
