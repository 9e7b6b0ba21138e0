// OAuth apps and connections over real HTTP against a local authorization server that checks PKCE: the flow from
// start to callback, state failures (wrong, reused, expired, for another provider), a verifier that does not match,
// several accounts per provider, refresh and revocation, disconnect and purge, and no secret or token in any
// answer, log line or database dump.
import { execFileSync } from "node:child_process"
import * as crypto from "node:crypto"
import { describe, expect, it } from "@effect/vitest"
import { runClient } from "../support/apiClient"
import { asOwner } from "../support/hostSuite"
import { api, authorize, CLIENT, connectAccount, connectorSuite, createApp, pathOf } from "./suite"

const suite = connectorSuite("connectors_oauth")

const connections = async () =>
  (await api(suite, "GET", "/api/v1/connections")).json.connections as Array<{
    id: string
    provider: string
    accountId: string
    accountLabel: string
    tokenStatus: string
  }>

describe("OAuth apps", () => {
  it("stores a client secret and never returns it: 201, list, 409 for a second app, delete", async () => {
    const other = (await api(suite, "POST", "/api/v1/workspaces", { body: { name: "apps" }, workspace: null })).json
      .workspace.id as string
    const created = await api(suite, "POST", "/api/v1/oauth-apps", {
      body: { provider: "google", clientId: " google-client ", clientSecret: "google-secret-Zr4" },
      workspace: other
    })
    expect(created.status).toBe(201)
    expect(Object.keys(created.json.oauthApp).sort()).toEqual(["clientId", "createdAt", "id", "provider"])
    expect(created.json.oauthApp).toMatchObject({ provider: "google", clientId: "google-client" })
    expect(created.text).not.toContain("google-secret-Zr4")
    const again = await api(suite, "POST", "/api/v1/oauth-apps", {
      body: { provider: "google", clientId: "x", clientSecret: "y" },
      workspace: other
    })
    expect(again.status).toBe(409)
    expect(again.json.message).toContain("already has an OAuth app for google")
    const listed = await api(suite, "GET", "/api/v1/oauth-apps", { workspace: other })
    expect(listed.json.oauthApps.map((a: { id: string }) => a.id)).toEqual([created.json.oauthApp.id])
    expect(listed.text).not.toContain("google-secret-Zr4")
    expect((await api(suite, "GET", "/api/v1/oauth-apps")).json.oauthApps).toEqual([])
    const removed = await api(suite, "DELETE", `/api/v1/oauth-apps/${created.json.oauthApp.id}`, { workspace: other })
    expect(removed.status).toBe(204)
    const gone = await api(suite, "DELETE", `/api/v1/oauth-apps/${created.json.oauthApp.id}`, { workspace: other })
    expect(gone.status).toBe(404)
  })

  it("answers 400 naming the field for an invalid app", async () => {
    const cases: Array<[unknown, string]> = [
      [{ provider: "gitlab", clientId: "a", clientSecret: "b" }, "provider"],
      [{ provider: "github", clientId: " ", clientSecret: "b" }, "clientId"],
      [{ provider: "github", clientId: "a", clientSecret: "" }, "clientSecret"],
      [{ provider: "github", clientId: "a" }, "clientSecret"]
    ]
    for (const [body, field] of cases) {
      const reply = await api(suite, "POST", "/api/v1/oauth-apps", { body })
      expect(reply.status, JSON.stringify(body)).toBe(400)
      expect(reply.text, JSON.stringify(body)).toContain(field)
    }
    expect((await api(suite, "GET", "/api/v1/oauth-apps", { workspace: null })).status).toBe(400)
  })
})

