// Connections: the owner's accounts at OAuth providers, several per provider. `start` records a single-use attempt
// (state stored as its SHA-256, PKCE verifier sealed, 10 minutes) and answers the provider's authorization URL;
// `callback` consumes the attempt, exchanges the code with the verifier, asks the provider whose account it is and
// stores the tokens sealed bound to the connection's row. `accessToken` refreshes a token that expires within a
// minute; a refresh the provider refuses marks the connection revoked and erases its tokens.
import * as crypto from "node:crypto"
import { Context, Effect, Either, Layer, Option, Redacted } from "effect"
import { Artifacts, layer as artifactsLayer } from "../artifacts/Artifacts"
import { Graph, layer as graphLayer } from "../graph/Graph"
import type { NoteDate } from "../notes/NoteDate"
import { Notes, layer as notesLayer } from "../notes/Notes"
import { Crypto, type SecretBinding } from "../platform/Crypto"
import { RlsScope } from "../platform/RlsScope"
import type { CurrentWorkspace } from "../platform/CurrentWorkspace"
import {
  ConnectionNotFound,
  ConnectionRevoked,
  OAuthAppMissing,
  OAuthProviderUnavailable,
  OAuthRejected,
  OAuthStateInvalid,
  type Connection,
  type Provider
} from "./ConnectorsApi"
import * as ConnectorsRepo from "./ConnectorsRepo"
import * as GoogleSyncRepo from "./google/GoogleSyncRepo"
import * as OAuthClient from "./OAuthClient"
import { OAuthApps, layer as oauthAppsLayer } from "./OAuthApps"
import { endpointsOf, googleServiceScopes, providersConfig, type GoogleService } from "./OAuthProviders"

export const STATE_TTL_SECONDS = 600
/** A token that expires within this is refreshed before use. */
const REFRESH_MARGIN_MS = 60_000

export interface CallbackParams {
  readonly code?: string | undefined
  readonly state?: string | undefined
  readonly error?: string | undefined
  readonly error_description?: string | undefined
}

type RefreshFailure = ConnectionNotFound | ConnectionRevoked | OAuthAppMissing | OAuthProviderUnavailable

export interface ConnectionsShape {
  /**
   * The provider's authorization URL for a new attempt whose callback is `redirectUri`. For Google, `services` adds
   * each service's read-only scope to the identity scopes, with `include_granted_scopes` so that enabling Gmail on an
   * account that syncs its calendar keeps the calendar (incremental authorization).
   */
  readonly start: (
    provider: Provider,
    redirectUri: string,
    services?: ReadonlyArray<GoogleService>
  ) => Effect.Effect<string, OAuthAppMissing, CurrentWorkspace>
  readonly callback: (
    provider: Provider,
    params: CallbackParams
  ) => Effect.Effect<Connection, OAuthStateInvalid | OAuthRejected | OAuthAppMissing | OAuthProviderUnavailable>
  readonly list: Effect.Effect<ReadonlyArray<Connection>, never, CurrentWorkspace>
  /**
   * Erases the connection and its tokens; with `purge` also what was harvested through it: its artifacts (and their
   * index entries), the graph edges its sync recorded and the entities it created that nothing links any more.
   */
  readonly disconnect: (
    provider: Provider,
    account: string,
    purge: boolean
  ) => Effect.Effect<void, ConnectionNotFound, CurrentWorkspace>
  readonly refresh: (id: string) => Effect.Effect<Connection, RefreshFailure, CurrentWorkspace>
  /** A usable access token, refreshed first when it expires within a minute. */
  readonly accessToken: (id: string) => Effect.Effect<Redacted.Redacted<string>, RefreshFailure, CurrentWorkspace>
  readonly setSyncedUntil: (id: string, until: Date) => Effect.Effect<void, never, CurrentWorkspace>
}

export class Connections extends Context.Tag("carabase/Connections")<Connections, ConnectionsShape>() {}

const binding = (rowId: string, column: string): SecretBinding => ({ table: "connections", column, rowId })
const stateBinding = (rowId: string): SecretBinding => ({
  table: "oauth_states",
  column: "code_verifier_sealed",
  rowId
})

const STATE_FORMAT = /^[A-Za-z0-9_-]{16,128}$/

const toConnection = (row: ConnectorsRepo.ConnectionRow): Connection => row

