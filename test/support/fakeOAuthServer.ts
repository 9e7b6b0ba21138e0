// A local OAuth 2.0 authorization server (RFC 6749, authorization code and refresh_token grants) with PKCE
// (RFC 7636, S256 only), for connector tests. It really checks what a provider checks: the client's credentials,
// the redirect_uri, that a code is used once and within a minute, and that the code_verifier hashes to the
// challenge given at /authorize. Tests pick the signed-in user with `login=` on the authorize URL (a real server
// would show a sign-in page), and can revoke a user's grants or make every refresh fail.
import * as crypto from "node:crypto"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { readBody } from "./fakeHttp"

export interface Account {
  readonly id: string
  readonly login: string
  readonly email: string
}

interface Grant {
  readonly clientId: string
  readonly redirectUri: string
  readonly challenge: string
  readonly account: Account
  readonly scope: string
  readonly issuedAt: number
  used: boolean
}

interface TokenInfo {
  readonly account: Account
  readonly clientId: string
  readonly expiresAt: number
  revoked: boolean
}

export interface TokenRequest {
  readonly grantType: string
  readonly form: Record<string, string>
  readonly status: number
}

export interface FakeOAuthServer {
  readonly url: string
  /** Registers a client; only registered clients with their secret are served. */
  readonly registerClient: (clientId: string, clientSecret: string) => void
  /** Every /token request, for asserting what the host sent. */
  readonly tokenRequests: Array<TokenRequest>
  /** Every access and refresh token issued, to search logs and dumps for them. */
  readonly issued: Array<string>
  /** The account an access token belongs to, if it is valid now. */
  readonly accountOf: (accessToken: string) => Account | undefined
  /** Revokes every token of the account: its refresh then fails with invalid_grant. */
  readonly revokeAccount: (login: string) => void
  /** Lifetime of new access tokens in seconds (default 3600). */
  accessTokenTtl: number
  /** When true, every refresh_token grant answers invalid_grant. */
  failRefresh: boolean
  /** When true, /token answers 503 (the provider is down). */
  outage: boolean
  readonly close: () => Promise<void>
}

const random = () => crypto.randomBytes(24).toString("base64url")
const s256 = (verifier: string) => crypto.createHash("sha256").update(verifier).digest("base64url")
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/

