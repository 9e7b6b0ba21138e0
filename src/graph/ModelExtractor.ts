// The model tier of entity extraction: the workspace's `utility` model route is asked, once per source, for the
// entities and relations its places name, as JSON in a fixed shape. The answer is decoded with Schema: an answer that
// is not that JSON is skipped whole (and counted by the caller), never stored; names and relations outside the places
// asked about are dropped.
import { Effect, Either, Schema } from "effect"
import type { Gateway } from "../gateway/Gateway"
import type { GatewayError } from "../gateway/GatewayErrors"
import type { Target } from "../gateway/Target"
import { EntityType } from "./GraphApi"
import type { Passage } from "./OfflineExtractor"

const Name = Schema.Trim.pipe(Schema.minLength(1), Schema.maxLength(200))
const Place = Schema.Int.pipe(Schema.nonNegative())
const Confidence = Schema.Number.pipe(Schema.between(0, 1))

export const ModelAnswer = Schema.Struct({
  entities: Schema.Array(Schema.Struct({ name: Name, type: EntityType, place: Place })),
  relations: Schema.optionalWith(
    Schema.Array(
      Schema.Struct({
        source: Name,
        target: Name,
        type: Schema.Trim.pipe(Schema.minLength(1), Schema.maxLength(100)),
        place: Place,
        confidence: Schema.optionalWith(Confidence, { default: () => 0.7 })
      })
    ),
    { default: () => [] }
  )
})
export type ModelAnswer = typeof ModelAnswer.Type

const decode = Schema.decodeUnknownEither(Schema.parseJson(ModelAnswer))

export const SYSTEM =
  "You find named entities in a person's notes: people, organization, project, tool, topic, concept, event. " +
  "Each place of the text is marked [place N]. Answer with one JSON object and nothing else, of the form " +
  '{"entities":[{"name":"Alice Chen","type":"person","place":0}],' +
  '"relations":[{"source":"Alice Chen","target":"Atlas","type":"works_on","place":0,"confidence":0.8}]}. ' +
  "type is one of person, organization, project, tool, topic, concept, event. " +
  "Only name what the text names; relations only between entities you list, in the same place."

export const prompt = (title: string, passages: ReadonlyArray<Passage>) =>
  [`Source: ${title}`, ...passages.map((passage) => `[place ${passage.place}]\n${passage.text.trim()}`)].join("\n\n")

/** A fenced answer (```json … ```) is read as its content; anything else must be the JSON itself. */
const unfence = (answer: string) => {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n\s*```\s*$/i.exec(answer)
  return fenced === null ? answer.trim() : fenced[1]!.trim()
}

/** The answer decoded, kept to the places asked about; undefined when it is not the JSON asked for. */
export const parseAnswer = (answer: string, places: ReadonlySet<number>): ModelAnswer | undefined => {
  const decoded = decode(unfence(answer))
  if (Either.isLeft(decoded)) return undefined
  return {
    entities: decoded.right.entities.filter((entity) => places.has(entity.place)),
    relations: decoded.right.relations.filter((relation) => places.has(relation.place))
  }
}

export type ModelOutcome =
  | { readonly _tag: "Answered"; readonly answer: ModelAnswer }
  | { readonly _tag: "Unparseable" }
  | { readonly _tag: "Failed"; readonly error: GatewayError }

/** Asks the route's model about a source's passages. */
export const askModel = (
  gateway: Gateway["Type"],
  target: Target,
  title: string,
  passages: ReadonlyArray<Passage>
): Effect.Effect<ModelOutcome> =>
  gateway
    .complete(target, {
      messages: [
        { role: "system", content: SYSTEM },
        { role: "user", content: prompt(title, passages) }
      ]
    })
    .pipe(
      Effect.map((answer): ModelOutcome => {
        const parsed = parseAnswer(answer, new Set(passages.map((passage) => passage.place)))
        return parsed === undefined ? { _tag: "Unparseable" } : { _tag: "Answered", answer: parsed }
      }),
      Effect.catchAll((error) => Effect.succeed<ModelOutcome>({ _tag: "Failed", error }))
    )
