// Branded ids: one schema per kind of row (memory, entity, artifact, …), declared by the feature that owns it, so a
// memory id cannot be passed where an entity id is expected. The brand lives in the TypeScript type only: at run
// time a branded id is Schema.UUID itself (the same AST), so what it accepts, the messages it refuses with and the
// JSON Schema it publishes (the shared `UUID` definition) are exactly Schema.UUID's. Imports only effect: the API
// declarations and the web UI bundle it.
import { Schema, type Brand } from "effect"

/** A UUID, typed `string & Brand<B>`; `.annotations({ message })` on it reads as it does on Schema.UUID. */
export const uuidId = <const B extends string>(_brand: B) =>
  Schema.make<string & Brand.Brand<B>, string, never>(Schema.UUID.ast)

/**
 * The same brand over any string, for the few response fields the API has always published as a plain string (a
 * memory's and an artifact's id): the type is `uuidId(brand)`'s, the published schema stays `type: string`.
 */
export const stringId = <const B extends string>(_brand: B) =>
  Schema.make<string & Brand.Brand<B>, string, never>(Schema.String.ast)
