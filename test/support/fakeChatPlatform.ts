// A local stand-in for the Telegram Bot API and the WhatsApp Cloud (Graph) API, as far as a channel uses them: sending
// a message, and fetching the media of a voice note, in the shapes the platforms document.
//   Telegram  POST /bot<token>/sendMessage                 → { ok: true, result: Message }
//             GET  /bot<token>/getFile?file_id=<id>          → { ok: true, result: { file_id, file_unique_id, file_size, file_path } }
//             GET  /file/bot<token>/<file_path>              → the file's bytes
//             an unknown token answers 401 { ok: false, error_code: 401, description: "Unauthorized" }, an unknown
//             file_id 400 { ok: false, error_code: 400, description: "Bad Request: invalid file_id" }
//   WhatsApp  POST /<phone_number_id>/messages  Bearer        → { messaging_product, contacts, messages: [{ id }] }
//             GET  /<media id>                  Bearer        → { messaging_product, url, mime_type, sha256, file_size, id }
//             GET  /media-download/<media id>   Bearer        → the bytes (the url the lookup gave)
//             a wrong bearer answers 401 and an unknown media id 404, with Graph's { error: { message, type, code } }
// Every request is recorded; `failNext` makes the next download of a file answer a status instead.
import * as crypto from "node:crypto"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { json, readBody } from "./fakeHttp"

export interface PlatformCall {
  readonly method: string
  readonly path: string
  readonly authorization: string | undefined
  readonly body: any
}

export interface TelegramFile {
  readonly token: string
  readonly fileId: string
  readonly filePath: string
  readonly bytes: Uint8Array
}

export interface WhatsAppMedia {
  readonly token: string
  readonly mediaId: string
  readonly mimeType: string
  readonly bytes: Uint8Array
  /** The sha256 the lookup answers; default: the bytes' own (hex). */
  readonly sha256?: string
}

export interface FakeChatPlatform {
  readonly url: string
  readonly calls: Array<PlatformCall>
  readonly addTelegramFile: (file: TelegramFile) => void
  readonly addWhatsAppMedia: (media: WhatsAppMedia) => void
  /** The next `times` downloads of this file id or media id answer `status`. */
  readonly failNext: (id: string, status: number, times?: number) => void
  readonly close: () => Promise<void>
}

const graphError = (response: http.ServerResponse, status: number, message: string) =>
  json(response, status, { error: { message, type: "OAuthException", code: status === 401 ? 190 : 100 } })

export const startFakeChatPlatform = async (): Promise<FakeChatPlatform> => {
  const calls: Array<PlatformCall> = []
  const telegramFiles = new Map<string, TelegramFile>()
  const whatsappMedia = new Map<string, WhatsAppMedia>()
  const failures = new Map<string, { status: number; times: number }>()
  const tokens = new Set<string>()
  let base = ""

  const failing = (id: string) => {
    const failure = failures.get(id)
    if (failure === undefined) return undefined
    if (--failure.times <= 0) failures.delete(id)
    return failure.status
  }
  const bytes = (response: http.ServerResponse, content: Uint8Array, type: string) => {
    response.writeHead(200, { "content-type": type, "content-length": content.byteLength })
    response.end(Buffer.from(content))
  }

  const telegram = (request: http.IncomingMessage, response: http.ServerResponse, url: URL, body: any) => {
    const download = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname)
    if (download !== null) {
      const file = [...telegramFiles.values()].find(
        (f) => f.token === decodeURIComponent(download[1]!) && f.filePath === decodeURIComponent(download[2]!)
      )
      if (file === undefined) return json(response, 404, { ok: false, error_code: 404, description: "Not Found" })
      const status = failing(file.fileId)
      if (status !== undefined) return json(response, status, { ok: false, error_code: status, description: "Error" })
      return bytes(response, file.bytes, "application/octet-stream")
    }
    const method = /^\/bot([^/]+)\/(\w+)$/.exec(url.pathname)
    if (method === null) return json(response, 404, { ok: false, error_code: 404, description: "Not Found" })
    const token = decodeURIComponent(method[1]!)
    if (!tokens.has(token)) return json(response, 401, { ok: false, error_code: 401, description: "Unauthorized" })
    if (method[2] === "sendMessage") {
      return json(response, 200, {
        ok: true,
        result: { message_id: calls.length, date: Math.floor(Date.now() / 1000), chat: { id: body?.chat_id } }
      })
    }
    if (method[2] === "getFile" && request.method === "GET") {
      const file = telegramFiles.get(url.searchParams.get("file_id") ?? "")
      if (file === undefined || file.token !== token) {
        return json(response, 400, { ok: false, error_code: 400, description: "Bad Request: invalid file_id" })
      }
      return json(response, 200, {
        ok: true,
        result: {
          file_id: file.fileId,
          file_unique_id: file.fileId.slice(0, 16),
          file_size: file.bytes.byteLength,
          file_path: file.filePath
        }
      })
    }
    return json(response, 404, { ok: false, error_code: 404, description: "Not Found: method not found" })
  }

  const whatsapp = (request: http.IncomingMessage, response: http.ServerResponse, url: URL) => {
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1]
    if (bearer === undefined || !tokens.has(bearer)) return graphError(response, 401, "Invalid OAuth access token.")
    if (request.method === "POST" && /^\/[^/]+\/messages$/.test(url.pathname)) {
      return json(response, 200, {
        messaging_product: "whatsapp",
        contacts: [{ input: "", wa_id: "" }],
        messages: [{ id: `wamid.${crypto.randomUUID()}` }]
      })
    }
    const download = /^\/media-download\/([^/]+)$/.exec(url.pathname)
    const mediaId = decodeURIComponent(download?.[1] ?? url.pathname.slice(1))
    const media = whatsappMedia.get(mediaId)
    if (media === undefined || media.token !== bearer) {
      return graphError(response, 404, `Unsupported get request. Object with ID '${mediaId}' does not exist.`)
    }
    if (download !== null) {
      const status = failing(mediaId)
      if (status !== undefined) return graphError(response, status, "Download failed.")
      return bytes(response, media.bytes, media.mimeType)
    }
    return json(response, 200, {
      messaging_product: "whatsapp",
      url: `${base}/media-download/${encodeURIComponent(mediaId)}`,
      mime_type: media.mimeType,
      sha256: media.sha256 ?? crypto.createHash("sha256").update(media.bytes).digest("hex"),
      file_size: media.bytes.byteLength,
      id: mediaId
    })
  }

  const server = http.createServer((request, response) => {
    void readBody(request).then((raw) => {
      const url = new URL(request.url ?? "/", base)
      const body = raw === "" ? undefined : JSON.parse(raw)
      calls.push({
        method: request.method ?? "",
        path: request.url ?? "",
        authorization: request.headers.authorization,
        body
      })
      if (url.pathname.startsWith("/bot") || url.pathname.startsWith("/file/bot"))
        telegram(request, response, url, body)
      else whatsapp(request, response, url)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url: base,
    calls,
    addTelegramFile: (file) => {
      tokens.add(file.token)
      telegramFiles.set(file.fileId, file)
    },
    addWhatsAppMedia: (media) => {
      tokens.add(media.token)
      whatsappMedia.set(media.mediaId, media)
    },
    failNext: (id, status, times = 1) => failures.set(id, { status, times }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
}
