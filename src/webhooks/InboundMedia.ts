// Fetching the audio of a voice note a chat platform holds, with the channel's bot token (Redacted until the request
// that needs it), through each platform's documented media API; base URLs as for replies (Outbound):
//   Telegram  GET {CARABASE_TELEGRAM_API_URL}/bot<token>/getFile?file_id=<id>  → { ok, result: { file_path, file_size } }
//             GET {CARABASE_TELEGRAM_API_URL}/file/bot<token>/<file_path>       → the bytes (a bot may fetch 20 MB)
//   WhatsApp  GET {CARABASE_WHATSAPP_API_URL}/<media id>   Bearer <token>       → { url, mime_type, sha256, file_size }
//             GET <url>                                    Bearer <token>       → the bytes, checked against sha256
// A failure's message never holds a URL (Telegram's carry the token); `transient` says whether a later try may help
// (the platform unreachable, 429, 5xx, a download cut short) or not (the file is gone, too large, refused).
import * as crypto from "node:crypto"
import { Data, Effect, Redacted } from "effect"
import type { ChannelKind } from "../channels/ChannelsApi"
import type { InboundAudio } from "../channels/InboundPayload"
import type { OutboundConfig } from "./Outbound"

export class MediaFailed extends Data.TaggedError("MediaFailed")<{
  readonly message: string
  readonly transient: boolean
}> {}

export interface FetchedMedia {
  readonly bytes: Uint8Array
  /** The type the platform gave, without parameters (`audio/ogg`), or undefined when it gave none. */
  readonly mimeType: string | undefined
  /** A file name for the artifact, from the platform's own path when it has one. */
  readonly filename: string
}

/** Telegram's Bot API serves bots files of at most 20 MB. */
export const TELEGRAM_MAX_BYTES = 20 * 1024 * 1024
const TIMEOUT_MS = 60_000

