// What the fake servers (OpenClaw gateway, model provider, OAuth provider) share: reading a request's whole body as
// UTF-8 text, and answering JSON with its length.
import type * as http from "node:http"

/** The request's whole body, decoded as UTF-8 (a character split across chunks stays whole). */
export const readBody = (request: http.IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    let text = ""
    request.setEncoding("utf8")
    request.on("data", (chunk: string) => (text += chunk))
    request.on("end", () => resolve(text))
    request.on("error", reject)
  })

/** The request's whole body as bytes (a multipart upload). */
export const readBytes = (request: http.IncomingMessage) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Array<Buffer> = []
    request.on("data", (chunk: Buffer) => chunks.push(chunk))
    request.on("end", () => resolve(Buffer.concat(chunks)))
    request.on("error", reject)
  })

/** Answers `body` as JSON with `status` and a content-length. */
export const json = (response: http.ServerResponse, status: number, body: unknown) => {
  const text = JSON.stringify(body)
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) })
  response.end(text)
}
