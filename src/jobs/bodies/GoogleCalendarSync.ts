// The google-calendar-sync job body: for every active Google connection granted calendar.readonly, the events of the
// chosen calendars (the `calendars` named by the workspace's google-calendar sync rules; `primary` when none name
// any) become one log card each on the day they happen (tagged #calendar, with the rules' tags and folios), an
// artifact for search, and the attendees person entities that `met_with` the account's owner. The first run reads
// from 30 days back; later runs ask only for what changed (Calendar's syncToken; an expired one, 410 Gone, means a
// full read again). A changed event (new etag) rewrites its card, or moves it to its new day; a cancelled one takes
// it out; an unchanged one costs nothing. A card the owner removed stays removed.
import { Clock, Effect, Option } from "effect"
import { Artifacts } from "../../artifacts/Artifacts"
import type { ArtifactId } from "../../artifacts/ArtifactsApi"
import type { Connection } from "../../connectors/ConnectorsApi"
import { Connections } from "../../connectors/Connections"
import { attendeesOf, eventMarkdown, eventPlacement, eventText } from "../../connectors/google/EventCards"
import * as GoogleClient from "../../connectors/google/GoogleClient"
import { asConnection, connectionsFor, linkPeople } from "../../connectors/google/GoogleSession"
import * as GoogleSyncRepo from "../../connectors/google/GoogleSyncRepo"
import { providersConfig } from "../../connectors/OAuthProviders"
import { asHostRule, route } from "../../connectors/SyncRules"
import type { AnySyncRule } from "../../connectors/SyncRulesApi"
import { SyncRouting } from "../../connectors/SyncRouting"
import { Graph } from "../../graph/Graph"
import { makeLogCard, normalizeTags } from "../../notes/LogCard"
import { markdownToBlocks } from "../../notes/Markdown"
import type { NoteDate } from "../../notes/NoteDate"
import { Notes } from "../../notes/Notes"
import { RlsScope } from "../../platform/RlsScope"
import { JobError, skipped, type JobBody } from "../JobBody"

export const INTEGRATION = "google-calendar"
/** How far back the first read of a calendar goes. */
export const FIRST_SYNC_DAYS = 30

/** The calendars the rules name (enabled rules, each once), or the account's primary calendar. */
export const calendarsOf = (rules: ReadonlyArray<AnySyncRule>): ReadonlyArray<string> => {
  const named = new Set<string>()
  for (const rule of rules.map(asHostRule)) {
    if (rule.enabled === false) continue
    for (const calendar of rule.match?.calendars ?? []) named.add(calendar)
  }
  return named.size === 0 ? ["primary"] : [...named]
}

interface Tally {
  written: number
  unchanged: number
  removed: number
}

