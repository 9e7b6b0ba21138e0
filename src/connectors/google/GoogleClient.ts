// The parts of Google's Calendar API v3 and Gmail API v1 the sync jobs use, over plain fetch. Google answers a spent
// quota with 429, or 403 whose reason is rateLimitExceeded / userRateLimitExceeded: the call waits (Retry-After when
// given, else exponential backoff with jitter) and tries again, a bounded number of times within one run. An expired
// Calendar syncToken (410 Gone) or Gmail startHistoryId (404) is `gone`: the caller starts a full sync. A refused
// token (401) is `unauthorized`: the caller refreshes once. The token stays Redacted until it goes into the header.
import { Data, Duration, Effect, Redacted, Schema } from "effect"

export class GoogleCallError extends Data.TaggedError("GoogleCallError")<{
  readonly kind: "unauthorized" | "gone" | "rate-limited" | "unavailable" | "forbidden"
  readonly message: string
}> {}

const TIMEOUT = Duration.seconds(30)
/** Attempts of one call answered "slow down" before the run gives up (the job's own retry comes later). */
export const RATE_LIMIT_ATTEMPTS = 5
/** The longest single wait a Retry-After may impose inside a run. */
const MAX_WAIT_MS = 60_000

const ErrorBody = Schema.Struct({
  error: Schema.Struct({
    code: Schema.optional(Schema.Number),
    message: Schema.optional(Schema.String),
    errors: Schema.optional(Schema.Array(Schema.Struct({ reason: Schema.optional(Schema.String) })))
  })
})

const reasonsOf = (body: unknown): ReadonlyArray<string> => {
  const decoded = Schema.decodeUnknownOption(ErrorBody)(body)
  if (decoded._tag === "None") return []
  return (decoded.value.error.errors ?? []).flatMap((e) => (e.reason === undefined ? [] : [e.reason]))
}

const RATE_REASONS = ["rateLimitExceeded", "userRateLimitExceeded"]

/** How long to wait before attempt `attempt` (1-based) of a call Google asked to slow down. */
export const backoffMs = (attempt: number, retryAfter: string | null): number => {
  const seconds = retryAfter === null ? Number.NaN : Number(retryAfter)
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, MAX_WAIT_MS)
  const date = retryAfter === null ? Number.NaN : Date.parse(retryAfter)
  if (Number.isFinite(date)) return Math.min(Math.max(date - Date.now(), 0), MAX_WAIT_MS)
  return Math.min(2 ** (attempt - 1) * 1000 + Math.floor(Math.random() * 250), MAX_WAIT_MS)
}

interface Answer {
  readonly status: number
  readonly headers: Headers
  readonly body: unknown
}

const once = (url: string, token: Redacted.Redacted<string>, service: string) =>
  Effect.tryPromise({
    try: async (signal): Promise<Answer> => {
      const response = await fetch(url, {
        headers: { authorization: `Bearer ${Redacted.value(token)}`, accept: "application/json" },
        signal
      })
      const text = await response.text()
      let body: unknown = undefined
      try {
        body = text === "" ? undefined : JSON.parse(text)
      } catch {
        body = undefined
      }
      return { status: response.status, headers: response.headers, body }
    },
    catch: () => new GoogleCallError({ kind: "unavailable", message: `${service} did not answer` })
  }).pipe(
    Effect.timeoutFail({
      duration: TIMEOUT,
      onTimeout: () => new GoogleCallError({ kind: "unavailable", message: `${service} timed out` })
    })
  )

/**
 * GET `url` as the token's account and decode the answer. `goneOn` is the status that means "your cursor expired"
 * for this call (410 for a Calendar syncToken, 404 for a Gmail startHistoryId).
 */
export const getJson = <A, I>(
  service: "Google Calendar" | "Gmail",
  url: string,
  token: Redacted.Redacted<string>,
  schema: Schema.Schema<A, I>,
  options: { readonly goneOn?: number } = {}
): Effect.Effect<A, GoogleCallError> =>
  Effect.gen(function* () {
    for (let attempt = 1; ; attempt++) {
      const answer = yield* once(url, token, service)
      const reasons = reasonsOf(answer.body)
      const slowDown = answer.status === 429 || (answer.status === 403 && reasons.some((r) => RATE_REASONS.includes(r)))
      if (slowDown) {
        if (attempt >= RATE_LIMIT_ATTEMPTS) {
          return yield* new GoogleCallError({
            kind: "rate-limited",
            message: `${service} kept answering ${answer.status} (rate limit) after ${attempt} attempts`
          })
        }
        const wait = backoffMs(attempt, answer.headers.get("retry-after"))
        yield* Effect.logInfo(`${service} asked to slow down: waiting before trying again`).pipe(
          Effect.annotateLogs({ status: answer.status, waitMs: wait, attempt })
        )
        yield* Effect.sleep(Duration.millis(wait))
        continue
      }
      if (answer.status === 401) {
        return yield* new GoogleCallError({ kind: "unauthorized", message: `${service} refused the token (401)` })
      }
      if (options.goneOn !== undefined && answer.status === options.goneOn) {
        return yield* new GoogleCallError({
          kind: "gone",
          message: `${service} answered ${answer.status}: the sync cursor expired, a full sync is needed`
        })
      }
      if (answer.status === 403) {
        return yield* new GoogleCallError({
          kind: "forbidden",
          message: `${service} answered 403${reasons.length > 0 ? ` (${reasons.join(", ")})` : ""}: is the scope granted?`
        })
      }
      if (answer.status !== 200) {
        return yield* new GoogleCallError({ kind: "unavailable", message: `${service} answered ${answer.status}` })
      }
      return yield* Schema.decodeUnknown(schema)(answer.body).pipe(
        Effect.mapError(
          () => new GoogleCallError({ kind: "unavailable", message: `${service}'s answer is not understood` })
        )
      )
    }
  })

