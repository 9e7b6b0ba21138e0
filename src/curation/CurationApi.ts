// Declaration of the curation-suggestion routes. Imports only effect and @effect/platform.
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import { WorkspaceMiddleware } from "../workspaces/WorkspacesApi"

export const SuggestionStatus = Schema.Literal("pending", "accepted", "rejected")

export const Suggestion = Schema.Struct({
  id: Schema.String,
  kind: Schema.Literal("alias-merge"),
  status: SuggestionStatus,
  canonicalId: Schema.String,
  aliasId: Schema.String,
  canonicalName: Schema.String,
  aliasName: Schema.String,
  reason: Schema.Literal("same-name", "alias", "initials", "similar"),
  score: Schema.Number,
  createdAt: Schema.DateTimeUtc,
  decidedAt: Schema.NullOr(Schema.DateTimeUtc)
})
export type Suggestion = typeof Suggestion.Type

export class SuggestionNotFound extends Schema.TaggedError<SuggestionNotFound>()(
  "SuggestionNotFound",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 404 })
) {}

export class SuggestionDecided extends Schema.TaggedError<SuggestionDecided>()(
  "SuggestionDecided",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 409 })
) {}

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
