// The gmail-sync job body: for every active Google connection granted gmail.readonly, the mail that the workspace's
// gmail sync rules take (labels, senders, lookbackHours, subject...; a mailbox is never read whole by default: with no
// rule, nothing is pulled) becomes an artifact with its headers and text, each attachment an artifact of its own
// (original bytes kept, text extracted), and the people person entities: the sender `emailed` each recipient. The
// rules' tags, folios and timeline entries apply as for GitHub. The first run lists the mail of the lookback window
// (the rules' longest, else 30 days); later runs read only what arrived since (Gmail's historyId; an expired one, 404,
// means a full read again). A mail already pulled is not pulled again.
import { Clock, Effect, Option } from "effect"
import { Artifacts } from "../../artifacts/Artifacts"
import type { Connection } from "../../connectors/ConnectorsApi"
import { Connections } from "../../connectors/Connections"
import * as GoogleClient from "../../connectors/google/GoogleClient"
import { asConnection, connectionsFor, linkPeople } from "../../connectors/google/GoogleSession"
import * as GoogleSyncRepo from "../../connectors/google/GoogleSyncRepo"
import { decodeBase64Url, mailText, readMail, type Address } from "../../connectors/google/MailMessages"
import { providersConfig } from "../../connectors/OAuthProviders"
import { asHostRule, route } from "../../connectors/SyncRules"
import type { AnySyncRule } from "../../connectors/SyncRulesApi"
import { SyncRouting } from "../../connectors/SyncRouting"
import { Graph } from "../../graph/Graph"
import { RlsScope } from "../../platform/RlsScope"
import { JobError, skipped, type JobBody } from "../JobBody"

export const INTEGRATION = "gmail"
export const DEFAULT_LOOKBACK_DAYS = 30
const RESOURCE = "gmail"
/** Attachments larger than this are listed on the mail, not downloaded. */
export const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024

/** The days a first read goes back: the longest lookback a rule sets, else DEFAULT_LOOKBACK_DAYS. */
export const lookbackDays = (rules: ReadonlyArray<AnySyncRule>) => {
  const hours = rules
    .map(asHostRule)
    .filter((rule) => rule.enabled !== false)
    .map((rule) => rule.match?.lookbackHours)
    .filter((h): h is number => h !== undefined)
  return hours.length === 0 ? DEFAULT_LOOKBACK_DAYS : Math.ceil(Math.max(...hours) / 24)
}

const person = (a: Address) => ({ name: a.name ?? a.address, email: a.address })

