// The text layer of a PDF through unpdf (a maintained serverless build of Mozilla's PDF.js), page by page up to a
// page limit, so a document of thousands of pages gives its first pages' text instead of holding a worker for long.
import { tidy } from "./Markup"

export interface PdfText {
  readonly text: string
  readonly pages: number
  readonly read: number
}

export const pdfText = async (bytes: Uint8Array, maxPages: number): Promise<PdfText> => {
  const { getDocumentProxy } = await import("unpdf")
  const pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 })
  try {
    const read = Math.min(pdf.numPages, maxPages)
    const pages: Array<string> = []
    for (let number = 1; number <= read; number++) {
      const page = await pdf.getPage(number)
      const content = await page.getTextContent()
      pages.push(content.items.map((item) => ("str" in item ? item.str + (item.hasEOL ? "\n" : "") : "")).join(""))
      page.cleanup()
    }
    return { text: tidy(pages.join("\n")), pages: pdf.numPages, read }
  } finally {
    await pdf.destroy()
  }
}
