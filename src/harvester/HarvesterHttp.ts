// Handlers of the harvester-device groups: the owner's (pairing codes, list, revoke) and the device's own (claim,
// push).
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { CarabaseApi } from "../Api"
import { asRoute } from "../http/RouteWriter"
import { HarvesterDevices } from "./HarvesterDevices"

export const HarvesterDevicesHttpLive = HttpApiBuilder.group(CarabaseApi, "harvesterDevices", (handlers) =>
  Effect.gen(function* () {
    const devices = yield* HarvesterDevices
    return handlers
      .handle("pair", ({ payload }) => devices.pair(payload))
      .handle("list", () => Effect.map(devices.list, (list) => ({ devices: list })))
      .handle("revoke", ({ path }) => devices.revoke(path.id))
  })
)

export const HarvesterDeviceSelfHttpLive = HttpApiBuilder.group(CarabaseApi, "harvesterDeviceSelf", (handlers) =>
  Effect.gen(function* () {
    const devices = yield* HarvesterDevices
    return handlers
      .handle("claim", ({ payload }) => devices.claim(payload.code))
      .handle("push", ({ headers, payload }) => devices.push(headers.authorization, payload.documents).pipe(asRoute))
  })
)