export const googleCalendarSync = Effect.gen(function* () {
  const connections = yield* Connections
  const artifacts = yield* Artifacts
  const notes = yield* Notes
  const graph = yield* Graph
  const routing = yield* SyncRouting
  const rls = yield* RlsScope
  const repo = yield* GoogleSyncRepo.make
  const { googleCalendarApiUrl } = yield* providersConfig

  /** Takes the card out of its day, without the trash: Google holds the event, not the owner. */
  const dropCard = (day: string, key: string) =>
    notes
      .edit(day as NoteDate, { create: false }, (note) =>
        Effect.succeed({ document: note.document.filter((node) => node.attrs?.idempotencyKey !== key), result: true })
      )
      .pipe(Effect.catchTag("NoteTooLarge", () => Effect.void))

  const apply = (
    connection: Connection,
    rules: ReadonlyArray<AnySyncRule>,
    calendarId: string,
    event: GoogleClient.CalendarEvent,
    tally: Tally
  ) =>
    rls.current(
      Effect.gen(function* () {
        const key = { connectionId: connection.id, resource: `calendar:${calendarId}`, externalId: event.id }
        const before = Option.getOrUndefined(yield* repo.item(key))
        const placement = eventPlacement(event)
        if (event.status === "cancelled" || placement === undefined) {
          if (before === undefined) return
          if (before.noteDate !== null && before.entryKey !== null) yield* dropCard(before.noteDate, before.entryKey)
          if (before.artifactId !== null) {
            yield* artifacts
              .remove(before.artifactId as ArtifactId, "google-calendar-sync")
              .pipe(Effect.catchTag("ArtifactNotFound", () => Effect.void))
          }
          yield* repo.dropItem(key)
          tally.removed++
          return
        }
        if (before !== undefined && event.etag !== "" && before.etag === event.etag) {
          tally.unchanged++
          return
        }
        const now = yield* Clock.currentTimeMillis
        const start = Date.parse(event.start?.dateTime ?? `${placement.day}T00:00:00Z`)
        const routed = route(rules, {
          kind: "event",
          title: event.summary ?? "",
          url: event.htmlLink,
          calendar: calendarId,
          ageHours: (now - start) / 3_600_000
        })
        const entryKey = `gcal:${connection.id}:${calendarId}:${event.id}`
        const card = makeLogCard({
          timestamp: placement.timestamp,
          content: markdownToBlocks(eventMarkdown(event)),
          folios: routed.folios,
          tags: normalizeTags(["calendar", ...routed.tags]),
          idempotencyKey: entryKey
        })
        const movedFrom = before?.noteDate ?? null
        if (before === undefined || movedFrom !== placement.day) {
          if (movedFrom !== null && before?.entryKey != null) yield* dropCard(movedFrom, before.entryKey)
          yield* notes.appendBlock({ block: card, date: placement.day })
        } else {
          // The owner may have removed the card: that stays so (EntryNotFound), the event is still searchable.
          yield* notes
            .editEntry(placement.day, entryKey, { block: card })
            .pipe(Effect.catchTags({ EntryNotFound: () => Effect.void }))
        }
        const stored = yield* artifacts.storeHarvested({
          source: "google-calendar",
          externalId: `${calendarId}/${event.id}`,
          connectionId: connection.id,
          title: (event.summary ?? "").trim() || "(no title)",
          text: eventText(event),
          metadata: {
            calendarId,
            eventId: event.id,
            url: event.htmlLink ?? null,
            start: event.start ?? null,
            end: event.end ?? null,
            attendees: attendeesOf(event),
            date: placement.day,
            tags: routed.tags,
            folios: routed.folios
          }
        })
        if (routed.harvestToGraph !== false) {
          const self = { name: connection.accountLabel, email: connection.accountLabel }
          yield* linkPeople(graph, attendeesOf(event), [self], "met_with", {
            source: "google-calendar",
            connectionId: connection.id,
            calendarId,
            eventId: event.id,
            date: placement.day
          })
        }
        yield* repo.putItem(key, {
          etag: event.etag,
          artifactId: stored.id,
          noteDate: placement.day,
          entryKey
        })
        tally.written++
      })
    )

  const syncCalendar = (connection: Connection, rules: ReadonlyArray<AnySyncRule>, calendarId: string, tally: Tally) =>
    Effect.gen(function* () {
      const resource = `calendar:${calendarId}`
      const call = asConnection(connections, connection)
      const now = yield* Clock.currentTimeMillis
      const full = { timeMin: new Date(now - FIRST_SYNC_DAYS * 86_400_000).toISOString() }
      const cursor = yield* rls.current(repo.cursor(connection.id, resource))
      const listing = yield* Option.match(cursor, {
        onNone: () => call((token) => GoogleClient.listEvents(googleCalendarApiUrl, token, calendarId, full)),
        onSome: (syncToken) =>
          call((token) => GoogleClient.listEvents(googleCalendarApiUrl, token, calendarId, { syncToken })).pipe(
            Effect.catchIf(
              (error) => error._tag === "GoogleCallError" && error.kind === "gone",
              () =>
                Effect.zipRight(
                  Effect.logInfo("calendar sync token expired: reading the calendar again").pipe(
                    Effect.annotateLogs({ connection: connection.id })
                  ),
                  call((token) => GoogleClient.listEvents(googleCalendarApiUrl, token, calendarId, full))
                )
            )
          )
      })
      for (const event of listing.events) yield* apply(connection, rules, calendarId, event, tally)
      if (listing.nextSyncToken !== undefined) {
        yield* rls.current(repo.setCursor(connection.id, resource, listing.nextSyncToken))
      }
    })

  const run = Effect.gen(function* () {
    const { granted, missing } = connectionsFor(yield* connections.list, "calendar")
    if (granted.length === 0) {
      return skipped(
        missing.length === 0
          ? "no Google connection is active: connect one with GET /api/v1/auth/google/start?services=calendar"
          : `calendar access is not granted for ${missing.map((c) => c.accountLabel).join(", ")}: allow it with GET /api/v1/auth/google/start?services=calendar`
      )
    }
    const rules = yield* routing.rules(INTEGRATION)
    const details: Array<string> = []
    const failures: Array<string> = []
    let limited = 0
    for (const connection of granted) {
      const tally: Tally = { written: 0, unchanged: 0, removed: 0 }
      const outcome = yield* Effect.either(
        Effect.forEach(calendarsOf(rules), (calendarId) => syncCalendar(connection, rules, calendarId, tally), {
          discard: true
        })
      )
      const summary = `${connection.accountLabel}: ${tally.written} event(s) written, ${tally.unchanged} unchanged, ${tally.removed} removed`
      if (outcome._tag === "Right") {
        details.push(summary)
        continue
      }
      const error = outcome.left
      if (error._tag === "GoogleCallError" && error.kind === "rate-limited") limited++
      failures.push(`${summary}; stopped: ${error.message}`)
      yield* Effect.logWarning("google calendar sync of a connection stopped").pipe(
        Effect.annotateLogs({ connection: connection.id, reason: error._tag })
      )
    }
    if (details.length === 0 && failures.length > 0) {
      // A quota still spent after the waits inside the run is left to the next scheduled run.
      if (limited === failures.length) return skipped(failures.join("; "))
      return yield* new JobError({ message: failures.join("; ") })
    }
    return { status: "succeeded" as const, detail: [...details, ...failures].join("; ") }
  }).pipe(Effect.withSpan("GoogleCalendarSync.run"))

  return { scope: "workspace", run } satisfies JobBody
})
