// The search service (placeholder until implemented).
import { Context, Layer } from "effect"

export interface SearchShape {}

export class Search extends Context.Tag("carabase/Search")<Search, SearchShape>() {}

export const layer = Layer.succeed(Search, {})
