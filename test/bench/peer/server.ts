// The peer reference of `pnpm bench:peer` (not part of the host): the routes the benchmark drives, written the
// conventional way on Fastify 5 and node-postgres, as the real Carabase product is built, on the same database as the
// host and as the same role (carabase_app, under the same Row-Level Security policies).
//
// - GET /api/v1/version: a constant JSON object.
// - GET /api/v1/memories?limit=: the workspace's newest memories. A scoped read the conventional way: a pooled
//   client, BEGIN, set_config of the workspace, the select, COMMIT (four round trips).
// - GET /api/v1/daily-notes/:date: one day's note, read the same way.
// - POST /api/v1/harvest/search: the host's hybrid search SQL (the analysis statement, then the hybrid statement,
//   both compiled by the host's own code in src/search from the same plan and the same hashing embedding), in one
//   transaction as the workspace.
// - POST /api/v1/webhooks/slack/:channelId: reads the raw body, verifies Slack's signature (the host's pure check),
//   parses the event (the host's pure parser) and stores it in channel_events once per event id, committed before it
//   answers 200: BEGIN, set_config, insert, COMMIT, one transaction per delivery.
//
// Same validation as the host where the benchmark could notice: the workspace header must be a UUID of a workspace
// that exists (remembered once seen, as the host does), limits in range, unknown body fields refused.
//
// Run: node dist/bench/peer.mjs (bundled by test/bench/peerBench.ts) with PORT, APP_DATABASE_URL and
// PEER_SLACK_SECRET (the plaintext signing secret of the benchmark's channel: a conventional app reads it from its
// configuration; the host opens its sealed copy).
import Fastify from "fastify"
import pg from "pg"
import { Reactivity } from "@effect/experimental"
import { PgClient } from "@effect/sql-pg"
import { Effect, Scope } from "effect"
import { hashing, hashingEmbedding } from "../../../src/embeddings/Embedder"
import { nameTransforms, rowTransform } from "../../../src/platform/Db"
import { answerOf } from "../../../src/search/Explanation"
import { analysisStatement, parseQuery, planFor } from "../../../src/search/LexicalQuery"
import { hybridStatement, toResult, type HybridRow } from "../../../src/search/Search"
import { HOST_VERSION, channelOf } from "../../../src/meta/Version"
import * as Deliveries from "../../../src/webhooks/Deliveries"
import * as Signatures from "../../../src/webhooks/Signatures"

const port = Number(process.env.PORT ?? 3100)
const pool = new pg.Pool({ connectionString: process.env.APP_DATABASE_URL, max: 10, idleTimeoutMillis: 60_000 })
pool.on("error", () => undefined)
const slackSecret = process.env.PEER_SLACK_SECRET ?? ""

/** Only to compile the host's search statements (src/search builds them with an @effect/sql client); never runs one. */
const compiler = await Effect.runPromise(
  Effect.flatMap(Scope.make(), (scope) =>
    PgClient.fromPool({ acquire: Effect.succeed(pool), ...nameTransforms }).pipe(
      Effect.provide(Reactivity.layer),
      Scope.extend(scope)
    )
  )
)

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const DATE = /^\d{4}-\d{2}-\d{2}$/
const known = new Set<string>()

class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly tag: string,
    message: string
  ) {
    super(message)
  }
}

/** The workspace a request names, checked as the host checks it (a UUID of a workspace that exists). */
const workspaceOf = async (header: string | Array<string> | undefined): Promise<string> => {
  const id = typeof header === "string" ? header.trim().toLowerCase() : ""
  if (id === "") throw new HttpError(400, "WorkspaceHeaderInvalid", "x-workspace-id is missing")
  if (!UUID.test(id)) throw new HttpError(400, "WorkspaceHeaderInvalid", "x-workspace-id is not a UUID")
  if (known.has(id)) return id
  const found = await pool.query("select 1 from workspaces where id = $1", [id])
  if (found.rowCount === 0) throw new HttpError(404, "WorkspaceNotFound", `no workspace ${id}`)
  known.add(id)
  return id
}

