// What both Google sync jobs share: calling the API as a connection (the token refreshed once when Google refuses it,
// as a revoked grant or a clock skew would make it), the connections a service may sync (active, with its scope
// granted), and the people of a mail or an event in the graph.
import { Effect, type Redacted } from "effect"
import type { Connection } from "../ConnectorsApi"
import type { ConnectionsShape } from "../Connections"
import { grants, type GoogleService } from "../OAuthProviders"
import type { GraphShape } from "../../graph/Graph"
import type { EntityId } from "../../graph/GraphApi"
import type { GoogleCallError } from "./GoogleClient"

/** `call` with the connection's access token; a 401 refreshes the token once and tries again. */
export const asConnection =
  (connections: ConnectionsShape, connection: Connection) =>
  <A>(call: (token: Redacted.Redacted<string>) => Effect.Effect<A, GoogleCallError>) =>
    Effect.flatMap(connections.accessToken(connection.id), call).pipe(
      Effect.catchIf(
        (error): error is GoogleCallError => error._tag === "GoogleCallError" && error.kind === "unauthorized",
        () =>
          Effect.flatMap(
            Effect.zipRight(connections.refresh(connection.id), connections.accessToken(connection.id)),
            call
          )
      )
    )

/** The active Google connections whose grant includes the service's scope, and those that lack it. */
export const connectionsFor = (all: ReadonlyArray<Connection>, service: GoogleService) => {
  const google = all.filter((c) => c.provider === "google" && c.tokenStatus === "active")
  return {
    granted: google.filter((c) => grants(c.scopes, service)),
    missing: google.filter((c) => !grants(c.scopes, service))
  }
}

export interface Person {
  readonly name: string
  readonly email: string | undefined
}

/**
 * People as person entities (found by name, else created with their address) and an edge of `type` from each of
 * `from` to each of `to`, with the provenance a purge follows back to the connection.
 */
export const linkPeople = (
  graph: GraphShape,
  from: ReadonlyArray<Person>,
  to: ReadonlyArray<Person>,
  type: string,
  provenance: Record<string, unknown> & { readonly connectionId: string }
) =>
  Effect.gen(function* () {
    const ids = new Map<string, EntityId>()
    const entity = (person: Person) =>
      Effect.gen(function* () {
        const key = person.name.toLowerCase()
        const known = ids.get(key)
        if (known !== undefined) return known
        const { id } = yield* graph.ensureEntity({
          name: person.name,
          type: "person",
          metadata: { source: "google", ...(person.email === undefined ? {} : { email: person.email }) }
        })
        ids.set(key, id)
        return id
      })
    for (const source of from) {
      const sourceId = yield* entity(source)
      for (const target of to) {
        const targetId = yield* entity(target)
        if (sourceId === targetId) continue
        yield* graph.ensureEdge({ sourceId, targetId, type, provenance })
      }
    }
  })