/** `base` + `path` with the query parameters that are set. */
export const apiUrl = (
  base: string,
  path: string,
  params: Record<string, string | ReadonlyArray<string> | undefined>
) => {
  const url = new URL(`${base}${path}`)
  for (const [key, value] of Object.entries(params)) {
    for (const one of value === undefined ? [] : typeof value === "string" ? [value] : value) {
      url.searchParams.append(key, one)
    }
  }
  return url.toString()
}

// ---- Calendar v3 -------------------------------------------------------------------------------------------------

const EventTime = Schema.Struct({
  date: Schema.optional(Schema.String),
  dateTime: Schema.optional(Schema.String),
  timeZone: Schema.optional(Schema.String)
})

export const CalendarEvent = Schema.Struct({
  id: Schema.String,
  etag: Schema.optionalWith(Schema.String, { default: () => "" }),
  status: Schema.optionalWith(Schema.String, { default: () => "confirmed" }),
  summary: Schema.optional(Schema.String),
  description: Schema.optional(Schema.String),
  location: Schema.optional(Schema.String),
  htmlLink: Schema.optional(Schema.String),
  updated: Schema.optional(Schema.String),
  start: Schema.optional(EventTime),
  end: Schema.optional(EventTime),
  attendees: Schema.optional(
    Schema.Array(
      Schema.Struct({
        email: Schema.optional(Schema.String),
        displayName: Schema.optional(Schema.String),
        self: Schema.optional(Schema.Boolean),
        resource: Schema.optional(Schema.Boolean),
        responseStatus: Schema.optional(Schema.String)
      })
    )
  ),
  organizer: Schema.optional(Schema.Struct({ email: Schema.optional(Schema.String) }))
})
export type CalendarEvent = typeof CalendarEvent.Type

const EventsPage = Schema.Struct({
  items: Schema.optionalWith(Schema.Array(CalendarEvent), { default: () => [] }),
  nextPageToken: Schema.optional(Schema.String),
  nextSyncToken: Schema.optional(Schema.String)
})

/** Pages one run follows at most; a longer listing continues from its page token next run. */
export const MAX_PAGES = 50

/**
 * Every event of a calendar changed since `syncToken` (cancelled ones included), or from `timeMin` when there is none
 * (a full sync), page by page; answers the events and the next syncToken. An expired token fails with `gone`.
 */
export const listEvents = (
  base: string,
  token: Redacted.Redacted<string>,
  calendarId: string,
  from: { readonly syncToken: string } | { readonly timeMin: string }
) =>
  Effect.gen(function* () {
    const events: Array<CalendarEvent> = []
    let pageToken: string | undefined
    for (let page = 0; page < MAX_PAGES; page++) {
      const answer = yield* getJson(
        "Google Calendar",
        apiUrl(base, `/calendars/${encodeURIComponent(calendarId)}/events`, {
          singleEvents: "true",
          showDeleted: "true",
          maxResults: "250",
          pageToken,
          ...("syncToken" in from ? { syncToken: from.syncToken } : { timeMin: from.timeMin })
        }),
        token,
        EventsPage,
        { goneOn: 410 }
      )
      events.push(...answer.items)
      if (answer.nextPageToken === undefined) return { events, nextSyncToken: answer.nextSyncToken }
      pageToken = answer.nextPageToken
    }
    return yield* new GoogleCallError({
      kind: "unavailable",
      message: `Google Calendar listed more than ${MAX_PAGES} pages for ${calendarId}`
    })
  })

// ---- Gmail v1 ----------------------------------------------------------------------------------------------------

const Profile = Schema.Struct({ emailAddress: Schema.String, historyId: Schema.String })

export const profile = (base: string, token: Redacted.Redacted<string>) =>
  getJson("Gmail", `${base}/users/me/profile`, token, Profile)

const MessageList = Schema.Struct({
  messages: Schema.optionalWith(Schema.Array(Schema.Struct({ id: Schema.String })), { default: () => [] }),
  nextPageToken: Schema.optional(Schema.String)
})