/** The conventional scoped transaction: BEGIN, the workspace setting, the work, COMMIT (ROLLBACK on error). */
const asWorkspace = async <A>(workspaceId: string, work: (client: pg.PoolClient) => Promise<A>): Promise<A> => {
  const client = await pool.connect()
  try {
    await client.query("BEGIN")
    await client.query("select set_config('app.workspace_id', $1, true)", [workspaceId])
    const result = await work(client)
    await client.query("COMMIT")
    client.release()
    return result
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined)
    client.release(error instanceof Error ? error : true)
    throw error
  }
}

const app = Fastify({ logger: false, bodyLimit: 4 * 1024 * 1024 })

app.setErrorHandler((error: Error & { statusCode?: number; validation?: unknown }, _request, reply) => {
  if (error instanceof HttpError) {
    return reply.code(error.statusCode).send({ _tag: error.tag, message: error.message })
  }
  if (error.validation !== undefined)
    return reply.code(400).send({ _tag: "HttpApiDecodeError", message: error.message })
  if ((error.statusCode ?? 500) >= 500) console.error("peer:", error)
  return reply.code(error.statusCode ?? 500).send({ _tag: "InternalError", message: "internal error" })
})

const version = { version: HOST_VERSION, channel: channelOf(HOST_VERSION) }
app.get("/api/v1/version", async () => version)

app.get(
  "/api/v1/memories",
  {
    schema: {
      querystring: {
        type: "object",
        properties: { limit: { type: "integer", minimum: 1, maximum: 100 } },
        additionalProperties: false
      }
    }
  },
  async (request) => {
    const workspaceId = await workspaceOf(request.headers["x-workspace-id"])
    const limit = (request.query as { limit?: number }).limit ?? 20
    const rows = await asWorkspace(workspaceId, (client) =>
      client.query<{ id: string; content: string; created_at: Date }>(
        "select id, content, created_at from memories order by created_at desc, id limit $1",
        [limit]
      )
    )
    return {
      memories: rows.rows.map((row) => ({ id: row.id, content: row.content, createdAt: row.created_at.toISOString() }))
    }
  }
)

app.get("/api/v1/daily-notes/:date", async (request) => {
  const { date } = request.params as { date: string }
  if (!DATE.test(date)) throw new HttpError(400, "HttpApiDecodeError", "date must be YYYY-MM-DD")
  const workspaceId = await workspaceOf(request.headers["x-workspace-id"])
  const found = await asWorkspace(workspaceId, (client) =>
    client.query<{ id: string; date: string; document: unknown; revision: number; updated_at: Date }>(
      "select id, to_char(date, 'YYYY-MM-DD') as date, document, revision, updated_at from daily_notes where date = $1::date",
      [date]
    )
  )
  const row = found.rows[0]
  if (row === undefined) throw new HttpError(404, "NoteNotFound", `no note for ${date}`)
  return {
    id: row.id,
    date: row.date,
    documentState: row.document,
    revision: row.revision,
    updatedAt: row.updated_at.toISOString()
  }
})

