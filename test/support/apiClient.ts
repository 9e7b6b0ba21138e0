// The typed client derived from the API declaration, as the web UI uses it.
import { FetchHttpClient, HttpApiClient } from "@effect/platform"
import { Effect } from "effect"
import { CarabaseApi } from "../../src/http/Api"

export const client = (baseUrl: string) =>
  HttpApiClient.make(CarabaseApi, { baseUrl }).pipe(Effect.provide(FetchHttpClient.layer))

export const runClient = <A, E>(
  baseUrl: string,
  use: (api: Effect.Effect.Success<ReturnType<typeof client>>) => Effect.Effect<A, E>
): Promise<A> => Effect.runPromise(Effect.flatMap(client(baseUrl), use).pipe(Effect.provide(FetchHttpClient.layer)))
