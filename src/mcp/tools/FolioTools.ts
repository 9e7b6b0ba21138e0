// MCP tools over folios, calling the Folios service. Folios are named by id or by name. Each also takes the published
// skills' argument names (`folio_name`, `content`, `action: "update_about"`, `query`).
import { Effect, Schema } from "effect"
import { Folios } from "../../folios/Folios"
import { ADDITIVE, READ_ONLY, tool, UPDATING } from "../Tool"
import { same, withAliases } from "./Aliases"
import { textArg } from "./Arguments"
import { failWith, folioId } from "./Resolve"

const folioRef = (argument: string) =>
  textArg(argument).pipe(Schema.minLength(1)).annotations({ description: "the folio's id or name" })
const FolioRef = folioRef("folio")
const folioName = same("folio", folioRef("folio_name"))

export const folioTools = [
  tool({
    name: "list_folios",
    title: "List folios",
    description:
      "Lists the workspace's folios (named notebooks) with their commit counts, optionally filtered by a word in the name or About text (`search`, or `query`).",
    input: withAliases({ search: Schema.optional(textArg("search")) }, { query: same("search", textArg("query")) }),
    annotations: READ_ONLY,
    run: ({ search }) =>
      Effect.flatMap(Folios, (folios) =>
        Effect.map(Effect.all([folios.list(search), folios.commitCounts]), ([list, counts]) => ({
          folios: list.map((folio) => ({ ...folio, commitCount: counts.get(folio.id) ?? 0 }))
        }))
      )
  }),
  tool({
    name: "read_folio_map",
    title: "Read a folio",
    description:
      "Without `folio`: every folio with its About text. With `folio`: that folio's About text, timeline of synopses and commits.",
    input: withAliases({ folio: Schema.optional(FolioRef) }, { folio_name: folioName }),
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
    input: withAliases(
      {
        folio: FolioRef,
        message: textArg("message").pipe(Schema.minLength(1)),
        artifact_ids: Schema.optional(Schema.Array(Schema.UUID))
      },
      { folio_name: folioName, content: same("message", textArg("content").pipe(Schema.minLength(1))) }
    ),
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
    description:
      'Replaces a folio\'s About section with `content`. The previous text is overwritten. `section: "about"` and `action: "update_about"` say the same (the only section it changes).',
    input: withAliases(
      {
        folio: FolioRef,
        section: Schema.optional(Schema.Literal("about")),
        content: textArg("content")
      },
      {
        folio_name: folioName,
        action: { for: "section", schema: Schema.Literal("update_about"), map: () => "about" }
      }
    ),
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
