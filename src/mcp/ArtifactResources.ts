// The MCP resources this host serves: every artifact as `carabase://artifact/<id>`, the links the canonical retrieval
// tools return. resources/list pages through the artifacts newest first; resources/read answers an artifact's
// extracted text cut to a token budget: `?max_tokens=N` on the URI (resources/read has no other parameter), default
// 8000, as read_artifact and GET /artifacts/:id/content cut it.
import { Data, Effect, Option, Schema } from "effect"
import { ArtifactCursor } from "../artifacts/ArtifactsApi"
import { Artifacts } from "../artifacts/Artifacts"
import type { CurrentWorkspace } from "../platform/CurrentWorkspace"
import { ToolFailure } from "./Tool"
import { ARTIFACT_URI_PREFIX, artifactUri } from "./ToolReply"

export const DEFAULT_RESOURCE_TOKENS = 8000

/** The URI names no artifact of this workspace (MCP's "resource not found"); bad URIs and budgets are ToolFailures. */
export class ResourceMissing extends Data.TaggedError("ResourceMissing")<{
  readonly message: string
  readonly uri: string
}> {
  static of(uri: string, why: string) {
    return new ResourceMissing({ uri, message: `${uri}: ${why}` })
  }
}
const PAGE = 50

export interface ResourceCatalog<R> {
  readonly template: { readonly uriTemplate: string; readonly name: string; readonly description: string }
  readonly list: (cursor: string | undefined) => Effect.Effect<
    {
      readonly resources: ReadonlyArray<{ uri: string; name: string; title: string; mimeType: string }>
      readonly nextCursor?: string
    },
    ToolFailure,
    R | CurrentWorkspace
  >
  /** A bad URI or budget is a ToolFailure; an artifact this workspace does not have, ResourceMissing. */
  readonly read: (
    uri: string
  ) => Effect.Effect<
    { readonly contents: ReadonlyArray<{ uri: string; mimeType: string; text: string }> },
    ToolFailure | ResourceMissing,
    R | CurrentWorkspace
  >
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const budget = (value: string | null) => {
  if (value === null) return Effect.succeed(DEFAULT_RESOURCE_TOKENS)
  const n = /^\d+$/.test(value) ? Number(value) : NaN
  return n >= 1 && n <= 1_000_000
    ? Effect.succeed(n)
    : Effect.fail(new ToolFailure({ message: "max_tokens must be an integer from 1 to 1000000" }))
}

export const artifactResources: ResourceCatalog<Artifacts> = {
  template: {
    uriTemplate: `${ARTIFACT_URI_PREFIX}{id}`,
    name: "artifact",
    description: "An artifact's extracted text; add ?max_tokens=N to the URI to cut it to N tokens (default 8000)."
  },
  list: (cursor) =>
    Effect.gen(function* () {
      const after =
        cursor === undefined
          ? Option.none()
          : Option.some(
              yield* Schema.decodeUnknown(ArtifactCursor)(cursor).pipe(
                Effect.mapError(() => new ToolFailure({ message: "cursor must be a nextCursor this host answered" }))
              )
            )
      const page = yield* Effect.flatMap(Artifacts, (artifacts) => artifacts.list({ limit: PAGE, after }))
      const next = Option.getOrUndefined(page.next)
      return {
        resources: page.artifacts.map((artifact) => ({
          uri: artifactUri(artifact.id),
          name: artifact.filename,
          title: artifact.filename,
          mimeType: "text/plain"
        })),
        ...(next === undefined ? {} : { nextCursor: Schema.encodeSync(ArtifactCursor)(next) })
      }
    }),
  read: (uri) =>
    Effect.gen(function* () {
      const url = URL.canParse(uri) ? new URL(uri) : undefined
      const id = url !== undefined && uri.startsWith(ARTIFACT_URI_PREFIX) ? url.pathname.replace(/^\//, "") : ""
      if (!UUID.test(id)) {
        return yield* new ToolFailure({
          message: `${uri} is not a resource of this host; resources are ${ARTIFACT_URI_PREFIX}<artifact id>`
        })
      }
      const maxTokens = yield* budget(url!.searchParams.get("max_tokens"))
      const artifacts = yield* Artifacts
      const text = yield* artifacts
        .content(id.toLowerCase(), maxTokens)
        .pipe(Effect.mapError((error) => ResourceMissing.of(uri, error.message)))
      return { contents: [{ uri, mimeType: "text/plain", text: text.content }] }
    })
}