app.post(
  "/api/v1/harvest/search",
  {
    schema: {
      body: {
        type: "object",
        required: ["query"],
        properties: {
          query: { type: "string", minLength: 1, maxLength: 1000 },
          limit: { type: "integer", minimum: 1, maximum: 20 },
          kinds: { type: "array", items: { enum: ["note", "memory", "folio_commit", "artifact"] } }
        },
        additionalProperties: false
      }
    }
  },
  async (request) => {
    const workspaceId = await workspaceOf(request.headers["x-workspace-id"])
    const body = request.body as { query: string; limit?: number; kinds?: Array<"note" | "memory"> }
    const parsed = parseQuery(body.query)
    const wordsOnly = parsed.phrases.length > 0 || parsed.prefixes.length > 0
    const embedded = wordsOnly ? undefined : hashingEmbedding(body.query)
    const vector = embedded?.some((value) => value !== 0) ? embedded : undefined
    const [analysisText, analysisParams] = analysisStatement(compiler, parsed).compile()
    const { plan, rows } = await asWorkspace(workspaceId, async (client) => {
      const analysis = await client.query(analysisText, analysisParams as Array<unknown>)
      const plan = planFor(
        parsed,
        analysis.rows.map(
          (row: { kind: "word" | "prefix" | "stats"; word: string | null; term: string | null; df: number }) => ({
            kind: row.kind,
            word: row.word,
            term: row.term,
            df: Number(row.df)
          })
        )
      )
      const [text, params] = hybridStatement(compiler, {
        plan,
        limit: body.limit ?? 5,
        kinds: body.kinds,
        vector,
        model: hashing.model,
        minSimilarity: hashing.minSimilarity
      }).compile()
      const hits = await client.query(text, params as Array<unknown>)
      return { plan, rows: rowTransform(hits.rows) as ReadonlyArray<HybridRow> }
    })
    const answer = answerOf(
      rows.map((row) => toResult(row, plan)),
      plan,
      wordsOnly ? "not used" : vector === undefined ? "unavailable" : "searched"
    )
    return answer.explanation === undefined
      ? { results: answer.results }
      : { results: answer.results, explanation: answer.explanation }
  }
)

/** The channel's workspace, looked up once through the same policy the host uses (carabase_inbound_channel). */
const channels = new Map<string, { workspaceId: string; kind: string }>()
const inboundChannel = async (id: string) => {
  const hit = channels.get(id)
  if (hit !== undefined) return hit
  const found = await pool.query<{ workspace_id: string; kind: string }>(
    "select workspace_id, kind from carabase_inbound_channel($1)",
    [id]
  )
  const row = found.rows[0]
  if (row === undefined) return undefined
  const channel = { workspaceId: row.workspace_id, kind: row.kind }
  channels.set(id, channel)
  return channel
}

app.register(async (webhooks) => {
  // The signature covers the bytes as sent: no JSON parser runs before the check.
  webhooks.removeAllContentTypeParsers()
  webhooks.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: 1024 * 1024 }, (_request, body, done) =>
    done(null, body)
  )
  webhooks.post("/api/v1/webhooks/slack/:channelId", async (request, reply) => {
    const channelId = (request.params as { channelId: string }).channelId.toLowerCase()
    const body = request.body as Buffer
    const channel = UUID.test(channelId) ? await inboundChannel(channelId) : undefined
    if (channel === undefined || channel.kind !== "slack") {
      throw new HttpError(404, "ChannelNotFound", "no webhook channel with this id")
    }
    const verdict = Signatures.verifySlack({
      secret: slackSecret,
      timestamp: request.headers["x-slack-request-timestamp"] as string | undefined,
      signature: request.headers["x-slack-signature"] as string | undefined,
      body,
      nowSeconds: Math.floor(Date.now() / 1000)
    })
    if (!verdict.ok) throw new HttpError(401, "WebhookUnauthorized", verdict.reason)
    const json = Deliveries.parseJson(body)
    if (json._tag === "Invalid") throw new HttpError(400, "WebhookPayloadInvalid", json.message)
    const parsed = Deliveries.slack(json.value)
    if (parsed._tag === "Invalid") throw new HttpError(400, "WebhookPayloadInvalid", parsed.message)
    if (parsed._tag === "Challenge") return { challenge: parsed.challenge }
    if (parsed.events.length > 0) {
      await asWorkspace(channel.workspaceId, async (client) => {
        for (const event of parsed.events) {
          await client.query(
            `insert into channel_events (channel_id, external_id, payload, received_at)
             values ($1, $2, $3::jsonb, clock_timestamp()) on conflict (channel_id, external_id) do nothing`,
            [channelId, event.externalId, JSON.stringify(event.payload)]
          )
        }
      })
    }
    return reply.code(200).send()
  })
})

await app.listen({ port, host: "127.0.0.1" })
process.once("SIGINT", () => {
  void app.close().then(() => process.exit(0))
})
