// Harvester devices: the owner creates a pairing code (ABCD-1234, single use, 10 minutes) for a device; the device
// claims it and receives its bearer token once (only the token's SHA-256 is stored); its pushes go through the
// harvest pipeline as artifacts of the code's workspace, routed by the sync rules of the device's connector, until
// the owner revokes it.
import * as crypto from "node:crypto"
import { Context, DateTime, Effect, Layer, Option } from "effect"
import { Artifacts, layer as artifactsLayer } from "../artifacts/Artifacts"
import { route } from "../connectors/SyncRules"
import type { AnySyncRule } from "../connectors/SyncRulesApi"
import { SyncRouting, layer as syncRoutingLayer } from "../connectors/SyncRouting"
import { RlsScope } from "../platform/RlsScope"
import type { CurrentWorkspace, WorkspaceId } from "../platform/CurrentWorkspace"
import {
  DeviceNotFound,
  DeviceUnauthorized,
  PairingCodeInvalid,
  type CreatePairingCode,
  type Device,
  type PushedDocument
} from "./HarvesterApi"
import * as HarvesterRepo from "./HarvesterRepo"

export const PAIRING_TTL_SECONDS = 600
const TOKEN_PREFIX = "cbd_"
const TOKEN_FORMAT = /^cbd_[A-Za-z0-9_-]{43}$/
const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

export interface PushResult {
  readonly accepted: number
  readonly created: number
  readonly updated: number
}

export interface HarvesterDevicesShape {
  readonly pair: (
    input: CreatePairingCode
  ) => Effect.Effect<{ code: string; expiresAt: DateTime.Utc }, never, CurrentWorkspace>
  readonly list: Effect.Effect<ReadonlyArray<Device>, never, CurrentWorkspace>
  readonly revoke: (id: string) => Effect.Effect<void, DeviceNotFound, CurrentWorkspace>
  readonly claim: (code: string) => Effect.Effect<{ token: string; device: Device }, PairingCodeInvalid>
  /** `authorization` is the request's header as sent. */
  readonly push: (
    authorization: string | undefined,
    documents: ReadonlyArray<PushedDocument>
  ) => Effect.Effect<PushResult, DeviceUnauthorized>
}

export class HarvesterDevices extends Context.Tag("carabase/HarvesterDevices")<
  HarvesterDevices,
  HarvesterDevicesShape
>() {}

const sha256 = (text: string) => crypto.createHash("sha256").update(text, "utf8").digest()

export const newPairingCode = () => {
  const letters = Array.from({ length: 4 }, () => LETTERS[crypto.randomInt(LETTERS.length)]).join("")
  return `${letters}-${String(crypto.randomInt(10_000)).padStart(4, "0")}`
}

export const layer = Layer.effect(
  HarvesterDevices,
  Effect.gen(function* () {
    const repo = yield* HarvesterRepo.make
    const rls = yield* RlsScope
    const artifacts = yield* Artifacts
    const routing = yield* SyncRouting

    const pair = (input: CreatePairingCode) =>
      rls.current(
        Effect.gen(function* () {
          // Codes are short: on the rare collision with a live one, draw again.
          for (let attempt = 0; attempt < 5; attempt++) {
            const code = newPairingCode()
            const stored = yield* repo.insertCode({
              codeHash: sha256(code),
              connector: input.connector,
              deviceName: input.deviceName,
              ttlSeconds: PAIRING_TTL_SECONDS
            })
            if (Option.isSome(stored)) return { code, expiresAt: DateTime.unsafeFromDate(stored.value) }
          }
          return yield* Effect.dieMessage("no free pairing code after 5 attempts")
        })
      )

    /** Stores one document with the tags its connector's sync rules give it, then carries out their routing. */
    const store = (device: HarvesterRepo.TokenRow, rules: ReadonlyArray<AnySyncRule>, doc: PushedDocument) =>
      Effect.gen(function* () {
        const externalId = doc.externalId ?? doc.url ?? doc.title
        const item = { kind: "document" as const, title: doc.title, url: doc.url, tags: doc.tags }
        const routed = route(rules, item)
        const stored = yield* artifacts.storeHarvested({
          source: `harvester:${device.connector}`,
          externalId,
          connectionId: device.id,
          title: doc.title,
          text: doc.text,
          metadata: {
            ...doc.metadata,
            ...(doc.url === undefined ? {} : { url: doc.url }),
            tags: routed.tags,
            folios: routed.folios,
            device: device.id
          }
        })
        yield* routing.apply({
          item,
          routing: routed,
          artifactId: stored.id,
          created: stored.created,
          key: `harvester:${device.connector}:${externalId}`
        })
        return stored
      })

    return {
      pair,
      list: rls.current(repo.list),
      revoke: (id) =>
        rls.current(
          Effect.flatMap(repo.revoke(id), (found) => (found ? Effect.void : Effect.fail(DeviceNotFound.of(id))))
        ),
      claim: (code) =>
        Effect.gen(function* () {
          const token = `${TOKEN_PREFIX}${crypto.randomBytes(32).toString("base64url")}`
          const outcome = yield* repo.claim(sha256(code).toString("hex"), sha256(token))
          switch (outcome._tag) {
            case "Unknown":
              return yield* PairingCodeInvalid.of("Unknown")
            case "Expired":
              return yield* PairingCodeInvalid.of("Expired")
            case "Claimed":
              return { token, device: outcome.device }
          }
        }).pipe(Effect.withSpan("HarvesterDevices.claim")),
      push: (authorization, documents) =>
        Effect.gen(function* () {
          const match = /^Bearer (\S+)$/i.exec(authorization?.trim() ?? "")
          if (match === null) return yield* DeviceUnauthorized.of("Missing")
          if (!TOKEN_FORMAT.test(match[1]!)) return yield* DeviceUnauthorized.of("Malformed")
          const found = yield* repo.authenticate(sha256(match[1]!).toString("hex"))
          if (Option.isNone(found)) return yield* DeviceUnauthorized.of("Unknown")
          const device = found.value
          const results = yield* rls.run(
            device.workspaceId as WorkspaceId,
            Effect.flatMap(routing.rules(device.connector), (rules) =>
              Effect.forEach(documents, (doc) => store(device, rules, doc))
            )
          )
          const created = results.filter((r) => r.created).length
          return { accepted: results.length, created, updated: results.length - created }
        }).pipe(Effect.withSpan("HarvesterDevices.push"))
    } satisfies HarvesterDevicesShape
  })
).pipe(Layer.provide([artifactsLayer, syncRoutingLayer]))