export const layer = Layer.effect(
  Connections,
  Effect.gen(function* () {
    const repo = yield* ConnectorsRepo.make
    const rls = yield* RlsScope
    const secrets = yield* Crypto
    const apps = yield* OAuthApps
    const artifacts = yield* Artifacts
    const graph = yield* Graph
    const config = yield* providersConfig
    const notes = yield* Notes
    const googleSync = yield* GoogleSyncRepo.make

    /** The log cards a connection's calendar sync put in notes, taken out of each day (a purge, not the trash). */
    const removeCards = (connectionId: string) =>
      Effect.gen(function* () {
        const byDay = new Map<string, Set<string>>()
        for (const card of yield* googleSync.cards(connectionId)) {
          byDay.set(card.noteDate, (byDay.get(card.noteDate) ?? new Set()).add(card.entryKey))
        }
        for (const [day, keys] of byDay) {
          yield* notes
            .edit(day as NoteDate, { create: false }, (note) =>
              Effect.succeed({
                document: note.document.filter((node) => !keys.has(String(node.attrs?.idempotencyKey))),
                result: true
              })
            )
            .pipe(Effect.catchTag("NoteTooLarge", () => Effect.void))
        }
      })

    const seal = (id: string, column: string, value: Redacted.Redacted<string>) =>
      secrets.seal(value, binding(id, column))

    // A sealed token that no longer opens means another master key or a tampered row: a host defect.
    const open = (id: string, column: string, sealed: Uint8Array) =>
      Effect.orDie(secrets.openString(sealed, binding(id, column)))

    const requireApp = (provider: Provider) =>
      Effect.flatMap(apps.credentials(provider), (found) =>
        Option.match(found, { onNone: () => Effect.fail(OAuthAppMissing.of(provider)), onSome: Effect.succeed })
      )

    const start = (provider: Provider, redirectUri: string, services: ReadonlyArray<GoogleService> = []) =>
      Effect.gen(function* () {
        const client = yield* requireApp(provider)
        const base = endpointsOf(config, provider)
        const scopes = [...new Set([...base.scopes, ...services.map((service) => googleServiceScopes[service])])]
        const { challenge, verifier } = OAuthClient.pkcePair()
        const state = OAuthClient.randomState()
        const id = crypto.randomUUID()
        yield* rls.current(
          Effect.flatMap(secrets.seal(Redacted.make(verifier), stateBinding(id)), (codeVerifierSealed) =>
            repo.insertState({
              id,
              provider,
              stateHash: OAuthClient.sha256(state),
              codeVerifierSealed,
              redirectUri,
              scopes,
              ttlSeconds: STATE_TTL_SECONDS
            })
          )
        )
        return OAuthClient.authorizationUrl(
          { ...base, scopes },
          {
            clientId: client.clientId,
            redirectUri,
            state,
            challenge,
            ...(provider === "google"
              ? { extra: { access_type: "offline", prompt: "consent", include_granted_scopes: "true" } }
              : {})
          }
        )
      }).pipe(Effect.withSpan("Connections.start"))

    /** Stores the tokens of an account on its existing connection (same provider and account id) or a new one. */
    const storeAccount = (
      provider: Provider,
      identity: { accountId: string; accountLabel: string },
      tokens: OAuthClient.Tokens,
      scopes: ReadonlyArray<string>
    ) =>
      Effect.gen(function* () {
        const existing = yield* repo.connectionIdFor(provider, identity.accountId)
        const id = Option.getOrElse(existing, () => crypto.randomUUID())
        yield* repo.upsertConnection({
          id,
          provider,
          accountId: identity.accountId,
          accountLabel: identity.accountLabel,
          scopes: tokens.scopes ?? scopes,
          accessTokenSealed: yield* seal(id, "access_token_sealed", tokens.accessToken),
          refreshTokenSealed:
            tokens.refreshToken === undefined ? null : yield* seal(id, "refresh_token_sealed", tokens.refreshToken),
          expiresAt: tokens.expiresAt
        })
        return id
      })

    const callback = (provider: Provider, params: CallbackParams) =>
      Effect.gen(function* () {
        if (params.state === undefined || params.state === "") return yield* OAuthStateInvalid.of("Missing")
        if (!STATE_FORMAT.test(params.state)) return yield* OAuthStateInvalid.of("Malformed")
        const attempt = yield* repo.consumeState(OAuthClient.sha256(params.state).toString("hex"))
        if (Option.isNone(attempt)) return yield* OAuthStateInvalid.of("Unknown")
        const found = attempt.value
        if (!found.live) return yield* OAuthStateInvalid.of("Expired")
        if (found.provider !== provider) return yield* OAuthStateInvalid.issuedFor(found.provider)
        if (params.error !== undefined) {
          return yield* OAuthRejected.providerError(provider, params.error, params.error_description)
        }
        if (params.code === undefined || params.code === "") {
          return yield* OAuthRejected.noCode(provider)
        }
        const workspaceId = found.workspaceId
        const verifier = yield* Effect.orDie(secrets.openString(found.codeVerifierSealed, stateBinding(found.id)))
        const client = yield* rls.run(workspaceId, requireApp(provider))
        const endpoints = endpointsOf(config, provider)
        const fromProvider = (error: OAuthClient.OAuthCallError) =>
          error.kind === "rejected"
            ? OAuthRejected.refused(provider, error.message)
            : OAuthProviderUnavailable.of(provider, error.message)
        const tokens = yield* OAuthClient.exchangeCode(endpoints, client, {
          code: params.code,
          redirectUri: found.redirectUri,
          verifier
        }).pipe(Effect.mapError(fromProvider))
        const identity = yield* OAuthClient.identify(endpoints, tokens.accessToken).pipe(Effect.mapError(fromProvider))
        return yield* rls.run(
          workspaceId,
          Effect.gen(function* () {
            const id = yield* storeAccount(provider, identity, tokens, found.scopes ?? endpoints.scopes)
            return toConnection(Option.getOrThrow(yield* repo.getConnection(id)))
          })
        )
      }).pipe(Effect.withSpan("Connections.callback", { attributes: { provider } }))

    /**
     * Refreshes inside one transaction holding the row's lock, so two callers never spend one refresh token twice.
     * The outcome is returned, not failed, so that marking the connection revoked commits.
     */
    const refreshed = (id: string, force: boolean) =>
      rls
        .current(
          Effect.gen(function* () {
            const row = yield* repo.sealedConnection(id)
            if (Option.isNone(row)) return Either.left(ConnectionNotFound.of(id))
            const c = row.value
            if (c.tokenStatus === "revoked" || c.accessTokenSealed === null) {
              return Either.left(ConnectionRevoked.of(c, "Revoked"))
            }
            const nearExpiry = c.expiresAt !== null && c.expiresAt.epochMillis - Date.now() < REFRESH_MARGIN_MS
            if (!force && !nearExpiry) {
              return Either.right(yield* open(c.id, "access_token_sealed", c.accessTokenSealed))
            }
            if (c.refreshTokenSealed === null) {
              if (!nearExpiry) return Either.right(yield* open(c.id, "access_token_sealed", c.accessTokenSealed))
              yield* repo.markExpired(c.id)
              return Either.left(ConnectionRevoked.of(c, "Expired"))
            }
            const client = yield* apps.credentials(c.provider)
            if (Option.isNone(client)) {
              return Either.left(OAuthAppMissing.of(c.provider))
            }
            const refreshToken = yield* open(c.id, "refresh_token_sealed", c.refreshTokenSealed)
            const answer = yield* Effect.either(
              OAuthClient.refreshTokens(endpointsOf(config, c.provider), client.value, refreshToken)
            )
            if (Either.isLeft(answer)) {
              if (answer.left.kind === "unavailable") {
                return Either.left(OAuthProviderUnavailable.of(c.provider, answer.left.message))
              }
              yield* repo.markRevoked(c.id)
              yield* Effect.logWarning("connection revoked: the provider refused its refresh token").pipe(
                Effect.annotateLogs({ connection: c.id, provider: c.provider })
              )
              return Either.left(ConnectionRevoked.of(c, "RefreshRefused", answer.left.message))
            }
            const tokens = answer.right
            yield* repo.storeTokens({
              id: c.id,
              accessTokenSealed: yield* seal(c.id, "access_token_sealed", tokens.accessToken),
              refreshTokenSealed:
                tokens.refreshToken === undefined
                  ? null
                  : yield* seal(c.id, "refresh_token_sealed", tokens.refreshToken),
              expiresAt: tokens.expiresAt,
              scopes: tokens.scopes ?? null
            })
            return Either.right(tokens.accessToken)
          })
        )
        .pipe(Effect.flatMap((outcome: Either.Either<Redacted.Redacted<string>, RefreshFailure>) => outcome))

    return {
      start,
      callback,
      list: rls.current(Effect.map(repo.listConnections, (rows) => rows.map(toConnection))),
      disconnect: (provider, account, purge) =>
        Effect.gen(function* () {
          const row = yield* rls.current(repo.connectionByAccount(provider, account))
          if (Option.isNone(row)) return yield* ConnectionNotFound.forAccount(provider, account)
          yield* rls.current(
            Effect.gen(function* () {
              if (purge) {
                yield* removeCards(row.value.id)
                yield* artifacts.removeHarvested(row.value.id)
                yield* graph.removeHarvested(row.value.id, provider)
              }
              yield* repo.deleteConnection(row.value.id)
            })
          )
        }),
      refresh: (id) =>
        Effect.zipRight(
          refreshed(id, true),
          rls.current(
            Effect.flatMap(repo.getConnection(id), (row) =>
              Option.match(row, {
                onNone: () => Effect.fail(ConnectionNotFound.of(id)),
                onSome: (r) => Effect.succeed(r)
              })
            )
          )
        ),
      accessToken: (id) => refreshed(id, false),
      setSyncedUntil: (id, until) => rls.current(repo.setSyncedUntil(id, until))
    } satisfies ConnectionsShape
  })
).pipe(Layer.provide([artifactsLayer, graphLayer, notesLayer, oauthAppsLayer]))
