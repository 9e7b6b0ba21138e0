// MCP tools over folios, calling the Folios service. Folios are named by id or by name.
import { Effect, Schema } from "effect"
import { ArtifactId } from "../../artifacts/ArtifactsApi"
import { Folios } from "../../folios/Folios"
import { ADDITIVE, READ_ONLY, tool, UPDATING } from "../Tool"
import { textArg } from "./Arguments"
import { failWith, folioId } from "./Resolve"

const FolioRef = textArg("folio").pipe(Schema.minLength(1)).annotations({ description: "the folio's id or name" })

export const folioTools = [
  tool({
    name: "list_folios",
    title: "List folios",
    description:
      "Lists the workspace's folios (named notebooks), optionally filtered by a word in the name or About text.",
    input: Schema.Struct({ search: Schema.optional(textArg("search")) }),
    annotations: READ_ONLY,
    run: ({ search }) =>
      Effect.flatMap(Folios, (folios) => Effect.map(folios.list(search), (list) => ({ folios: list })))
  }),
  tool({
    name: "read_folio_map",
    title: "Read a folio",
    description:
      "Without `folio`: every folio with its About text. With `folio`: that folio's About text, timeline of synopses and commits.",
    input: Schema.Struct({ folio: Schema.optional(FolioRef) }),
    annotations: READ_ONLY,
    run: ({ folio }) =>
      Effect.gen(function* () {
        const folios = yield* Folios
        if (folio === undefined) {
          const list = yield* folios.list()
          return { folios: list.map((item) => ({ id: item.id, name: item.name, about: item.about })) }
        }
        return { folio: yield* failWith(folios.get(yield* folioId(folio))) }
      })
  }),
  tool({
    name: "commit_to_folio",
    title: "Commit to a folio",
    description: "Records a commit (a short message, optionally linking artifacts) in a folio's history.",
    input: Schema.Struct({
      folio: FolioRef,
      message: textArg("message").pipe(Schema.minLength(1)),
      artifact_ids: Schema.optional(Schema.Array(ArtifactId))
    }),
    annotations: ADDITIVE,
    run: (args) =>
      Effect.gen(function* () {
        const folios = yield* Folios
        const commit = yield* failWith(
          folios.commit(yield* folioId(args.folio), { message: args.message, artifactIds: args.artifact_ids })
        )
        return { commit }
      })
  }),
  tool({
    name: "update_folio_section",
    title: "Replace a folio's About text",
    description: "Replaces a folio's About section with `content`. The previous text is overwritten.",
    input: Schema.Struct({
      folio: FolioRef,
      section: Schema.optional(Schema.Literal("about")),
      content: textArg("content")
    }),
    annotations: UPDATING,
    run: (args) =>
      Effect.gen(function* () {
        const folios = yield* Folios
        const folio = yield* failWith(
          folios.update(yield* folioId(args.folio), { action: "update_about", content: args.content })
        )
        return { folio }
      })
  })
]
