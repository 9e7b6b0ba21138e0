// Declaration of the curation-suggestion routes. Imports only effect and @effect/platform.
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import { WorkspaceMiddleware } from "../workspaces/WorkspacesApi"

export const SuggestionStatus = Schema.Literal("pending", "accepted", "rejected")

/**
 * `alias-merge`: two entities that look like one (accepting makes `aliasId` an alias of `canonicalId`). `new-name`: a
 * name entity extraction read (in `source`) that looks like the entity `canonicalId`; it has no entity (`aliasId` is
 * null). Accepting adds it to the entity's aliases; rejecting lets extraction make it an entity of its own.
 */
export const Suggestion = Schema.Struct({
  id: Schema.String,
  kind: Schema.Literal("alias-merge", "new-name"),
  status: SuggestionStatus,
  canonicalId: Schema.String,
  aliasId: Schema.NullOr(Schema.String),
  canonicalName: Schema.String,
  aliasName: Schema.String,
  reason: Schema.Literal("same-name", "alias", "initials", "similar", "partial"),
  score: Schema.Number,
  /** For new-name: where the name was read (a note's date and block index, or another source's chunk). */
  source: Schema.optional(
    Schema.Struct({
      kind: Schema.String,
      id: Schema.String,
      noteDate: Schema.optional(Schema.String),
      place: Schema.Int
    })
  ),
  createdAt: Schema.DateTimeUtc,
  decidedAt: Schema.NullOr(Schema.DateTimeUtc)
})
export type Suggestion = typeof Suggestion.Type

export class SuggestionNotFound extends Schema.TaggedError<SuggestionNotFound>()(
  "SuggestionNotFound",
  { message: Schema.String, suggestionId: Schema.String },
  HttpApiSchema.annotations({ status: 404 })
) {
  static of(suggestionId: string) {
    return new SuggestionNotFound({ suggestionId, message: `curation suggestion ${suggestionId} does not exist` })
  }
}

/** The suggestion cannot be decided (again): it already was, or the merge it proposes no longer makes sense. */
export class SuggestionDecided extends Schema.TaggedError<SuggestionDecided>()(
  "SuggestionDecided",
  {
    message: Schema.String,
    suggestionId: Schema.String,
    reason: Schema.Literal("AlreadyDecided", "EntityMissing", "MergeReversed"),
    /** For AlreadyDecided: how it was decided. */
    decided: Schema.optional(Schema.String)
  },
  HttpApiSchema.annotations({ status: 409 })
) {
  static already(suggestionId: string, decided: string) {
    return new SuggestionDecided({
      suggestionId,
      reason: "AlreadyDecided",
      decided,
      message: `curation suggestion ${suggestionId} was already ${decided}`
    })
  }

  static entityMissing(suggestionId: string) {
    return new SuggestionDecided({
      suggestionId,
      reason: "EntityMissing",
      message: "one of the two entities no longer exists"
    })
  }

  /** The proposed canonical entity is itself an alias of the proposed alias (names are for the sentence only). */
  static mergeReversed(suggestionId: string, canonicalName: string, aliasName: string) {
    return new SuggestionDecided({
      suggestionId,
      reason: "MergeReversed",
      message: `${canonicalName} is itself an alias of ${aliasName}: merge the other way`
    })
  }
}

const byId = Schema.Struct({ id: Schema.UUID })

export class CurationApi extends HttpApiGroup.make("curation")
  .add(
    HttpApiEndpoint.get("list", "/curation-suggestions")
      .setUrlParams(Schema.Struct({ status: Schema.optional(SuggestionStatus) }))
      .addSuccess(Schema.Struct({ suggestions: Schema.Array(Suggestion) }))
  )
  .add(
    HttpApiEndpoint.post("accept", "/curation-suggestions/:id/accept")
      .setPath(byId)
      .addSuccess(Schema.Struct({ suggestion: Suggestion }))
      .addError(SuggestionNotFound)
      .addError(SuggestionDecided)
  )
  .add(
    HttpApiEndpoint.post("reject", "/curation-suggestions/:id/reject")
      .setPath(byId)
      .addSuccess(Schema.Struct({ suggestion: Suggestion }))
      .addError(SuggestionNotFound)
      .addError(SuggestionDecided)
  )
  .middleware(WorkspaceMiddleware)
  .prefix("/api/v1") {}
