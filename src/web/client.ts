// The UI's only way to the API: clients derived from the server's HttpApi declaration, with the chosen workspace sent
// as x-workspace-id. Failures come back as the server's own message. Pages call through api.ts (the whole API,
// src/Api.ts) or, in the shell and Today, through shellClient.ts (its first part, src/ShellApi.ts), so the first chunk
// does not carry every route's declaration.
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpApi from "@effect/platform/HttpApi"
import type * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as HttpApiClient from "@effect/platform/HttpApiClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type { Simplify } from "effect/Types"

const WORKSPACE_KEY = "carabase.workspace"

export const currentWorkspace = (): string | undefined => localStorage.getItem(WORKSPACE_KEY) ?? undefined

export const setWorkspace = (id: string | undefined) => {
  if (id === undefined) localStorage.removeItem(WORKSPACE_KEY)
  else localStorage.setItem(WORKSPACE_KEY, id)
}

// API-key mode (CARABASE_API_KEYS_REQUIRED=true): the key the owner pasted lives in sessionStorage for this tab only,
// is sent as `Authorization: Bearer <key>` on every request, and is never rendered back (only "set").
const API_KEY = "carabase.apiKey"

/** Fired on window when the host answers 401: the page shows the API-key prompt. */
export const API_KEY_REQUIRED = "carabase:api-key-required"

export const hasApiKey = () => sessionStorage.getItem(API_KEY) !== null

export const setApiKey = (key: string | undefined) => {
  if (key === undefined) sessionStorage.removeItem(API_KEY)
  else sessionStorage.setItem(API_KEY, key)
}

/** The Authorization header for hand-written requests (the SSE streams), when a key is set. */
export const authHeaders = (): Record<string, string> => {
  const key = sessionStorage.getItem(API_KEY)
  return key === null ? {} : { authorization: `Bearer ${key}` }
}

/** The typed client of an API whose middleware needs nothing on the client side (the workspace header is set here). */
type Client<Groups extends HttpApiGroup.HttpApiGroup.Any, ApiError> = Simplify<
  HttpApiClient.Client<Groups, ApiError, never>
>

const makeClient = <Groups extends HttpApiGroup.HttpApiGroup.Any, ApiError>(
  api: HttpApi.HttpApi<string, Groups, ApiError, never>,
  workspaceId: string | undefined,
  ifMatch?: number
): Effect.Effect<Client<Groups, ApiError>, never, HttpClient.HttpClient> =>
  // Generic over the groups, the compiler cannot see that their middleware's client context is empty (it is: the
  // workspace and key headers are set here); for a concrete API the types below are the ones HttpApiClient derives.
  HttpApiClient.make(api, {
    baseUrl: location.origin,
    transformClient: HttpClient.mapRequest((request) => {
      const key = sessionStorage.getItem(API_KEY)
      const scoped =
        workspaceId === undefined ? request : HttpClientRequest.setHeader(request, "x-workspace-id", workspaceId)
      const based = ifMatch === undefined ? scoped : HttpClientRequest.setHeader(scoped, "if-match", `"${ifMatch}"`)
      return key === null ? based : HttpClientRequest.bearerToken(based, key)
    })
  }) as Effect.Effect<Client<Groups, ApiError>, never, HttpClient.HttpClient>

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

/** An answer with a status the declaration does not name (the API-key guard's 401): its JSON body's message. */
const undeclared = (error: HttpClientError.ResponseError) =>
  error.response.json.pipe(
    Effect.orElseSucceed(() => undefined),
    Effect.map((body) => {
      const { message, _tag } = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>
      return new ApiFailure(
        typeof message === "string" ? message : `the request failed (${error.response.status})`,
        typeof _tag === "string" ? _tag : undefined
      )
    })
  )

/** `call` and `callAt` over the client derived from `api`. */
export const callsFor = <Groups extends HttpApiGroup.HttpApiGroup.Any, ApiError>(
  api: HttpApi.HttpApi<string, Groups, ApiError, never>
) => {
  type Typed = Client<Groups, ApiError>
  const run = async <A, E>(
    use: (api: Typed) => Effect.Effect<A, E>,
    workspaceId: string | undefined,
    ifMatch: number | undefined
  ) => {
    const result = await Effect.runPromise(
      Effect.flatMap(makeClient(api, workspaceId, ifMatch), use).pipe(
        Effect.catchIf(
          (error): error is E & HttpClientError.ResponseError =>
            error instanceof HttpClientError.ResponseError && error.response.status >= 400,
          (error) => Effect.flatMap(undeclared(error), Effect.fail)
        ),
        Effect.either,
        Effect.provide(FetchHttpClient.layer)
      )
    )
    if (Either.isLeft(result)) {
      const failure = result.left instanceof ApiFailure ? result.left : messageOf(result.left)
      if (failure.tag === "ApiKeyRequired") dispatchEvent(new Event(API_KEY_REQUIRED))
      throw failure
    }
    return result.right
  }
  return {
    /** Runs one call with the typed client; rejects with an ApiFailure carrying the server's message. */
    call: <A, E>(use: (api: Typed) => Effect.Effect<A, E>, workspaceId = currentWorkspace()) =>
      run(use, workspaceId, undefined),
    /**
     * A write based on the copy the page shows: sent with `If-Match: "<revision>"`, so a note (or folio) that changed
     * meanwhile answers 409 and nothing is written. The routes that take a base in the body get it there instead.
     */
    callAt: <A, E>(revision: number, use: (api: Typed) => Effect.Effect<A, E>) => run(use, currentWorkspace(), revision)
  }
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
  workspaceId = currentWorkspace(),
  /** Aborting closes the connection: the host then cancels the upstream call and keeps what arrived as interrupted. */
  signal?: AbortSignal
): Promise<void> => {
  const response = await fetch("/api/v1/chat/stream", {
    method: "POST",
    ...(signal === undefined ? {} : { signal }),
    headers: {
      "content-type": "application/json",
      ...authHeaders(),
      ...(workspaceId === undefined ? {} : { "x-workspace-id": workspaceId })
    },
    body: JSON.stringify(payload)
  })
  if (!response.ok || response.body === null) {
    if (response.status === 401) dispatchEvent(new Event(API_KEY_REQUIRED))
    const body = (await response.json().catch(() => ({}))) as { message?: unknown; _tag?: unknown }
    throw new ApiFailure(
      typeof body.message === "string" ? body.message : `the chat request failed (${response.status})`,
      typeof body._tag === "string" ? body._tag : undefined
    )
  }
  await readEvents(response.body, (event, data) =>
    onEvent({ event, data: data === "" ? {} : (JSON.parse(data) as ChatEvent["data"]) })
  )
}

/** Reads a Server-Sent Events body to its end, calling `onEvent` with each event's name and data text. */
export const readEvents = async (
  body: NonNullable<Response["body"]>,
  onEvent: (event: string, data: string) => void
) => {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader()
  let buffer = ""
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    buffer += value.replace(/\r\n?/g, "\n")
    let end: number
    while ((end = buffer.indexOf("\n\n")) !== -1) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      if (block.startsWith(":")) continue
      const event = /^event: ?(.*)$/m.exec(block)?.[1] ?? "message"
      const data = block
        .split("\n")
        .filter((line) => line.startsWith("data:"))
        .map((line) => line.slice(line.startsWith("data: ") ? 6 : 5))
        .join("\n")
      onEvent(event, data)
    }
  }
}
