// A local server speaking the OpenAI embeddings protocol (as OpenClaw's gateway, Ollama and OpenAI do): POST
// /v1/embeddings with { model, input } and a bearer key, answered by { object: "list", data: [{ object: "embedding",
// index, embedding }], model, usage }. Its vectors are the hashing embedder's, padded to `dimensions`, so tests can
// reason about relevance; it records every request it receives.
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { hashingEmbedding } from "../../src/embeddings/Embedder"

export interface RecordedRequest {
  readonly method: string
  readonly url: string
  readonly authorization: string | undefined
  readonly contentType: string | undefined
  readonly body: any
}

export const startFakeEmbeddings = async (
  options: { apiKey?: string; dimensions?: number; failWith?: () => number | undefined } = {}
) => {
  const requests: Array<RecordedRequest> = []
  const dimensions = options.dimensions ?? 768
  const server = http.createServer((request, response) => {
    let raw = ""
    request.on("data", (chunk: Buffer) => (raw += chunk.toString()))
    request.on("end", () => {
      let body: any
      try {
        body = JSON.parse(raw)
      } catch {
        body = raw
      }
      requests.push({
        method: request.method ?? "",
        url: request.url ?? "",
        authorization: request.headers.authorization,
        contentType: request.headers["content-type"],
        body
      })
      const reply = (status: number, payload: unknown) => {
        response.writeHead(status, { "content-type": "application/json" })
        response.end(JSON.stringify(payload))
      }
      const failure = options.failWith?.()
      if (failure !== undefined)
        return reply(failure, { error: { message: "failing on purpose", type: "server_error" } })
      if (request.method !== "POST" || request.url !== "/v1/embeddings") {
        return reply(404, { error: { message: "not found", type: "invalid_request_error" } })
      }
      if (options.apiKey !== undefined && request.headers.authorization !== `Bearer ${options.apiKey}`) {
        return reply(401, { error: { message: "Incorrect API key provided", type: "invalid_request_error" } })
      }
      const inputs: Array<string> = typeof body.input === "string" ? [body.input] : body.input
      const data = inputs.map((text, index) => {
        const vector = hashingEmbedding(text)
        return { object: "embedding", index, embedding: [...vector, ...new Array(dimensions - vector.length).fill(0)] }
      })
      // Answer in reverse order: clients must place vectors by `index`, not by position.
      const tokens = inputs.reduce((sum, text) => sum + Math.ceil(text.length / 4), 0)
      reply(200, {
        object: "list",
        data: data.reverse(),
        model: body.model,
        usage: { prompt_tokens: tokens, total_tokens: tokens }
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const port = (server.address() as AddressInfo).port
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
}
