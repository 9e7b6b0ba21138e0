// Handlers of the import and export routes. An import's body (the zip itself) is streamed to a private temporary
// file under CARABASE_MAX_IMPORT_BYTES (413 past it, from Content-Length before reading when declared), then handed to
// Imports, which checks the archive whole before writing anything and answers 202 with the run. The export is a zip
// streamed as it is made.
import { randomUUID } from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import { Transform } from "node:stream"
import { pipeline } from "node:stream/promises"
import { HttpApiBuilder, HttpServerResponse } from "@effect/platform"
import { NodeHttpServerRequest } from "@effect/platform-node"
import { Effect } from "effect"
import { CarabaseApi } from "../Api"
import { Exports } from "./Exports"
import { importLimits, Imports } from "./Imports"
import { ImportRefused, ImportTooLarge } from "./PortabilityApi"

class OverLimit extends Error {}

export const PortabilityHttpLive = HttpApiBuilder.group(CarabaseApi, "portability", (handlers) =>
  Effect.gen(function* () {
    const imports = yield* Imports
    const exports = yield* Exports
    const limits = yield* importLimits
    const tooLarge = ImportTooLarge.of(limits.maxUploadBytes)

    /** The body into a new 0600 file of the temporary folder; answers its path. */
    const receive = (incoming: NodeJS.ReadableStream) =>
      Effect.tryPromise({
        try: async () => {
          const file = path.join(limits.directory, `carabase-import-${randomUUID()}.zip`)
          let size = 0
          const count = new Transform({
            transform(chunk: Buffer, _encoding, callback) {
              size += chunk.length
              if (size > limits.maxUploadBytes) callback(new OverLimit())
              else callback(null, chunk)
            }
          })
          try {
            await pipeline(incoming, count, fs.createWriteStream(file, { mode: 0o600, flags: "wx" }))
          } catch (error) {
            await fs.promises.rm(file, { force: true })
            throw error
          }
          return file
        },
        catch: (error) =>
          error instanceof OverLimit
            ? tooLarge
            : ImportRefused.of("Malformed", "the upload could not be read to its end")
      })

    return handlers
      .handleRaw("startImport", ({ request, urlParams }) =>
        Effect.gen(function* () {
          const declared = Number(request.headers["content-length"])
          if (Number.isFinite(declared) && declared > limits.maxUploadBytes) return yield* tooLarge
          const file = yield* receive(NodeHttpServerRequest.toIncomingMessage(request))
          const status = yield* imports.start(file, {
            dryRun: urlParams.dryRun === "true",
            folios: urlParams.folios === "folders"
          })
          return HttpServerResponse.unsafeJson({ import: status }, { status: 202 })
        })
      )
      .handle("listImports", () => Effect.map(imports.list, (list) => ({ imports: list })))
      .handle("getImport", ({ path }) =>
        Effect.map(imports.get(path.id), ({ skippedFiles, status }) => ({ import: status, skippedFiles }))
      )
      .handle("importFiles", ({ path, urlParams }) =>
        imports.files(path.id, {
          offset: urlParams.offset ?? 0,
          limit: urlParams.limit ?? 1000,
          outcome: urlParams.outcome ?? null
        })
      )
      .handleRaw("export", ({ urlParams }) =>
        Effect.gen(function* () {
          const format = urlParams.format ?? "markdown"
          const stream = yield* exports.zip(format)
          const stamp = new Date().toISOString().slice(0, 10)
          return HttpServerResponse.stream(stream, {
            contentType: "application/zip",
            headers: {
              "content-disposition": `attachment; filename="carabase-export-${stamp}.zip"`,
              "cache-control": "private, no-cache",
              "x-content-type-options": "nosniff"
            }
          })
        })
      )
  })
)
