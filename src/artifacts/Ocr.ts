// OCR of images and scanned PDFs with the machine's Tesseract (Debian's tesseract-ocr, Homebrew's tesseract), run as
// child processes: a scanned PDF's pages are first rendered to images by Poppler's pdftoppm. Every process is killed
// when the file's time (CARABASE_OCR_TIMEOUT_SECONDS) runs out; at most CARABASE_OCR_MAX_PAGES pages are read. Without
// the engine the artifact says so ("OCR engine not installed") instead of failing.
import { Config, Effect } from "effect"
import { execFile } from "node:child_process"
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { Extraction } from "./Extract"
import { tidy } from "./Markup"

export const ocrConfig = Config.all({
  languages: Config.string("CARABASE_OCR_LANGUAGES").pipe(
    Config.withDefault("eng"),
    Config.validate({
      message: "CARABASE_OCR_LANGUAGES must be Tesseract language codes joined by +, e.g. eng or eng+deu",
      validation: (value) => /^[a-z_]+(\+[a-z_]+)*$/i.test(value)
    })
  ),
  timeoutSeconds: Config.integer("CARABASE_OCR_TIMEOUT_SECONDS").pipe(Config.withDefault(300)),
  maxPages: Config.integer("CARABASE_OCR_MAX_PAGES").pipe(Config.withDefault(50)),
  /**
   * The folder holding tesseract, pdftoppm and pdfinfo, for a service whose PATH lacks it (launchd gives a Homebrew
   * install none of /opt/homebrew/bin); by default they are looked up on PATH.
   */
  binDir: Config.string("CARABASE_OCR_BIN_DIR").pipe(Config.withDefault(""))
})
export type OcrConfig = Config.Config.Success<typeof ocrConfig>

export const NOT_INSTALLED =
  "OCR engine not installed: install Tesseract and Poppler (Debian/Ubuntu: apt-get install tesseract-ocr tesseract-ocr-eng poppler-utils; macOS: brew install tesseract poppler), then upload the file again"

class Missing {
  constructor(readonly command: string) {}
}
class TimedOut {}

const runWithin = (command: string, args: ReadonlyArray<string>, deadline: number, signal: AbortSignal) =>
  new Promise<string>((resolve, reject) => {
    const timeout = deadline - Date.now()
    if (timeout <= 0) return reject(new TimedOut())
    execFile(
      command,
      args,
      // One thread per process: the host runs beside everything else on the machine.
      {
        timeout,
        signal,
        killSignal: "SIGKILL",
        maxBuffer: 16 * 1024 * 1024,
        env: { ...process.env, OMP_THREAD_LIMIT: "1" }
      },
      (error, stdout, stderr) => {
        if (error === null) return resolve(stdout)
        const code = (error as NodeJS.ErrnoException).code
        if (code === "ENOENT") return reject(new Missing(command))
        if (error.killed) return reject(new TimedOut())
        reject(new Error(`${command}: ${stderr.trim().split("\n").pop() ?? error.message}`))
      }
    )
  })

const EXTENSION: Record<string, string> = {
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/tiff": "tif",
  "image/bmp": "bmp",
  "image/gif": "gif",
  "image/webp": "webp",
  "application/pdf": "pdf"
}

const ocrFiles = async (mimeType: string, bytes: Uint8Array, config: OcrConfig, dir: string, signal: AbortSignal) => {
  const deadline = Date.now() + config.timeoutSeconds * 1000
  const run = (command: string, args: ReadonlyArray<string>) =>
    runWithin(config.binDir === "" ? command : join(config.binDir, command), args, deadline, signal)
  const input = join(dir, `input.${EXTENSION[mimeType] ?? "img"}`)
  await writeFile(input, bytes)
  let images = [input]
  let note = ""
  if (mimeType === "application/pdf") {
    const pages = Number(/Pages:\s+(\d+)/.exec(await run("pdfinfo", [input]))?.[1] ?? 0)
    await run("pdftoppm", ["-r", "200", "-gray", "-png", "-l", String(config.maxPages), input, join(dir, "page")])
    const number = (name: string) => Number(/-(\d+)\.png$/.exec(name)?.[1] ?? 0)
    images = (await readdir(dir))
      .filter((name) => name.startsWith("page-") && name.endsWith(".png"))
      .sort((a, b) => number(a) - number(b))
      .map((name) => join(dir, name))
    if (pages > images.length) {
      note = `\n\n[OCR of the first ${images.length} of ${pages} pages: CARABASE_OCR_MAX_PAGES is ${config.maxPages}]`
    }
  }
  const texts: Array<string> = []
  for (const image of images) texts.push(await run("tesseract", [image, "stdout", "-l", config.languages]))
  return tidy(texts.join("\n\n")) + (texts.some((text) => tidy(text) !== "") ? note : "")
}

/** The text Tesseract reads in an image or a scanned PDF; never fails (a file that yields nothing says why). */
export const ocr = (mimeType: string, bytes: Uint8Array, config: OcrConfig): Effect.Effect<Extraction> =>
  Effect.acquireUseRelease(
    Effect.promise(() => mkdtemp(join(tmpdir(), "carabase-ocr-"))),
    (dir) =>
      Effect.tryPromise({
        try: (signal) => ocrFiles(mimeType, bytes, config, dir, signal),
        catch: (error) => error
      }).pipe(
        Effect.map((text): Extraction =>
          text === ""
            ? { _tag: "NoText", reason: "OCR found no text in it", extractor: "ocr" }
            : { _tag: "Text", text, extractor: "ocr" }
        ),
        Effect.catchAll((error) =>
          Effect.succeed<Extraction>({
            _tag: "NoText",
            extractor: "ocr",
            reason:
              error instanceof Missing
                ? NOT_INSTALLED
                : error instanceof TimedOut
                  ? `OCR took longer than ${config.timeoutSeconds} seconds (CARABASE_OCR_TIMEOUT_SECONDS)`
                  : `OCR failed: ${error instanceof Error ? error.message : String(error)}`
          })
        )
      ),
    (dir) => Effect.promise(() => rm(dir, { recursive: true, force: true }))
  ).pipe(Effect.withSpan("Ocr.ocr", { attributes: { mimeType } }))
