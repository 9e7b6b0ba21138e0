// A local server that answers like Google's Calendar API v3 and Gmail API v1 for what the host uses, in their
// documented shapes:
// - Calendar: `GET /calendar/v3/calendars/{calendarId}/events` with singleEvents, showDeleted, timeMin, maxResults,
//   pageToken and syncToken; pages end with `nextPageToken`, the last page carries `nextSyncToken`; an incremental
//   answer holds every event changed since the token, cancelled ones as `{ id, status: "cancelled" }`; an expired
//   token answers 410 with reason fullSyncRequired.
// - Gmail: `GET /gmail/v1/users/me/profile`, `/labels`, `/messages?q=newer_than:Nd&maxResults&pageToken`,
//   `/messages/{id}?format=full` (a multipart/mixed payload with base64url bodies; attachments by attachmentId, a new
//   one on every fetch as Gmail does), `/messages/{id}/attachments/{attachmentId}`, and `/history` with
//   startHistoryId (404 once it is older than the mailbox keeps).
// Tokens are checked against the fake OAuth server; `slowDown` refuses the next requests with 429 and Retry-After,
// `refuseToken` answers 401 to the next request whatever its token.
import * as crypto from "node:crypto"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { json } from "./fakeHttp"
import type { Account } from "./fakeOAuthServer"

export interface FakeEvent {
  id: string
  summary: string
  start: { dateTime?: string; date?: string }
  end?: { dateTime?: string; date?: string }
  location?: string
  description?: string
  attendees?: Array<{ email: string; displayName?: string; self?: boolean; resource?: boolean }>
  status?: "confirmed" | "cancelled"
  /** Set by the server: the change counter when the event last changed. */
  seq?: number
}

export interface FakeMail {
  id: string
  from: string
  to: string
  cc?: string
  subject: string
  text: string
  labelIds: Array<string>
  /** Milliseconds since the epoch. */
  internalDate: number
  attachments?: Array<{ filename: string; mimeType: string; data: Buffer }>
  /** Set by the server. */
  historyId?: number
}

export interface FakeRequest {
  readonly path: string
  readonly query: Record<string, string | Array<string>>
  readonly status: number
}

