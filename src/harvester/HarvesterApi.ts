// Declaration of the harvester-device routes: edge devices (a phone, a laptop harvester) pair with a short code and
// then push documents with their own bearer token. The owner's routes are workspace-scoped; claim and push are not
// (the code, then the token, names the workspace). Imports effect, @effect/platform and the shared text schemas of
// the notes declaration.
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import { bounded, storable, storableJson } from "../schema/TextSchemas"
import { WorkspaceMiddleware } from "../workspaces/WorkspacesApi"

export const Device = Schema.Struct({
  id: Schema.UUID,
  name: Schema.String,
  connector: Schema.String,
  lastSeenAt: Schema.NullOr(Schema.DateTimeUtc),
  revokedAt: Schema.NullOr(Schema.DateTimeUtc),
  createdAt: Schema.DateTimeUtc
})
export type Device = typeof Device.Type

export const PAIRING_CODE = /^[A-Z]{4}-[0-9]{4}$/

export const CreatePairingCode = Schema.Struct({
  connector: bounded("connector", 100),
  deviceName: bounded("deviceName", 200)
})
export type CreatePairingCode = typeof CreatePairingCode.Type

export const Claim = Schema.Struct({
  code: Schema.Trim.pipe(
    Schema.transform(Schema.String, { decode: (s) => s.toUpperCase(), encode: (s) => s, strict: true }),
    Schema.filter((code) => PAIRING_CODE.test(code), {
      message: () => "code must look like ABCD-1234 (four letters, a dash, four digits)"
    })
  )
})

const HttpUrl = Schema.String.pipe(
  Schema.maxLength(2000, { message: () => "url must be at most 2000 characters" }),
  Schema.filter((url) => URL.canParse(url) && /^https?:$/.test(new URL(url).protocol), {
    message: () => "url must be an http:// or https:// URL"
  }),
  storable("url")
)

export const PushedDocument = Schema.Struct({
  title: bounded("title", 500),
  url: Schema.optional(HttpUrl),
  text: Schema.String.pipe(
    Schema.minLength(1, { message: () => "text must not be empty" }),
    Schema.maxLength(1_000_000, { message: () => "text must be at most 1000000 characters" }),
    storable("text")
  ),
  /** The document's id on the device; pushing it again updates it. Defaults to its url, else its title. */
  externalId: Schema.optional(bounded("externalId", 500)),
  tags: Schema.optional(Schema.Array(bounded("tag", 100)).pipe(Schema.maxItems(50))),
  metadata: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown }).pipe(storableJson("metadata")))
})
export type PushedDocument = typeof PushedDocument.Type

export const Push = Schema.Struct({
  documents: Schema.Array(PushedDocument).pipe(
    Schema.minItems(1, { message: () => "documents must hold at least one document" }),
    Schema.maxItems(100, { message: () => "documents holds at most 100 documents per push" })
  )
})

export class DeviceNotFound extends Schema.TaggedError<DeviceNotFound>()(
  "DeviceNotFound",
  { message: Schema.String, deviceId: Schema.String },
  HttpApiSchema.annotations({ status: 404 })
) {
  static of(deviceId: string) {
    return new DeviceNotFound({
      deviceId,
      message: `no harvester device ${deviceId} in this workspace: list them with GET /harvester-devices`
    })
  }
}

const pairingProblems = {
  Unknown: "this pairing code is unknown or was already used: create a new one",
  Expired: "this pairing code expired (codes last 10 minutes): create a new one"
}

export class PairingCodeInvalid extends Schema.TaggedError<PairingCodeInvalid>()(
  "PairingCodeInvalid",
  { message: Schema.String, reason: Schema.Literal("Unknown", "Expired") },
  HttpApiSchema.annotations({ status: 400 })
) {
  static of(reason: keyof typeof pairingProblems) {
    return new PairingCodeInvalid({ reason, message: pairingProblems[reason] })
  }
}

const tokenProblems = {
  Missing: "no device token",
  Malformed: "the device token is malformed",
  Unknown: "the device token is unknown or was revoked"
}

export class DeviceUnauthorized extends Schema.TaggedError<DeviceUnauthorized>()(
  "DeviceUnauthorized",
  { message: Schema.String, reason: Schema.Literal("Missing", "Malformed", "Unknown") },
  HttpApiSchema.annotations({ status: 401 })
) {
  static of(reason: keyof typeof tokenProblems) {
    return new DeviceUnauthorized({
      reason,
      message: `${tokenProblems[reason]}: send Authorization: Bearer <the token the device got from claim>`
    })
  }
}

export class HarvesterDevicesApi extends HttpApiGroup.make("harvesterDevices")
  .add(
    HttpApiEndpoint.post("pair", "/harvester-devices/pairing-codes")
      .setPayload(CreatePairingCode)
      .addSuccess(Schema.Struct({ code: Schema.String, expiresAt: Schema.DateTimeUtc }), { status: 201 })
  )
  .add(HttpApiEndpoint.get("list", "/harvester-devices").addSuccess(Schema.Struct({ devices: Schema.Array(Device) })))
  .add(
    HttpApiEndpoint.del("revoke", "/harvester-devices/:id")
      .setPath(Schema.Struct({ id: Schema.UUID.annotations({ message: () => "the device id must be a UUID" }) }))
      .addSuccess(HttpApiSchema.NoContent)
      .addError(DeviceNotFound)
  )
  .middleware(WorkspaceMiddleware)
  .prefix("/api/v1") {}

/** Called by the device itself: no workspace header. */
export class HarvesterDeviceSelfApi extends HttpApiGroup.make("harvesterDeviceSelf")
  .add(
    HttpApiEndpoint.post("claim", "/harvester-devices/claim")
      .setPayload(Claim)
      .addSuccess(Schema.Struct({ token: Schema.String, device: Device }), { status: 201 })
      .addError(PairingCodeInvalid)
  )
  .add(
    HttpApiEndpoint.post("push", "/harvester-devices/push")
      .setHeaders(Schema.Struct({ authorization: Schema.optional(Schema.String) }))
      .setPayload(Push)
      .addSuccess(Schema.Struct({ accepted: Schema.Number, created: Schema.Number, updated: Schema.Number }))
      .addError(DeviceUnauthorized)
  )
  .prefix("/api/v1") {}
