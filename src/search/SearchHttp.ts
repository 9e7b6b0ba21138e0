// Handlers of the search group.
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { CarabaseApi } from "../Api"
import { Search } from "./Search"

const DEFAULT_LIMIT = 5

export const SearchHttpLive = HttpApiBuilder.group(CarabaseApi, "search", (handlers) =>
  Effect.map(Search, (search) =>
    handlers.handle("search", ({ payload }) =>
      Effect.map(
        search.answer({ query: payload.query, limit: payload.limit ?? DEFAULT_LIMIT, kinds: payload.kinds }),
        ({ degraded, explanation, results }) => ({
          results,
          ...(explanation === undefined ? {} : { explanation }),
          ...(degraded === undefined ? {} : { degraded })
        })
      )
    )
  )
)
