// The typed client derived from the API declaration, as the web UI uses it. `workspaceId` adds x-workspace-id.
import { FetchHttpClient, HttpApiClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { Effect } from "effect"
import { CarabaseApi } from "../../src/Api"

export const client = (baseUrl: string, workspaceId?: string) =>
  HttpApiClient.make(CarabaseApi, {
    baseUrl,
    ...(workspaceId === undefined
      ? {}
      : { transformClient: HttpClient.mapRequest(HttpClientRequest.setHeader("x-workspace-id", workspaceId)) })
  })

export type Client = Effect.Effect.Success<ReturnType<typeof client>>

/** Runs `use` with a typed client against a running host. */
export const runClient = <A, E>(
  baseUrl: string,
  use: (api: Client) => Effect.Effect<A, E>,
  workspaceId?: string
): Promise<A> =>
  Effect.runPromise(Effect.flatMap(client(baseUrl, workspaceId), use).pipe(Effect.provide(FetchHttpClient.layer)))
