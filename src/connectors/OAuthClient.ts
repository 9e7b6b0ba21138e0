// The client side of OAuth 2.0 (RFC 6749) with PKCE (RFC 7636): the authorization URL, the token endpoint's two
// grants (authorization_code with the code_verifier, refresh_token) and the identity call. A provider's refusal
// (an `error` in its answer, any 4xx) is `rejected`; no answer, a 5xx or a body that is not OAuth is `unavailable`,
// so a network blip never revokes a connection. Secrets stay Redacted until they go into a request body.
import * as crypto from "node:crypto"
import { Data, Duration, Effect, Redacted, Schema } from "effect"
import type { ProviderEndpoints } from "./OAuthProviders"

export class OAuthCallError extends Data.TaggedError("OAuthCallError")<{
  readonly kind: "rejected" | "unavailable"
  readonly message: string
}> {}

const base64url = (bytes: Buffer) => bytes.toString("base64url")

/** A fresh PKCE pair: a 43-character verifier and its S256 challenge. */
export const pkcePair = () => {
  const verifier = base64url(crypto.randomBytes(32))
  return { verifier, challenge: base64url(crypto.createHash("sha256").update(verifier).digest()) }
}

export const randomState = () => base64url(crypto.randomBytes(32))

export const sha256 = (text: string) => crypto.createHash("sha256").update(text, "utf8").digest()

export const authorizationUrl = (
  endpoints: ProviderEndpoints,
  params: { clientId: string; redirectUri: string; state: string; challenge: string; extra?: Record<string, string> }
) => {
  const url = new URL(endpoints.authorizeUrl)
  url.searchParams.set("response_type", "code")
  url.searchParams.set("client_id", params.clientId)
  url.searchParams.set("redirect_uri", params.redirectUri)
  url.searchParams.set("scope", endpoints.scopes.join(" "))
  url.searchParams.set("state", params.state)
  url.searchParams.set("code_challenge", params.challenge)
  url.searchParams.set("code_challenge_method", "S256")
  for (const [key, value] of Object.entries(params.extra ?? {})) url.searchParams.set(key, value)
  return url.toString()
}

const TokenAnswer = Schema.Struct({
  access_token: Schema.String.pipe(Schema.minLength(1)),
  refresh_token: Schema.optional(Schema.String),
  expires_in: Schema.optional(Schema.Union(Schema.Number, Schema.NumberFromString)),
  scope: Schema.optional(Schema.String)
})

const ErrorAnswer = Schema.Struct({ error: Schema.String, error_description: Schema.optional(Schema.String) })

export interface Tokens {
  readonly accessToken: Redacted.Redacted<string>
  readonly refreshToken: Redacted.Redacted<string> | undefined
  readonly expiresAt: Date | null
  readonly scopes: ReadonlyArray<string> | undefined
}

const TIMEOUT = Duration.seconds(15)

/** Only the error code and the provider's description (never echoed secrets) go into messages. */
const describeError = (answer: typeof ErrorAnswer.Type) =>
  `${answer.error}${answer.error_description === undefined ? "" : `: ${answer.error_description.slice(0, 200)}`}`

const postForm = (endpoints: ProviderEndpoints, form: Record<string, string>) =>
  Effect.tryPromise({
    try: async (signal) => {
      const response = await fetch(endpoints.tokenUrl, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: new URLSearchParams(form).toString(),
        signal
      })
      return { status: response.status, text: await response.text() }
    },
    catch: () => new OAuthCallError({ kind: "unavailable", message: "the provider's token endpoint did not answer" })
  }).pipe(
    Effect.timeoutFail({
      duration: TIMEOUT,
      onTimeout: () => new OAuthCallError({ kind: "unavailable", message: "the provider's token endpoint timed out" })
    }),
    Effect.flatMap(({ status, text }) => {
      let body: unknown
      try {
        body = JSON.parse(text)
      } catch {
        body = Object.fromEntries(new URLSearchParams(text))
      }
      const error = Schema.decodeUnknownOption(ErrorAnswer)(body)
      if (error._tag === "Some" || (status >= 400 && status < 500)) {
        const message = error._tag === "Some" ? describeError(error.value) : `status ${status}`
        return Effect.fail(new OAuthCallError({ kind: "rejected", message: `the provider refused: ${message}` }))
      }
      const tokens = Schema.decodeUnknownOption(TokenAnswer)(body)
      if (status !== 200 || tokens._tag === "None") {
        return Effect.fail(
          new OAuthCallError({
            kind: "unavailable",
            message: `the provider's token endpoint answered status ${status} without tokens`
          })
        )
      }
      return Effect.succeed(tokens.value)
    })
  )