export interface FakeGoogle {
  readonly url: string
  readonly calendarUrl: string
  readonly gmailUrl: string
  /** Every request, with the status it got. */
  readonly requests: Array<FakeRequest>
  /** Adds or changes an event (a new etag and change counter). */
  readonly putEvent: (calendarId: string, event: FakeEvent) => void
  readonly cancelEvent: (calendarId: string, id: string) => void
  /** Sync tokens issued before now answer 410. */
  readonly expireSyncTokens: () => void
  readonly addMail: (mail: FakeMail) => void
  /** History ids before now answer 404. */
  readonly expireHistory: () => void
  /** Labels of the mailbox, id to name. */
  readonly labels: Map<string, string>
  /** Page size when the request asks for more (to make paging happen with few items). */
  pageSize: number
  /** The next this-many requests answer 429 with Retry-After: 1. */
  slowDown: number
  /** The next this-many requests answer 401. */
  refuseToken: number
  readonly close: () => Promise<void>
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString("base64url")

export const startFakeGoogle = async (accountOf: (token: string) => Account | undefined): Promise<FakeGoogle> => {
  let seq = 0
  let syncFloor = 0
  let historyFloor = 0
  const calendars = new Map<string, Map<string, FakeEvent & { etag: string }>>()
  const mails: Array<FakeMail & { historyId: number }> = []
  const attachmentIds = new Map<string, Buffer>()
  const requests: Array<FakeRequest> = []

  const fake: Omit<FakeGoogle, "url" | "calendarUrl" | "gmailUrl" | "close"> = {
    requests,
    labels: new Map([
      ["INBOX", "INBOX"],
      ["Label_1", "Clients"]
    ]),
    pageSize: 250,
    slowDown: 0,
    refuseToken: 0,
    putEvent: (calendarId, event) => {
      seq++
      const calendar = calendars.get(calendarId) ?? new Map()
      calendars.set(calendarId, calendar)
      calendar.set(event.id, { ...event, seq, etag: `"${seq}"` })
    },
    cancelEvent: (calendarId, id) => {
      const event = calendars.get(calendarId)?.get(id)
      if (event === undefined) throw new Error(`no event ${id}`)
      seq++
      calendars.get(calendarId)!.set(id, { ...event, status: "cancelled", seq, etag: `"${seq}"` })
    },
    expireSyncTokens: () => {
      syncFloor = seq + 1
    },
    addMail: (mail) => {
      seq++
      mails.push({ ...mail, historyId: seq })
    },
    expireHistory: () => {
      historyFloor = seq + 1
    }
  }

  const page = <T>(items: ReadonlyArray<T>, query: URLSearchParams) => {
    const size = Math.min(Number(query.get("maxResults") ?? 100), fake.pageSize)
    const offset = Number(query.get("pageToken") ?? 0)
    const slice = items.slice(offset, offset + size)
    const next = offset + size < items.length ? String(offset + size) : undefined
    return { slice, next }
  }

  const events = (calendarId: string, query: URLSearchParams, response: http.ServerResponse) => {
    const calendar = [...(calendars.get(calendarId)?.values() ?? [])]
    const token = query.get("syncToken")
    let chosen: Array<FakeEvent & { etag: string }>
    if (token !== null) {
      const since = Number(/^st-(\d+)$/.exec(token)?.[1] ?? Number.NaN)
      if (!Number.isFinite(since) || since < syncFloor) {
        const message = "Sync token is no longer valid, a full sync is required."
        return json(response, 410, {
          error: { errors: [{ domain: "global", reason: "fullSyncRequired", message }], code: 410, message }
        })
      }
      chosen = calendar.filter((e) => (e.seq ?? 0) > since)
    } else {
      const timeMin = Date.parse(query.get("timeMin") ?? "")
      chosen = calendar.filter(
        (e) =>
          e.status !== "cancelled" &&
          (!Number.isFinite(timeMin) || Date.parse(e.end?.dateTime ?? e.start.dateTime ?? e.start.date!) >= timeMin)
      )
    }
    const { slice, next } = page(chosen, query)
    const items = slice.map((e) =>
      e.status === "cancelled"
        ? { kind: "calendar#event", etag: e.etag, id: e.id, status: "cancelled" }
        : {
            kind: "calendar#event",
            etag: e.etag,
            id: e.id,
            status: "confirmed",
            htmlLink: `https://calendar.example/event?eid=${e.id}`,
            summary: e.summary,
            ...(e.location === undefined ? {} : { location: e.location }),
            ...(e.description === undefined ? {} : { description: e.description }),
            start: e.start,
            end: e.end ?? e.start,
            ...(e.attendees === undefined ? {} : { attendees: e.attendees }),
            updated: new Date().toISOString()
          }
    )
    json(response, 200, {
      kind: "calendar#events",
      summary: calendarId,
      items,
      ...(next === undefined ? { nextSyncToken: `st-${seq}` } : { nextPageToken: next })
    })
  }

  const payloadOf = (mail: FakeMail) => {
    const headers = [
      { name: "From", value: mail.from },
      { name: "To", value: mail.to },
      ...(mail.cc === undefined ? [] : [{ name: "Cc", value: mail.cc }]),
      { name: "Subject", value: mail.subject },
      { name: "Date", value: new Date(mail.internalDate).toUTCString() }
    ]
    const parts = [
      {
        partId: "0",
        mimeType: "text/plain",
        filename: "",
        headers: [{ name: "Content-Type", value: "text/plain; charset=UTF-8" }],
        body: { size: Buffer.byteLength(mail.text), data: b64url(mail.text) }
      },
      ...(mail.attachments ?? []).map((a, i) => {
        // Gmail hands out a new attachmentId on every fetch of the message.
        const attachmentId = `ANGjdJ${crypto.randomBytes(12).toString("base64url")}`
        attachmentIds.set(attachmentId, a.data)
        return {
          partId: String(i + 1),
          mimeType: a.mimeType,
          filename: a.filename,
          headers: [{ name: "Content-Disposition", value: `attachment; filename="${a.filename}"` }],
          body: { size: a.data.length, attachmentId }
        }
      })
    ]
    return { partId: "", mimeType: "multipart/mixed", filename: "", headers, body: { size: 0 }, parts }
  }

  const gmail = (rest: string, query: URLSearchParams, response: http.ServerResponse) => {
    if (rest === "/profile") {
      return json(response, 200, {
        emailAddress: "me@example.org",
        messagesTotal: mails.length,
        historyId: String(seq)
      })
    }
    if (rest === "/labels") {
      return json(response, 200, {
        labels: [...fake.labels].map(([id, name]) => ({ id, name, type: id.startsWith("Label_") ? "user" : "system" }))
      })
    }
    if (rest === "/messages") {
      const days = Number(/newer_than:(\d+)d/.exec(query.get("q") ?? "")?.[1] ?? Number.NaN)
      const cutoff = Number.isFinite(days) ? Date.now() - days * 86_400_000 : 0
      const newestFirst = [...mails].reverse().filter((m) => m.internalDate >= cutoff)
      const { slice, next } = page(newestFirst, query)
      return json(response, 200, {
        messages: slice.map((m) => ({ id: m.id, threadId: `t-${m.id}` })),
        resultSizeEstimate: newestFirst.length,
        ...(next === undefined ? {} : { nextPageToken: next })
      })
    }
    if (rest === "/history") {
      const start = Number(query.get("startHistoryId"))
      if (!Number.isFinite(start) || start < historyFloor) {
        return json(response, 404, {
          error: { code: 404, message: "Requested entity was not found.", status: "NOT_FOUND" }
        })
      }
      const added = mails.filter((m) => m.historyId > start)
      const { slice, next } = page(added, query)
      return json(response, 200, {
        history: slice.map((m) => ({
          id: String(m.historyId),
          messages: [{ id: m.id, threadId: `t-${m.id}` }],
          messagesAdded: [{ message: { id: m.id, threadId: `t-${m.id}`, labelIds: m.labelIds } }]
        })),
        historyId: String(seq),
        ...(next === undefined ? {} : { nextPageToken: next })
      })
    }
    const attachment = /^\/messages\/([^/]+)\/attachments\/([^/]+)$/.exec(rest)
    if (attachment !== null) {
      const data = attachmentIds.get(decodeURIComponent(attachment[2]!))
      if (data === undefined) return json(response, 404, { error: { code: 404, message: "Not Found" } })
      return json(response, 200, { size: data.length, data: b64url(data) })
    }
    const message = /^\/messages\/([^/]+)$/.exec(rest)
    if (message !== null) {
      const mail = mails.find((m) => m.id === decodeURIComponent(message[1]!))
      if (mail === undefined)
        return json(response, 404, { error: { code: 404, message: "Requested entity was not found." } })
      return json(response, 200, {
        id: mail.id,
        threadId: `t-${mail.id}`,
        labelIds: mail.labelIds,
        snippet: mail.text.slice(0, 100),
        historyId: String(mail.historyId),
        internalDate: String(mail.internalDate),
        sizeEstimate: mail.text.length,
        payload: payloadOf(mail)
      })
    }
    json(response, 404, { error: { code: 404, message: "Not Found" } })
  }

  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://fake")
    const query: Record<string, string | Array<string>> = {}
    for (const key of new Set(url.searchParams.keys())) {
      const all = url.searchParams.getAll(key)
      query[key] = all.length === 1 ? all[0]! : all
    }
    response.on("finish", () => requests.push({ path: url.pathname, query, status: response.statusCode }))
    if (fake.slowDown > 0) {
      fake.slowDown--
      response.setHeader("retry-after", "1")
      return json(response, 429, {
        error: {
          code: 429,
          message: "Rate Limit Exceeded",
          errors: [{ domain: "usageLimits", reason: "rateLimitExceeded", message: "Rate Limit Exceeded" }]
        }
      })
    }
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1]
    if (fake.refuseToken > 0 || token === undefined || accountOf(token) === undefined) {
      if (fake.refuseToken > 0) fake.refuseToken--
      return json(response, 401, { error: { code: 401, message: "Request had invalid authentication credentials." } })
    }
    const calendar = /^\/calendar\/v3\/calendars\/([^/]+)\/events$/.exec(url.pathname)
    if (calendar !== null) return events(decodeURIComponent(calendar[1]!), url.searchParams, response)
    const mailbox = /^\/gmail\/v1\/users\/me(\/.*)$/.exec(url.pathname)
    if (mailbox !== null) return gmail(mailbox[1]!, url.searchParams, response)
    json(response, 404, { error: { code: 404, message: "Not Found" } })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return Object.assign(fake as FakeGoogle, {
    url,
    calendarUrl: `${url}/calendar/v3`,
    gmailUrl: `${url}/gmail/v1`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  })
}