const trim = (url: string) => url.replace(/\/+$/, "")
const megabytes = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`
const failed = (message: string, transient: boolean) => new MediaFailed({ message, transient })
const transientStatus = (status: number) => status === 408 || status === 429 || status >= 500

interface Request {
  readonly url: string
  readonly bearer?: Redacted.Redacted<string> | undefined
  /** What the request is, in a failure's message: `Telegram getFile`. */
  readonly label: string
}

const tooLarge = (label: string, maxBytes: number) =>
  failed(`${label}: the file is larger than ${megabytes(maxBytes)}, the most this host takes in`, false)

/** One GET; the body read whole, at most `maxBytes`. */
const get = (request: Request, maxBytes: number) =>
  Effect.tryPromise({
    try: async (signal) => {
      const response = await fetch(request.url, {
        headers: request.bearer === undefined ? {} : { authorization: `Bearer ${Redacted.value(request.bearer)}` },
        signal: AbortSignal.any([signal, AbortSignal.timeout(TIMEOUT_MS)])
      })
      if (!response.ok) {
        await response.body?.cancel()
        throw failed(`${request.label} answered ${response.status}`, transientStatus(response.status))
      }
      const declared = Number(response.headers.get("content-length") ?? "")
      if (Number.isFinite(declared) && declared > maxBytes) {
        await response.body?.cancel()
        throw tooLarge(request.label, maxBytes)
      }
      const chunks: Array<Uint8Array> = []
      let total = 0
      const reader = response.body?.getReader()
      while (reader !== undefined) {
        const { done, value } = await reader.read()
        if (done) break
        total += value.byteLength
        if (total > maxBytes) {
          await reader.cancel()
          throw tooLarge(request.label, maxBytes)
        }
        chunks.push(value)
      }
      return { bytes: new Uint8Array(Buffer.concat(chunks)), type: response.headers.get("content-type") ?? undefined }
    },
    catch: (error) =>
      error instanceof MediaFailed
        ? error
        : failed(
            `${request.label} could not be reached${error instanceof Error && error.name === "TimeoutError" ? ` within ${TIMEOUT_MS / 1000} seconds` : ""}`,
            true
          )
  })

const json = (request: Request) =>
  Effect.flatMap(get(request, 1024 * 1024), ({ bytes }) =>
    Effect.try({
      try: (): Record<string, unknown> => {
        const value: unknown = JSON.parse(Buffer.from(bytes).toString("utf8"))
        if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error()
        return value as Record<string, unknown>
      },
      catch: () => failed(`${request.label} did not answer a JSON object`, true)
    })
  )

const bareType = (type: unknown) =>
  typeof type === "string" && type.trim() !== "" ? type.split(";")[0]!.trim().toLowerCase() : undefined
const sizeOf = (value: unknown) =>
  typeof value === "number" ? value : typeof value === "string" && /^\d+$/.test(value) ? Number(value) : undefined

const telegram = (base: string, token: Redacted.Redacted<string>, audio: InboundAudio, maxBytes: number) =>
  Effect.gen(function* () {
    const limit = Math.min(maxBytes, TELEGRAM_MAX_BYTES)
    if (audio.fileSize !== undefined && audio.fileSize > limit) return yield* tooLarge("Telegram", limit)
    const api = `${trim(base)}/bot${Redacted.value(token)}`
    const answer = yield* json({
      url: `${api}/getFile?file_id=${encodeURIComponent(audio.fileId)}`,
      label: "Telegram getFile"
    })
    const result = typeof answer["result"] === "object" && answer["result"] !== null ? answer["result"] : {}
    const path = (result as Record<string, unknown>)["file_path"]
    if (answer["ok"] !== true || typeof path !== "string" || path === "") {
      return yield* failed("Telegram getFile gave no file_path for the voice note", false)
    }
    const size = sizeOf((result as Record<string, unknown>)["file_size"])
    if (size !== undefined && size > limit) return yield* tooLarge("Telegram", limit)
    const file = yield* get(
      {
        url: `${trim(base)}/file/bot${Redacted.value(token)}/${path.split("/").map(encodeURIComponent).join("/")}`,
        label: "the Telegram file download"
      },
      limit
    )
    return {
      bytes: file.bytes,
      mimeType: bareType(audio.mimeType),
      filename: path.split("/").pop() ?? "voice-note"
    } satisfies FetchedMedia
  })

const urlOf = (value: unknown) => {
  if (typeof value !== "string") return null
  try {
    return new URL(value)
  } catch {
    return null
  }
}

const sha256Matches = (bytes: Uint8Array, expected: string) => {
  const digest = crypto.createHash("sha256").update(bytes).digest()
  return expected.toLowerCase() === digest.toString("hex") || expected === digest.toString("base64")
}

const whatsapp = (base: string, token: Redacted.Redacted<string>, audio: InboundAudio, maxBytes: number) =>
  Effect.gen(function* () {
    const answer = yield* json({
      url: `${trim(base)}/${encodeURIComponent(audio.fileId)}`,
      bearer: token,
      label: "the WhatsApp media lookup"
    })
    const url = urlOf(answer["url"])
    if (url === null || (url.protocol !== "https:" && url.protocol !== "http:")) {
      return yield* failed("the WhatsApp media lookup gave no download url", false)
    }
    // The bearer goes only where the Graph API pointed, and over TLS whenever the Graph API itself is reached so.
    if (url.protocol === "http:" && new URL(base).protocol === "https:") {
      return yield* failed("the WhatsApp media lookup gave a download url without TLS", false)
    }
    const size = sizeOf(answer["file_size"])
    if (size !== undefined && size > maxBytes) return yield* tooLarge("WhatsApp", maxBytes)
    const file = yield* get({ url: url.href, bearer: token, label: "the WhatsApp media download" }, maxBytes)
    const sha256 = answer["sha256"]
    if (typeof sha256 === "string" && sha256 !== "" && !sha256Matches(file.bytes, sha256)) {
      return yield* failed("the WhatsApp media download does not match its sha256", true)
    }
    const mimeType = bareType(answer["mime_type"]) ?? bareType(audio.mimeType)
    const extension = mimeType === "audio/ogg" ? "ogg" : (mimeType?.split("/")[1] ?? "bin")
    return {
      bytes: file.bytes,
      mimeType,
      filename: `voice-note-${audio.fileId.replace(/[^\w-]/g, "").slice(0, 40)}.${extension}`
    } satisfies FetchedMedia
  })

/** The audio of a voice note, fetched from the platform it was sent on, at most `maxBytes`. */
export const fetchAudio = (
  config: OutboundConfig,
  kind: ChannelKind,
  token: Redacted.Redacted<string>,
  audio: InboundAudio,
  maxBytes: number
): Effect.Effect<FetchedMedia, MediaFailed> => {
  if (audio.fileSize !== undefined && audio.fileSize > maxBytes) return Effect.fail(tooLarge(kind, maxBytes))
  switch (kind) {
    case "telegram":
      return telegram(config.telegram, token, audio, maxBytes)
    case "whatsapp":
      return whatsapp(config.whatsapp, token, audio, maxBytes)
    default:
      return Effect.fail(failed(`${kind} channels carry no voice notes to fetch`, false))
  }
}