export const startFakeOAuthServer = async (accounts: ReadonlyArray<Account>): Promise<FakeOAuthServer> => {
  const clients = new Map<string, string>()
  const codes = new Map<string, Grant>()
  const accessTokens = new Map<string, TokenInfo>()
  const refreshTokens = new Map<string, TokenInfo>()
  const byLogin = new Map(accounts.map((a) => [a.login, a]))
  /** The scopes each client was granted by each account (`clientId:accountId`). */
  const granted = new Map<string, ReadonlyArray<string>>()

  const json = (response: http.ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" })
    response.end(JSON.stringify(body))
  }

  const issue = (account: Account, clientId: string, scope: string) => {
    const access = random()
    const refresh = random()
    accessTokens.set(access, { account, clientId, expiresAt: Date.now() + fake.accessTokenTtl * 1000, revoked: false })
    refreshTokens.set(refresh, { account, clientId, expiresAt: Infinity, revoked: false })
    fake.issued.push(access, refresh)
    return {
      access_token: access,
      token_type: "bearer",
      expires_in: fake.accessTokenTtl,
      refresh_token: refresh,
      scope
    }
  }

  const authorize = (url: URL, response: http.ServerResponse) => {
    const q = url.searchParams
    const redirectUri = q.get("redirect_uri") ?? ""
    const clientId = q.get("client_id") ?? ""
    if (!clients.has(clientId) || !URL.canParse(redirectUri)) {
      return json(response, 400, { error: "invalid_request", error_description: "unknown client or bad redirect_uri" })
    }
    const back = new URL(redirectUri)
    const state = q.get("state")
    if (state !== null) back.searchParams.set("state", state)
    const fail = (error: string) => {
      back.searchParams.set("error", error)
      response.writeHead(302, { location: back.toString() }).end()
    }
    if (q.get("response_type") !== "code") return fail("unsupported_response_type")
    if (q.get("code_challenge_method") !== "S256" || !/^[A-Za-z0-9_-]{43}$/.test(q.get("code_challenge") ?? "")) {
      return fail("invalid_request")
    }
    const account = byLogin.get(q.get("login") ?? "")
    if (account === undefined || q.get("deny") === "true") return fail("access_denied")
    const code = random()
    // Google's incremental authorization: with include_granted_scopes, the grant keeps what the account allowed before.
    const asked = (q.get("scope") ?? "").split(" ").filter((s) => s !== "")
    const earlier = q.get("include_granted_scopes") === "true" ? (granted.get(`${clientId}:${account.id}`) ?? []) : []
    const scopes = [...new Set([...earlier, ...asked])]
    granted.set(`${clientId}:${account.id}`, scopes)
    codes.set(code, {
      clientId,
      redirectUri,
      challenge: q.get("code_challenge")!,
      account,
      scope: scopes.join(" "),
      issuedAt: Date.now(),
      used: false
    })
    back.searchParams.set("code", code)
    response.writeHead(302, { location: back.toString() }).end()
  }

  const token = async (request: http.IncomingMessage, response: http.ServerResponse) => {
    const form = Object.fromEntries(new URLSearchParams(await readBody(request)))
    const answer = (status: number, body: Record<string, unknown>) => {
      fake.tokenRequests.push({ grantType: form["grant_type"] ?? "", form, status })
      json(response, status, body)
    }
    let clientId = form["client_id"] ?? ""
    let secret = form["client_secret"]
    const basic = /^Basic (.+)$/.exec(request.headers.authorization ?? "")
    if (basic !== null) {
      const [id, pass] = Buffer.from(basic[1]!, "base64").toString().split(":")
      clientId = decodeURIComponent(id ?? "")
      secret = decodeURIComponent(pass ?? "")
    }
    if (clients.get(clientId) === undefined || clients.get(clientId) !== secret) {
      return answer(401, { error: "invalid_client" })
    }
    if (form["grant_type"] === "authorization_code") {
      const grant = codes.get(form["code"] ?? "")
      if (grant === undefined || grant.clientId !== clientId) return answer(400, { error: "invalid_grant" })
      if (grant.used) return answer(400, { error: "invalid_grant", error_description: "code already used" })
      grant.used = true
      if (Date.now() - grant.issuedAt > 60_000) return answer(400, { error: "invalid_grant" })
      if (form["redirect_uri"] !== grant.redirectUri) {
        return answer(400, { error: "invalid_grant", error_description: "redirect_uri mismatch" })
      }
      const verifier = form["code_verifier"] ?? ""
      if (!VERIFIER.test(verifier) || s256(verifier) !== grant.challenge) {
        return answer(400, { error: "invalid_grant", error_description: "PKCE verification failed" })
      }
      return answer(200, issue(grant.account, clientId, grant.scope))
    }
    if (form["grant_type"] === "refresh_token") {
      const info = refreshTokens.get(form["refresh_token"] ?? "")
      if (fake.failRefresh || info === undefined || info.revoked || info.clientId !== clientId) {
        return answer(400, { error: "invalid_grant", error_description: "refresh token is invalid or revoked" })
      }
      info.revoked = true // rotation: a refresh token is spent once
      return answer(200, issue(info.account, clientId, ""))
    }
    return answer(400, { error: "unsupported_grant_type" })
  }

  const accountOf = (accessToken: string) => {
    const info = accessTokens.get(accessToken)
    return info === undefined || info.revoked || info.expiresAt < Date.now() ? undefined : info.account
  }

  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://localhost")
    if (request.method === "GET" && url.pathname === "/authorize") return authorize(url, response)
    if (request.method === "POST" && url.pathname === "/token" && fake.outage) {
      return json(response, 503, { message: "down for maintenance" })
    }
    if (request.method === "POST" && url.pathname === "/token") {
      return void token(request, response).catch(() => json(response, 500, { error: "server_error" }))
    }
    if (request.method === "GET" && url.pathname === "/userinfo") {
      const account = accountOf((request.headers.authorization ?? "").replace(/^Bearer /, ""))
      if (account === undefined) return json(response, 401, { error: "invalid_token" })
      return json(response, 200, { sub: account.id, email: account.email })
    }
    json(response, 404, { error: "not_found" })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const fake: FakeOAuthServer = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    registerClient: (id, secret) => void clients.set(id, secret),
    tokenRequests: [],
    issued: [],
    accountOf,
    revokeAccount: (login) => {
      for (const info of [...accessTokens.values(), ...refreshTokens.values()]) {
        if (info.account.login === login) info.revoked = true
      }
    },
    accessTokenTtl: 3600,
    failRefresh: false,
    outage: false,
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
  return fake
}