const toTokens = (answer: typeof TokenAnswer.Type, nowMs: number): Tokens => ({
  accessToken: Redacted.make(answer.access_token),
  refreshToken: answer.refresh_token === undefined ? undefined : Redacted.make(answer.refresh_token),
  expiresAt: answer.expires_in === undefined ? null : new Date(nowMs + answer.expires_in * 1000),
  scopes: answer.scope === undefined ? undefined : answer.scope.split(/[\s,]+/).filter((s) => s !== "")
})

export interface ClientCredentials {
  readonly clientId: string
  readonly clientSecret: Redacted.Redacted<string>
}

export const exchangeCode = (
  endpoints: ProviderEndpoints,
  client: ClientCredentials,
  params: { code: string; redirectUri: string; verifier: Redacted.Redacted<string> }
) =>
  postForm(endpoints, {
    grant_type: "authorization_code",
    code: params.code,
    redirect_uri: params.redirectUri,
    client_id: client.clientId,
    client_secret: Redacted.value(client.clientSecret),
    code_verifier: Redacted.value(params.verifier)
  }).pipe(Effect.map((answer) => toTokens(answer, Date.now())))

export const refreshTokens = (
  endpoints: ProviderEndpoints,
  client: ClientCredentials,
  refreshToken: Redacted.Redacted<string>
) =>
  postForm(endpoints, {
    grant_type: "refresh_token",
    refresh_token: Redacted.value(refreshToken),
    client_id: client.clientId,
    client_secret: Redacted.value(client.clientSecret)
  }).pipe(Effect.map((answer) => toTokens(answer, Date.now())))

const Identity = Schema.Union(
  Schema.Struct({ id: Schema.Union(Schema.Number, Schema.String), login: Schema.String }),
  Schema.Struct({ sub: Schema.String, email: Schema.optional(Schema.String), name: Schema.optional(Schema.String) })
)

/** Who the token belongs to: the provider's stable account id and a readable label. */
export const identify = (endpoints: ProviderEndpoints, accessToken: Redacted.Redacted<string>) =>
  Effect.tryPromise({
    try: async (signal) => {
      const response = await fetch(endpoints.identityUrl, {
        headers: {
          authorization: `Bearer ${Redacted.value(accessToken)}`,
          accept: "application/json",
          "user-agent": "carabase-host"
        },
        signal
      })
      return { status: response.status, body: (await response.json().catch(() => null)) as unknown }
    },
    catch: () => new OAuthCallError({ kind: "unavailable", message: "the provider's identity endpoint did not answer" })
  }).pipe(
    Effect.timeoutFail({
      duration: TIMEOUT,
      onTimeout: () =>
        new OAuthCallError({ kind: "unavailable", message: "the provider's identity endpoint timed out" })
    }),
    Effect.flatMap(({ status, body }) => {
      const identity = Schema.decodeUnknownOption(Identity)(body)
      if (status === 401 || status === 403) {
        return Effect.fail(new OAuthCallError({ kind: "rejected", message: "the provider refused the new token" }))
      }
      if (status !== 200 || identity._tag === "None") {
        return Effect.fail(
          new OAuthCallError({ kind: "unavailable", message: `the identity endpoint answered status ${status}` })
        )
      }
      const found = identity.value
      return Effect.succeed(
        "login" in found
          ? { accountId: String(found.id), accountLabel: found.login }
          : { accountId: found.sub, accountLabel: found.email ?? found.name ?? found.sub }
      )
    })
  )