describe("connecting an account", () => {
  it("start without an OAuth app is 409, an unknown provider 400, no workspace 400", async () => {
    const start = await api(suite, "GET", "/api/v1/auth/github/start")
    expect(start.status).toBe(409)
    expect(start.json.message).toContain("POST /api/v1/oauth-apps")
    expect((await api(suite, "GET", "/api/v1/auth/gitlab/start")).status).toBe(400)
    expect((await api(suite, "GET", "/api/v1/auth/github/start", { workspace: null })).status).toBe(400)
  })

  it("start redirects (302) to the provider with an S256 challenge, a state and the callback URL", async () => {
    await createApp(suite, "github")
    await createApp(suite, "google")
    const start = await api(suite, "GET", `/api/v1/auth/github/start?workspace=${suite.workspace}`, {
      workspace: null
    })
    expect(start.status).toBe(302)
    const location = new URL(start.headers.get("location")!)
    expect(`${location.origin}${location.pathname}`).toBe(`${suite.oauth.url}/authorize`)
    const q = location.searchParams
    expect(q.get("response_type")).toBe("code")
    expect(q.get("client_id")).toBe(CLIENT.clientId)
    expect(q.get("code_challenge_method")).toBe("S256")
    expect(q.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(q.get("state")).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(q.get("redirect_uri")).toBe(`${suite.base}/api/v1/auth/github/callback`)
    const second = await api(suite, "GET", "/api/v1/auth/github/start")
    const q2 = new URL(second.headers.get("location")!).searchParams
    expect(q2.get("state")).not.toBe(q.get("state"))
    expect(q2.get("code_challenge")).not.toBe(q.get("code_challenge"))
  })

  it("POST start answers the same consent URL as JSON (for a client that sends headers), and it leads to a connection", async () => {
    const start = await api(suite, "POST", "/api/v1/auth/github/start")
    expect(start.status, start.text).toBe(200)
    expect(Object.keys(start.json)).toEqual(["url"])
    const url = new URL(start.json.url)
    expect(`${url.origin}${url.pathname}`).toBe(`${suite.oauth.url}/authorize`)
    expect(url.searchParams.get("code_challenge_method")).toBe("S256")
    expect(url.searchParams.get("state")).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(url.searchParams.get("redirect_uri")).toBe(`${suite.base}/api/v1/auth/github/callback`)
    url.searchParams.set("login", "alice")
    const consent = await fetch(url, { redirect: "manual" })
    const reply = await api(suite, "GET", pathOf(new URL(consent.headers.get("location")!)), { workspace: null })
    expect(reply.status, reply.text).toBe(200)
    expect(reply.json.connection).toMatchObject({ provider: "github", accountLabel: "alice", tokenStatus: "active" })
    // Like GET start, it needs the workspace and the provider's app.
    expect((await api(suite, "POST", "/api/v1/auth/github/start", { workspace: null })).status).toBe(400)
    expect((await api(suite, "POST", "/api/v1/auth/gitlab/start")).status).toBe(400)
  })

  it("the callback exchanges the code with a verifier matching the challenge and stores the connection", async () => {
    const { authorizeUrl, callback } = await authorize(suite, "github", "alice")
    const before = suite.oauth.tokenRequests.length
    const reply = await api(suite, "GET", pathOf(callback), { workspace: null })
    expect(reply.status).toBe(200)
    expect(reply.json.connection).toMatchObject({
      provider: "github",
      accountId: "1001",
      accountLabel: "alice",
      tokenStatus: "active",
      scopes: ["repo", "read:user"]
    })
    const exchange = suite.oauth.tokenRequests.slice(before).find((r) => r.grantType === "authorization_code")!
    expect(exchange.status).toBe(200)
    const challenge = crypto.createHash("sha256").update(exchange.form["code_verifier"]!).digest("base64url")
    expect(challenge).toBe(authorizeUrl.searchParams.get("code_challenge"))
    expect((await connections()).map((c) => c.accountLabel)).toContain("alice")
  })

  it("a reused state is 400 and the code is not exchanged twice", async () => {
    const { callback } = await authorize(suite, "github", "alice")
    expect((await api(suite, "GET", pathOf(callback), { workspace: null })).status).toBe(200)
    const before = suite.oauth.tokenRequests.length
    const again = await api(suite, "GET", pathOf(callback), { workspace: null })
    expect(again.status).toBe(400)
    expect(again.json).toMatchObject({ _tag: "OAuthStateInvalid" })
    expect(again.json.message).toContain("already used")
    expect(suite.oauth.tokenRequests.length).toBe(before)
  })

  it("a wrong, missing or malformed state is 400", async () => {
    const { callback } = await authorize(suite, "github", "alice")
    const code = callback.searchParams.get("code")!
    const wrong = await api(
      suite,
      "GET",
      `/api/v1/auth/github/callback?code=${code}&state=${crypto.randomBytes(32).toString("base64url")}`,
      { workspace: null }
    )
    expect(wrong.status).toBe(400)
    expect(wrong.json.message).toContain("unknown")
    const missing = await api(suite, "GET", `/api/v1/auth/github/callback?code=${code}`, { workspace: null })
    expect(missing.status).toBe(400)
    expect(missing.json.message).toContain("no state")
    const malformed = await api(suite, "GET", `/api/v1/auth/github/callback?code=${code}&state=%00'`, {
      workspace: null
    })
    expect(malformed.status).toBe(400)
    // The real state still works once: the wrong ones did not consume it.
    expect((await api(suite, "GET", pathOf(callback), { workspace: null })).status).toBe(200)
  })

  it("an expired state (older than 10 minutes) is 400", async () => {
    const { callback } = await authorize(suite, "github", "alice")
    await asOwner(suite.db, (db) => db.query("update oauth_states set expires_at = now() - interval '1 second'"))
    const reply = await api(suite, "GET", pathOf(callback), { workspace: null })
    expect(reply.status).toBe(400)
    expect(reply.json.message).toContain("expired")
    const ttl = await asOwner(suite.db, async (db) => {
      await api(suite, "GET", "/api/v1/auth/github/start")
      const { rows } = await db.query(
        "select extract(epoch from expires_at - created_at)::int as ttl from oauth_states order by created_at desc limit 1"
      )
      return rows[0].ttl as number
    })
    expect(ttl).toBe(600)
  })

  it("a state issued for another provider is 400", async () => {
    const { callback } = await authorize(suite, "google", "alice")
    const reply = await api(suite, "GET", `/api/v1/auth/github/callback${callback.search}`, { workspace: null })
    expect(reply.status).toBe(400)
    expect(reply.json.message).toContain("issued for google")
  })

  it("a code_verifier that does not match the challenge is refused by the provider: 400, nothing stored", async () => {
    const before = (await connections()).length
    const { callback } = await authorize(suite, "github", "bob", (url) =>
      url.searchParams.set("code_challenge", crypto.randomBytes(32).toString("base64url"))
    )
    const reply = await api(suite, "GET", pathOf(callback), { workspace: null })
    expect(reply.status).toBe(400)
    expect(reply.json).toMatchObject({ _tag: "OAuthRejected" })
    expect(reply.json.message).toContain("PKCE verification failed")
    expect((await connections()).length).toBe(before)
  })

  it("a denied consent is 400 and consumes the state", async () => {
    const { callback } = await authorize(suite, "github", "alice", (url) => url.searchParams.set("deny", "true"))
    expect(callback.searchParams.get("error")).toBe("access_denied")
    const reply = await api(suite, "GET", pathOf(callback), { workspace: null })
    expect(reply.status).toBe(400)
    expect(reply.json.message).toContain("access_denied")
    expect((await api(suite, "GET", pathOf(callback), { workspace: null })).status).toBe(400)
  })
})

describe("several accounts, refresh and revocation", () => {
  it("keeps one connection per account: two GitHub accounts and a Google one; reconnecting updates", async () => {
    await connectAccount(suite, "github", "alice")
    await connectAccount(suite, "github", "bob")
    await connectAccount(suite, "google", "alice")
    await connectAccount(suite, "github", "bob")
    const list = await connections()
    expect(list.map((c) => `${c.provider}:${c.accountLabel}`).sort()).toEqual([
      "github:alice",
      "github:bob",
      "google:alice@example.org"
    ])
    expect(list.find((c) => c.provider === "google")!.accountId).toBe("1001")
    const typed = await runClient(suite.base, (client) => client.connections.list(), suite.workspace)
    expect(typed.connections.map((c) => c.accountLabel).sort()).toEqual(["alice", "alice@example.org", "bob"])
    const apps = await runClient(suite.base, (client) => client.oauthApps.list(), suite.workspace)
    expect(apps.oauthApps.map((a) => a.provider)).toEqual(["github", "google"])
  })

  it("refreshes with the refresh token, and a refused refresh marks the connection revoked", async () => {
    const bob = (await connections()).find((c) => c.provider === "github" && c.accountLabel === "bob")!
    const before = suite.oauth.tokenRequests.length
    const refreshed = await api(suite, "POST", `/api/v1/connections/${bob.id}/refresh`)
    expect(refreshed.status).toBe(200)
    expect(refreshed.json.connection).toMatchObject({ id: bob.id, tokenStatus: "active" })
    const grants = suite.oauth.tokenRequests.slice(before)
    expect(grants.map((r) => [r.grantType, r.status])).toEqual([["refresh_token", 200]])
    // The rotated refresh token was stored: a second refresh works too.
    expect((await api(suite, "POST", `/api/v1/connections/${bob.id}/refresh`)).status).toBe(200)

    suite.oauth.revokeAccount("bob")
    const refused = await api(suite, "POST", `/api/v1/connections/${bob.id}/refresh`)
    expect(refused.status).toBe(409)
    expect(refused.json).toMatchObject({ _tag: "ConnectionRevoked" })
    expect((await connections()).find((c) => c.id === bob.id)!.tokenStatus).toBe("revoked")
    const sealed = await asOwner(suite.db, (db) =>
      db.query("select access_token_sealed, refresh_token_sealed from connections where id = $1", [bob.id])
    )
    expect(sealed.rows[0]).toEqual({ access_token_sealed: null, refresh_token_sealed: null })
    expect((await api(suite, "POST", `/api/v1/connections/${bob.id}/refresh`)).status).toBe(409)
  })

  it("a provider that is down is 502 and does not revoke; an unknown connection is 404", async () => {
    const alice = (await connections()).find((c) => c.provider === "github" && c.accountLabel === "alice")!
    suite.oauth.outage = true
    try {
      const down = await api(suite, "POST", `/api/v1/connections/${alice.id}/refresh`)
      expect(down.status).toBe(502)
      expect(down.json).toMatchObject({ _tag: "OAuthProviderUnavailable" })
    } finally {
      suite.oauth.outage = false
    }
    expect((await connections()).find((c) => c.id === alice.id)!.tokenStatus).toBe("active")
    expect((await api(suite, "POST", `/api/v1/connections/${alice.id}/refresh`)).status).toBe(200)
    expect((await api(suite, "POST", `/api/v1/connections/${crypto.randomUUID()}/refresh`)).status).toBe(404)
  })

  it("refreshing without the provider's OAuth app is 409 and names the fix; the connection stays active", async () => {
    const alice = (await connections()).find((c) => c.provider === "github" && c.accountLabel === "alice")!
    const [app] = (await api(suite, "GET", "/api/v1/oauth-apps")).json.oauthApps.filter(
      (a: { provider: string }) => a.provider === "github"
    )
    expect((await api(suite, "DELETE", `/api/v1/oauth-apps/${app.id}`)).status).toBe(204)
    const reply = await api(suite, "POST", `/api/v1/connections/${alice.id}/refresh`)
    expect(reply.status).toBe(409)
    expect(reply.json).toMatchObject({ _tag: "OAuthAppMissing" })
    expect(reply.json.message).toContain("POST /api/v1/oauth-apps")
    expect((await connections()).find((c) => c.id === alice.id)!.tokenStatus).toBe("active")
    await createApp(suite, "github")
  })
})

describe("disconnecting", () => {
  it("DELETE /auth/<provider>?account= erases the connection; purge=true also deletes its harvested data", async () => {
    const list = await connections()
    const alice = list.find((c) => c.provider === "github" && c.accountLabel === "alice")!
    const google = list.find((c) => c.provider === "google")!
    const seed = (connectionId: string, externalId: string) =>
      asOwner(suite.db, (db) =>
        db.query(
          "insert into artifacts (workspace_id, filename, size, source, external_id, connection_id, extracted_text) values ($1, 'x', 1, 'github', $2, $3, 'x')",
          [suite.workspace, externalId, connectionId]
        )
      )
    await seed(alice.id, "a-1")
    await seed(google.id, "g-1")
    const count = (connectionId: string) =>
      asOwner(suite.db, async (db) => {
        const { rows } = await db.query("select count(*)::int as n from artifacts where connection_id = $1", [
          connectionId
        ])
        return rows[0].n as number
      })

    expect((await api(suite, "DELETE", "/api/v1/auth/google?account=nobody")).status).toBe(404)
    expect((await api(suite, "DELETE", "/api/v1/auth/google")).status).toBe(400)
    expect((await api(suite, "DELETE", `/api/v1/auth/google?account=${google.id}&purge=maybe`)).status).toBe(400)

    const kept = await api(suite, "DELETE", `/api/v1/auth/google?account=${google.id}`)
    expect(kept.status).toBe(204)
    expect(await count(google.id)).toBe(1)

    const purged = await api(suite, "DELETE", `/api/v1/auth/github?account=${alice.accountId}&purge=true`)
    expect(purged.status).toBe(204)
    expect(await count(alice.id)).toBe(0)
    const left = await connections()
    expect(left.map((c) => c.id)).not.toContain(alice.id)
    expect(left.map((c) => c.id)).not.toContain(google.id)
    const rows = await asOwner(suite.db, (db) => db.query("select id from connections where id = $1", [alice.id]))
    expect(rows.rows).toEqual([])
  })
})

describe("secrets and tokens", () => {
  const needles = () => {
    const verifiers = suite.oauth.tokenRequests.flatMap((r) => r.form["code_verifier"] ?? [])
    const secrets = [CLIENT.clientSecret, "google-secret-Zr4", ...suite.oauth.issued, ...verifiers]
    return secrets.flatMap((s) => [s, Buffer.from(s).toString("hex")])
  }

  it("tokens were issued (the searches below look at real values)", () => {
    expect(suite.oauth.issued.length).toBeGreaterThan(8)
    expect(suite.oauth.tokenRequests.filter((r) => r.form["code_verifier"] !== undefined).length).toBeGreaterThan(5)
  })

  it("never appear in an answer or in the host's log", () => {
    const logs = `${suite.host.stdout()}\n${suite.host.stderr()}`
    expect(logs.length).toBeGreaterThan(0)
    const answers = suite.answers.join("\n")
    for (const needle of needles()) {
      expect(answers.includes(needle), "a secret in an answer").toBe(false)
      expect(logs.includes(needle), "a secret in the log").toBe(false)
    }
  })

  it("are not in a dump of the database", () => {
    const dump = execFileSync("pg_dump", ["--dbname", suite.db.ownerUrl, "--data-only", "--no-owner"], {
      maxBuffer: 256 * 1024 * 1024,
      stdio: ["ignore", "pipe", "ignore"]
    }).toString("latin1")
    expect(dump).toContain("carabase-test-client")
    expect(dump).toContain("connections")
    for (const needle of needles()) expect(dump.includes(needle), "a secret in the dump").toBe(false)
  })
})