/** The ids of the messages matching Gmail's search `q`, newest first. */
export const listMessageIds = (base: string, token: Redacted.Redacted<string>, q: string) =>
  Effect.gen(function* () {
    const ids: Array<string> = []
    let pageToken: string | undefined
    for (let page = 0; page < MAX_PAGES; page++) {
      const answer = yield* getJson(
        "Gmail",
        apiUrl(base, "/users/me/messages", { q, maxResults: "100", pageToken }),
        token,
        MessageList
      )
      ids.push(...answer.messages.map((m) => m.id))
      if (answer.nextPageToken === undefined) break
      pageToken = answer.nextPageToken
    }
    return ids
  })

const History = Schema.Struct({
  history: Schema.optionalWith(
    Schema.Array(
      Schema.Struct({
        messagesAdded: Schema.optionalWith(
          Schema.Array(Schema.Struct({ message: Schema.Struct({ id: Schema.String }) })),
          { default: () => [] }
        ),
        messagesDeleted: Schema.optionalWith(
          Schema.Array(Schema.Struct({ message: Schema.Struct({ id: Schema.String }) })),
          { default: () => [] }
        )
      })
    ),
    { default: () => [] }
  ),
  nextPageToken: Schema.optional(Schema.String),
  historyId: Schema.String
})

/**
 * What changed in the mailbox since `startHistoryId`: the messages added and deleted, and the historyId to start from
 * next time. An expired startHistoryId (Gmail answers 404) fails with `gone`.
 */
export const history = (base: string, token: Redacted.Redacted<string>, startHistoryId: string) =>
  Effect.gen(function* () {
    const added = new Set<string>()
    const deleted = new Set<string>()
    let pageToken: string | undefined
    let historyId = startHistoryId
    for (let page = 0; page < MAX_PAGES; page++) {
      const answer = yield* getJson(
        "Gmail",
        apiUrl(base, "/users/me/history", {
          startHistoryId,
          historyTypes: ["messageAdded", "messageDeleted"],
          pageToken
        }),
        token,
        History,
        { goneOn: 404 }
      )
      for (const record of answer.history) {
        for (const { message } of record.messagesAdded) added.add(message.id)
        for (const { message } of record.messagesDeleted) deleted.add(message.id)
      }
      historyId = answer.historyId
      if (answer.nextPageToken === undefined) break
      pageToken = answer.nextPageToken
    }
    for (const id of deleted) added.delete(id)
    return { added: [...added], deleted: [...deleted], historyId }
  })

export interface MessagePart {
  readonly partId?: string | undefined
  readonly mimeType?: string | undefined
  readonly filename?: string | undefined
  readonly headers?: ReadonlyArray<{ readonly name: string; readonly value: string }> | undefined
  readonly body?:
    | {
        readonly size?: number | undefined
        readonly data?: string | undefined
        readonly attachmentId?: string | undefined
      }
    | undefined
  readonly parts?: ReadonlyArray<MessagePart> | undefined
}

const MessagePartSchema: Schema.Schema<MessagePart> = Schema.Struct({
  partId: Schema.optional(Schema.String),
  mimeType: Schema.optional(Schema.String),
  filename: Schema.optional(Schema.String),
  headers: Schema.optional(Schema.Array(Schema.Struct({ name: Schema.String, value: Schema.String }))),
  body: Schema.optional(
    Schema.Struct({
      size: Schema.optional(Schema.Number),
      data: Schema.optional(Schema.String),
      attachmentId: Schema.optional(Schema.String)
    })
  ),
  parts: Schema.optional(Schema.Array(Schema.suspend(() => MessagePartSchema)))
})

export const Message = Schema.Struct({
  id: Schema.String,
  threadId: Schema.optional(Schema.String),
  historyId: Schema.optional(Schema.String),
  internalDate: Schema.optional(Schema.String),
  labelIds: Schema.optionalWith(Schema.Array(Schema.String), { default: () => [] }),
  snippet: Schema.optional(Schema.String),
  payload: Schema.optional(MessagePartSchema)
})
export type Message = typeof Message.Type

/** One message in full (`format=full`); a message deleted since it was listed fails with `gone`. */
export const message = (base: string, token: Redacted.Redacted<string>, id: string) =>
  getJson("Gmail", apiUrl(base, `/users/me/messages/${encodeURIComponent(id)}`, { format: "full" }), token, Message, {
    goneOn: 404
  })

const Attachment = Schema.Struct({ data: Schema.String, size: Schema.optional(Schema.Number) })

export const attachment = (base: string, token: Redacted.Redacted<string>, messageId: string, attachmentId: string) =>
  getJson(
    "Gmail",
    `${base}/users/me/messages/${encodeURIComponent(messageId)}/attachments/${encodeURIComponent(attachmentId)}`,
    token,
    Attachment
  )

const Labels = Schema.Struct({
  labels: Schema.optionalWith(Schema.Array(Schema.Struct({ id: Schema.String, name: Schema.String })), {
    default: () => []
  })
})

/** The mailbox's labels, id to name (INBOX's name is INBOX; a user label's id is Label_<n>). */
export const labels = (base: string, token: Redacted.Redacted<string>) =>
  Effect.map(
    getJson("Gmail", `${base}/users/me/labels`, token, Labels),
    (answer) => new Map(answer.labels.map((l) => [l.id, l.name]))
  )