export const gmailSync = Effect.gen(function* () {
  const connections = yield* Connections
  const artifacts = yield* Artifacts
  const graph = yield* Graph
  const routing = yield* SyncRouting
  const rls = yield* RlsScope
  const repo = yield* GoogleSyncRepo.make
  const { gmailApiUrl } = yield* providersConfig

  /** One message: read, matched against the rules, stored with its attachments in one transaction. */
  const pull = (
    connection: Connection,
    rules: ReadonlyArray<AnySyncRule>,
    labelNames: ReadonlyMap<string, string>,
    id: string
  ) =>
    Effect.gen(function* () {
      const key = { connectionId: connection.id, resource: RESOURCE, externalId: id }
      if (Option.isSome(yield* rls.current(repo.item(key)))) return "known" as const
      const call = asConnection(connections, connection)
      const found = yield* call((token) => GoogleClient.message(gmailApiUrl, token, id)).pipe(
        Effect.map(Option.some),
        Effect.catchIf(
          (error) => error._tag === "GoogleCallError" && error.kind === "gone",
          () => Effect.succeed(Option.none())
        )
      )
      if (Option.isNone(found)) return "gone" as const
      const mail = readMail(found.value)
      const now = yield* Clock.currentTimeMillis
      const labels = found.value.labelIds.flatMap((labelId) => [labelId, labelNames.get(labelId) ?? labelId])
      const item = {
        kind: "mail" as const,
        title: mail.subject,
        labels: [...new Set(labels)],
        sender: mail.from === undefined ? undefined : { address: mail.from.address, name: mail.from.name },
        author: mail.from?.address,
        ...(mail.receivedAt === undefined ? {} : { ageHours: (now - mail.receivedAt.getTime()) / 3_600_000 })
      }
      const routed = route(rules, item)
      if (routed.matched.length === 0) return "not taken" as const
      // Downloads happen before the transaction, so no row is held while Google answers.
      const files = yield* Effect.forEach(
        mail.attachments.filter((a) => a.size <= MAX_ATTACHMENT_BYTES),
        (a) =>
          Effect.map(
            call((token) => GoogleClient.attachment(gmailApiUrl, token, id, a.attachmentId)),
            (body) => ({
              ...a,
              bytes: new Uint8Array(decodeBase64Url(body.data))
            })
          )
      )
      yield* rls.current(
        Effect.gen(function* () {
          const people = {
            from: mail.from === undefined ? [] : [mail.from.address],
            to: mail.to.map((a) => a.address),
            cc: mail.cc.map((a) => a.address)
          }
          const stored = yield* artifacts.storeHarvested({
            source: "gmail",
            externalId: id,
            connectionId: connection.id,
            title: mail.subject,
            text: mailText(mail),
            metadata: {
              messageId: id,
              threadId: found.value.threadId ?? null,
              ...people,
              labels: item.labels,
              receivedAt: mail.receivedAt?.toISOString() ?? null,
              attachments: mail.attachments.map((a) => ({ filename: a.filename, mimeType: a.mimeType, size: a.size })),
              tags: routed.tags,
              folios: routed.folios
            }
          })
          for (const file of files) {
            yield* artifacts.storeHarvested({
              source: "gmail-attachment",
              externalId: `${id}/${file.partId}`,
              connectionId: connection.id,
              title: file.filename,
              text: `${file.filename}, attached to "${mail.subject}"`,
              metadata: { messageId: id, mailArtifactId: stored.id, tags: routed.tags },
              file: { filename: file.filename, declaredType: file.mimeType, bytes: file.bytes }
            })
          }
          if (routed.harvestToGraph !== false && mail.from !== undefined) {
            yield* linkPeople(graph, [person(mail.from)], [...mail.to, ...mail.cc].map(person), "emailed", {
              source: "gmail",
              connectionId: connection.id,
              messageId: id
            })
          }
          yield* routing.apply({
            item,
            routing: routed,
            artifactId: stored.id,
            created: stored.created,
            key: `gmail:${id}`
          })
          yield* repo.putItem(key, {
            etag: found.value.historyId ?? "",
            artifactId: stored.id,
            noteDate: null,
            entryKey: null
          })
        })
      )
      return "pulled" as const
    })

  const syncMailbox = (connection: Connection, rules: ReadonlyArray<AnySyncRule>) =>
    Effect.gen(function* () {
      const call = asConnection(connections, connection)
      const full = Effect.gen(function* () {
        // The historyId is taken before listing: mail arriving meanwhile is read again next time, never missed.
        const { historyId } = yield* call((token) => GoogleClient.profile(gmailApiUrl, token))
        const ids = yield* call((token) =>
          GoogleClient.listMessageIds(gmailApiUrl, token, `newer_than:${lookbackDays(rules)}d`)
        )
        return { ids, historyId }
      })
      const cursor = yield* rls.current(repo.cursor(connection.id, RESOURCE))
      const changes = yield* Option.match(cursor, {
        onNone: () => full,
        onSome: (startHistoryId) =>
          call((token) => GoogleClient.history(gmailApiUrl, token, startHistoryId)).pipe(
            Effect.map((h) => ({ ids: h.added, historyId: h.historyId })),
            Effect.catchIf(
              (error) => error._tag === "GoogleCallError" && error.kind === "gone",
              () =>
                Effect.zipRight(
                  Effect.logInfo("gmail history id expired: listing the lookback window again").pipe(
                    Effect.annotateLogs({ connection: connection.id })
                  ),
                  full
                )
            )
          )
      })
      const labelNames = yield* call((token) => GoogleClient.labels(gmailApiUrl, token))
      const tally = { pulled: 0, known: 0, "not taken": 0, gone: 0 }
      for (const id of changes.ids) tally[yield* pull(connection, rules, labelNames, id)]++
      yield* rls.current(repo.setCursor(connection.id, RESOURCE, changes.historyId))
      return `${connection.accountLabel}: ${tally.pulled} mail(s) pulled, ${tally["not taken"]} not taken by a rule, ${tally.known} already here`
    })

  const run = Effect.gen(function* () {
    const { granted, missing } = connectionsFor(yield* connections.list, "gmail")
    if (granted.length === 0) {
      return skipped(
        missing.length === 0
          ? "no Google connection is active: connect one with GET /api/v1/auth/google/start?services=gmail"
          : `Gmail access is not granted for ${missing.map((c) => c.accountLabel).join(", ")}: allow it with GET /api/v1/auth/google/start?services=gmail`
      )
    }
    const rules = (yield* routing.rules(INTEGRATION)).filter((rule) => asHostRule(rule).enabled !== false)
    if (rules.length === 0) {
      return skipped("no gmail sync rule takes any mail: PUT /api/v1/sync-rules/gmail (labels, senders, lookbackHours)")
    }
    const details: Array<string> = []
    const failures: Array<string> = []
    let limited = 0
    for (const connection of granted) {
      const outcome = yield* Effect.either(syncMailbox(connection, rules))
      if (outcome._tag === "Right") {
        details.push(outcome.right)
        continue
      }
      const error = outcome.left
      if (error._tag === "GoogleCallError" && error.kind === "rate-limited") limited++
      failures.push(`${connection.accountLabel}: ${error.message}`)
      yield* Effect.logWarning("gmail sync of a connection stopped").pipe(
        Effect.annotateLogs({ connection: connection.id, reason: error._tag })
      )
    }
    if (details.length === 0 && failures.length > 0) {
      if (limited === failures.length) return skipped(failures.join("; "))
      return yield* new JobError({ message: failures.join("; ") })
    }
    return { status: "succeeded" as const, detail: [...details, ...failures].join("; ") }
  }).pipe(Effect.withSpan("GmailSync.run"))

  return { scope: "workspace", run } satisfies JobBody
})
