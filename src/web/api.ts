// The UI's only way to the API: the client derived from the server's HttpApi declaration (src/http/Api.ts), with the
// chosen workspace sent as x-workspace-id. Failures come back as the server's own message.
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpApiClient from "@effect/platform/HttpApiClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { CarabaseApi } from "../http/Api"

const WORKSPACE_KEY = "carabase.workspace"

export const currentWorkspace = (): string | undefined => localStorage.getItem(WORKSPACE_KEY) ?? undefined

export const setWorkspace = (id: string | undefined) => {
  if (id === undefined) localStorage.removeItem(WORKSPACE_KEY)
  else localStorage.setItem(WORKSPACE_KEY, id)
}

const makeClient = (workspaceId: string | undefined) =>
  HttpApiClient.make(CarabaseApi, {
    baseUrl: location.origin,
    ...(workspaceId === undefined
      ? {}
      : { transformClient: HttpClient.mapRequest(HttpClientRequest.setHeader("x-workspace-id", workspaceId)) })
  })

export type Client = Effect.Effect.Success<ReturnType<typeof makeClient>>

/** An API failure as the user should read it: the server's message (typed errors carry one), else the client's. */
export class ApiFailure extends Error {
  constructor(
    message: string,
    readonly tag: string | undefined
  ) {
    super(message)
  }
}

const messageOf = (error: unknown): ApiFailure => {
  if (ParseResult.isParseError(error)) return new ApiFailure(firstIssue(error), "ParseError")
  if (typeof error === "object" && error !== null) {
    const tag = "_tag" in error && typeof error._tag === "string" ? error._tag : undefined
    if ("message" in error && typeof error.message === "string" && error.message !== "") {
      return new ApiFailure(error.message, tag)
    }
    return new ApiFailure(tag ?? "the request failed", tag)
  }
  return new ApiFailure(String(error), undefined)
}

/** Runs one call with the typed client; rejects with an ApiFailure carrying the server's message. */
export const call = async <A, E>(use: (api: Client) => Effect.Effect<A, E>, workspaceId = currentWorkspace()) => {
  const result = await Effect.runPromise(
    Effect.flatMap(makeClient(workspaceId), use).pipe(Effect.either, Effect.provide(FetchHttpClient.layer))
  )
  if (Either.isLeft(result)) throw messageOf(result.left)
  return result.right
}

const firstIssue = (error: ParseResult.ParseError) => {
  const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
  const issue = issues[0]
  if (issue === undefined) return error.message
  return issue.path.length === 0 ? issue.message : `${issue.path.join(".")}: ${issue.message}`
}

/** Checks form input against the API's own schema before anything is sent. */
export const validate = <A, I>(
  schema: Schema.Schema<A, I>,
  input: unknown
): { readonly ok: true; readonly value: A } | { readonly ok: false; readonly message: string } => {
  const result = Schema.decodeUnknownEither(schema, { errors: "first" })(input)
  return Either.isRight(result) ? { ok: true, value: result.right } : { ok: false, message: firstIssue(result.left) }
}

export interface ChatEvent {
  readonly event: string
  readonly data: { readonly [key: string]: unknown }
}

/**
 * The one hand-written request to the API. POST /chat/stream answers Server-Sent Events (src/chat/ChatApi.ts declares
 * its success as text/event-stream), and the typed client reads a success body whole before returning it, so replies
 * would appear only once finished. This reads the same declared endpoint incrementally; the payload is still checked
 * with the declaration's ChatStreamRequest schema by the caller, and errors before the stream are the same JSON errors.
 */
export const streamChat = async (
  payload: { readonly message: string; readonly sessionId?: string },
  onEvent: (event: ChatEvent) => void,
  workspaceId = currentWorkspace()
): Promise<void> => {
  const response = await fetch("/api/v1/chat/stream", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(workspaceId === undefined ? {} : { "x-workspace-id": workspaceId })
    },
    body: JSON.stringify(payload)
  })
  if (!response.ok || response.body === null) {
    const body = (await response.json().catch(() => ({}))) as { message?: unknown; _tag?: unknown }
    throw new ApiFailure(
      typeof body.message === "string" ? body.message : `the chat request failed (${response.status})`,
      typeof body._tag === "string" ? body._tag : undefined
    )
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
  let buffer = ""
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    buffer += value
    let end: number
    while ((end = buffer.indexOf("\n\n")) !== -1) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      if (block.startsWith(":")) continue
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? "message"
      const data = block
        .split("\n")
        .filter((line) => line.startsWith("data: "))
        .map((line) => line.slice(6))
        .join("\n")
      onEvent({ event, data: data === "" ? {} : (JSON.parse(data) as ChatEvent["data"]) })
    }
  }
}
