// Every endpoint's body and query are strict (src/schema/StrictInput): applied to each declared endpoint of an API, so
// a new one cannot forget it. Used by the whole API (src/Api.ts) and by the part of it the admin UI loads first
// (src/ShellApi.ts).
import type { HttpApi, HttpApiEndpoint, HttpApiGroup } from "@effect/platform"
import { Context, Option, Record } from "effect"
import { strict } from "./schema/StrictInput"

const strictEndpoint = (endpoint: HttpApiEndpoint.HttpApiEndpoint.AnyWithProps): HttpApiEndpoint.HttpApiEndpoint.Any =>
  Object.assign(Object.create(Object.getPrototypeOf(endpoint) as object) as object, endpoint, {
    payloadSchema: Option.map(endpoint.payloadSchema, strict),
    urlParamsSchema: Option.map(endpoint.urlParamsSchema, strict)
  }) as HttpApiEndpoint.HttpApiEndpoint.Any

/** The same API, with every endpoint's payload and query parameters refusing keys they do not declare. */
export const strictInputs = <Api extends HttpApi.HttpApi.Any>(api: Api): Api => {
  const declared = api as unknown as HttpApi.HttpApi.AnyWithProps
  return Object.values(declared.groups).reduce((strictApi, group) => {
    const copy = group.annotateContext(Context.empty()) as HttpApiGroup.HttpApiGroup.AnyWithProps
    Object.assign(copy, { endpoints: Record.map(group.endpoints, strictEndpoint) })
    return strictApi.add(copy) as unknown as HttpApi.HttpApi.AnyWithProps
  }, declared) as unknown as Api
}
