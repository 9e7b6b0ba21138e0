// Search quality benchmark (not a test): loads SciFact (BEIR's test split) into a fresh database through the built
// host's own upload route, then asks the host's own search route each query of the chosen sets and scores nDCG@10,
// recall@10 and latency. Run with `pnpm bench:search-quality [--set scifact|keywords|all] [--limit N] [--docs N]
// [--json FILE] [--write] [--keep-db]`; test/bench/RESULTS.md ("Search quality") describes the data, the rules and the figures.
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { parseArgs } from "node:util"
import { connect, createDatabase, prepareAppRole } from "../support/database"
import { hostEnv, repoRoot, scratchDir, startHost } from "../support/hostProcess"
import { freePort } from "../support/ports"
import { keywordQueries } from "./quality/KeywordSet"
import { mean, ndcgAt, percentile, recallAt } from "./quality/Metrics"
import {
  CLAIMS_FILE,
  CORPUS_FILE,
  DataMissing,
  ensureData,
  fingerprint,
  readClaims,
  readCorpus,
  type Document,
  type Query
} from "./quality/SciFact"

const K = 10
const WARMUP = 20
const CACHE = path.join(repoRoot, "test", "bench", ".cache", "scifact")

const usage = `usage: pnpm bench:search-quality [--set scifact|keywords|all] [--limit N] [--docs N] [--json FILE]
                                 [--concurrency N] [--write] [--keep-db]
  --set          which query set(s) to score (default all)
  --limit N      only the first N queries of each set (default: every query)
  --docs N       load only N documents: every document the chosen queries label relevant, then the corpus in order
                 (a smaller haystack scores higher: figures are not comparable with full runs)
  --json FILE    also write the summary and every query's result as JSON
  --concurrency  uploads in flight while loading (default 4)
  --write        add the report to test/bench/RESULTS.md (under "Search quality", newest first)
  --keep-db      keep the database (its name is printed) instead of dropping it`

const fail = (message: string): never => {
  console.error(message)
  process.exit(2)
}

const options = (() => {
  try {
    return parseArgs({
      options: {
        set: { type: "string", default: "all" },
        limit: { type: "string" },
        docs: { type: "string" },
        json: { type: "string" },
        concurrency: { type: "string", default: "4" },
        write: { type: "boolean", default: false },
        "keep-db": { type: "boolean", default: false },
        help: { type: "boolean", default: false }
      }
    }).values
  } catch (error) {
    return fail(`${error instanceof Error ? error.message : String(error)}\n${usage}`)
  }
})()
if (options.help) fail(usage)
const positive = (name: string, value: string | undefined) => {
  if (value === undefined) return undefined
  const n = Number(value)
  return Number.isInteger(n) && n > 0 ? n : fail(`--${name} must be a positive integer\n${usage}`)
}
const setNames = (() => {
  const set = options.set ?? "all"
  if (set === "all") return ["scifact", "keywords"] as const
  if (set === "scifact" || set === "keywords") return [set] as const
  return fail(`--set must be scifact, keywords or all\n${usage}`)
})()
const limit = positive("limit", options.limit)
const docLimit = positive("docs", options.docs)
const concurrency = positive("concurrency", options.concurrency) ?? 4

interface QueryResult {
  readonly id: string
  readonly query: string
  readonly relevant: ReadonlyArray<string>
  readonly ranked: ReadonlyArray<string>
  readonly ndcg: number
  readonly recall: number
  readonly ms: number
  /** Whether any hit came (also) from the full-text path. */
  readonly textHit: boolean
}

interface SetSummary {
  readonly set: string
  readonly queries: number
  readonly ndcgAt10: number
  readonly recallAt10: number
  readonly p50Ms: number
  readonly p95Ms: number
  readonly queriesWithAnyHit: number
  readonly queriesWithTextHit: number
}

const summarize = (set: string, results: ReadonlyArray<QueryResult>): SetSummary => {
  const ms = results.map((result) => result.ms)
  return {
    set,
    queries: results.length,
    ndcgAt10: mean(results.map((result) => result.ndcg)),
    recallAt10: mean(results.map((result) => result.recall)),
    p50Ms: percentile(ms, 50),
    p95Ms: percentile(ms, 95),
    queriesWithAnyHit: results.filter((result) => result.ranked.length > 0).length,
    queriesWithTextHit: results.filter((result) => result.textHit).length
  }
}

/** A header parameter value: percent-encoded UTF-8, with the characters encodeURIComponent leaves but a token may not hold. */
const rfc5987 = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)

/** Multipart by hand: the title as a UTF-8 filename (`filename*`), so the host indexes it as the artifact's title. */
const uploadBody = (doc: Document) => {
  const boundary = `----scifact${doc.id}x${Math.random().toString(16).slice(2)}`
  // The host keeps a filename's last path segment: a slash in a title would cut it.
  const filename = doc.title.replace(/[\\/]/g, " ")
  const head =
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${doc.id}.txt"; ` +
    `filename*=UTF-8''${rfc5987(filename)}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n`
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    body: Buffer.concat([Buffer.from(head), Buffer.from(doc.text), Buffer.from(`\r\n--${boundary}--\r\n`)])
  }
}

const main = async () => {
  let dataOrigin: string
  try {
    dataOrigin = ensureData(CACHE).origin
  } catch (error) {
    if (error instanceof DataMissing) return fail(error.message)
    throw error
  }
  const corpus = readCorpus(CACHE)
  const sets = new Map<string, Array<Query>>()
  for (const name of setNames) {
    const queries = name === "scifact" ? readClaims(CACHE) : keywordQueries(corpus)
    sets.set(name, limit === undefined ? queries : queries.slice(0, limit))
  }
  const loaded = (() => {
    if (docLimit === undefined) return corpus
    const needed = new Set([...sets.values()].flatMap((queries) => queries.flatMap((query) => query.relevant)))
    const chosen = new Set(corpus.filter((doc) => needed.has(doc.id)).map((doc) => doc.id))
    for (const doc of corpus) if (chosen.size < docLimit) chosen.add(doc.id)
    return corpus.filter((doc) => chosen.has(doc.id))
  })()
  const data = {
    corpus: `${CORPUS_FILE} sha256:${fingerprint(path.join(CACHE, CORPUS_FILE))}`,
    claims: `${CLAIMS_FILE} sha256:${fingerprint(path.join(CACHE, CLAIMS_FILE))}`,
    origin: dataOrigin
  }
  console.log(`SciFact: ${corpus.length} documents (loading ${loaded.length}), ${data.corpus}, ${data.claims}`)

  process.env.CARABASE_TEST_APP_PASSWORD = await prepareAppRole()
  const db = await createDatabase("quality")
  const owner = await connect(db.ownerUrl)
  const port = await freePort()
  const host = startHost({ cwd: scratchDir(), env: hostEnv(db, port) })
  const base = `http://127.0.0.1:${port}/api/v1`
  try {
    await host.ready()
    const created = await fetch(`${base}/workspaces`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "SciFact" })
    })
    if (created.status !== 201) throw new Error(`creating the workspace answered ${created.status}`)
    const workspace = ((await created.json()) as { workspace: { id: string } }).workspace.id

    // Load: each abstract uploaded as a text file named by its title, `concurrency` uploads in flight.
    const docOf = new Map<string, string>()
    const loadStart = performance.now()
    let next = 0
    const uploader = async () => {
      while (next < loaded.length) {
        const doc = loaded[next++]!
        const { body, contentType } = uploadBody(doc)
        const response = await fetch(`${base}/artifacts/upload`, {
          method: "POST",
          headers: { "content-type": contentType, "x-workspace-id": workspace },
          body
        })
        const answer = (await response.json()) as { artifact?: { id: string } }
        if (response.status !== 201 || answer.artifact === undefined) {
          throw new Error(`uploading document ${doc.id} answered ${response.status}: ${JSON.stringify(answer)}`)
        }
        docOf.set(answer.artifact.id, doc.id)
        if (docOf.size % 1000 === 0) console.log(`  ${docOf.size} documents loaded`)
      }
    }
    await Promise.all(Array.from({ length: concurrency }, uploader))
    const loadSeconds = (performance.now() - loadStart) / 1000
    const chunks = (
      await owner.query<{ total: string; unembedded: string }>(
        "select count(*) as total, count(*) filter (where embedding is null) as unembedded from search_chunks"
      )
    ).rows[0]!
    await owner.query("analyze search_chunks")
    console.log(
      `loaded ${loaded.length} documents (${chunks.total} chunks, ${chunks.unembedded} without a vector) in ` +
        `${loadSeconds.toFixed(1)} s (${(loaded.length / loadSeconds).toFixed(1)} documents/s)`
    )

    const ask = async (query: string) => {
      const started = performance.now()
      const response = await fetch(`${base}/harvest/search`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-workspace-id": workspace },
        body: JSON.stringify({ query, limit: K })
      })
      const answer = (await response.json()) as {
        results?: Array<{ id: string; source: { matchedBy: Array<string> } }>
      }
      const ms = performance.now() - started
      if (response.status !== 200 || answer.results === undefined) {
        throw new Error(`searching ${JSON.stringify(query)} answered ${response.status}: ${JSON.stringify(answer)}`)
      }
      return { ms, results: answer.results }
    }

    const summaries: Array<SetSummary> = []
    const perQuery: Record<string, Array<QueryResult>> = {}
    for (const [name, queries] of sets) {
      for (const query of queries.slice(0, WARMUP)) await ask(query.text)
      const results: Array<QueryResult> = []
      for (const query of queries) {
        const { ms, results: hits } = await ask(query.text)
        const ranked = hits.map((hit) => docOf.get(hit.id) ?? `unknown:${hit.id}`)
        const judgements = new Map(query.relevant.map((id) => [id, 1]))
        results.push({
          id: query.id,
          query: query.text,
          relevant: query.relevant,
          ranked,
          ndcg: ndcgAt(K, ranked, judgements),
          recall: recallAt(K, ranked, judgements),
          ms,
          textHit: hits.some((hit) => hit.source.matchedBy.includes("text"))
        })
      }
      summaries.push(summarize(name, results))
      // Short queries by length too: a change must not win two-word queries by losing one-word ones.
      if (name === "keywords") {
        for (const n of [1, 2, 3]) {
          const ofLength = results.filter((result) => result.query.split(" ").length === n)
          if (ofLength.length > 0) summaries.push(summarize(`keywords, ${n} word${n === 1 ? "" : "s"}`, ofLength))
        }
      }
      perQuery[name] = results
    }

    const commit = (() => {
      try {
        const sha = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: repoRoot }).toString().trim()
        const dirty = execFileSync("git", ["status", "--porcelain", "--", "src", "sql"], { cwd: repoRoot })
        return dirty.length > 0 ? `${sha} (src or sql modified)` : sha
      } catch {
        return "unknown"
      }
    })()
    const pg = (await owner.query<{ version: string }>("select version()")).rows[0]!.version.split(" on ")[0]
    const machine =
      `${os.cpus().length} × ${os.cpus()[0]?.model ?? "unknown CPU"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB ` +
      `RAM, ${os.type()} ${os.release()}, Node ${process.version}, ${pg}`
    const load = os
      .loadavg()
      .map((value) => value.toFixed(1))
      .join(" / ")
    const subset = limit !== undefined || docLimit !== undefined
    const report = [
      `## ${new Date().toISOString().slice(0, 10)}, commit ${commit}${subset ? " (subset run)" : ""}`,
      "",
      `Command: \`pnpm bench:search-quality ${process.argv.slice(2).join(" ")}\`. Machine: ${machine}; load ` +
        `average at the end ${load} (1 / 5 / 15 min; latency is sensitive to it, the scores are not).`,
      `Data: ${data.corpus}, ${data.claims}. Loaded ${loaded.length} documents (${chunks.total} chunks) through ` +
        `POST /artifacts/upload, ${concurrency} at a time: ${loadSeconds.toFixed(1)} s ` +
        `(${(loaded.length / loadSeconds).toFixed(1)} documents/s).`,
      "",
      "| set | queries | nDCG@10 | recall@10 | p50 ms | p95 ms | with any hit | with a full-text hit |",
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
      ...summaries.map(
        (s) =>
          `| ${s.set} | ${s.queries} | ${s.ndcgAt10.toFixed(3)} | ${s.recallAt10.toFixed(3)} | ${s.p50Ms.toFixed(1)} | ` +
          `${s.p95Ms.toFixed(1)} | ${s.queriesWithAnyHit} | ${s.queriesWithTextHit} |`
      ),
      ""
    ].join("\n")
    console.log(`\n${report}`)
    if (options.write) {
      const file = path.join(repoRoot, "test", "bench", "RESULTS.md")
      const marker = "<!-- search-quality results -->"
      const existing = fs.readFileSync(file, "utf8")
      if (!existing.includes(marker)) throw new Error(`${file} has no ${marker} line to write under`)
      fs.writeFileSync(file, existing.replace(marker, `${marker}\n\n${report.trimEnd()}`))
      console.log(`added the report to ${file}`)
    }
    if (options.json !== undefined) {
      const file = path.resolve(options.json)
      const json = {
        date: new Date().toISOString(),
        commit,
        machine,
        loadAverage: os.loadavg(),
        command: process.argv.slice(2),
        data,
        load: { documents: loaded.length, chunks: Number(chunks.total), seconds: loadSeconds, concurrency },
        k: K,
        subset,
        sets: summaries,
        queries: perQuery
      }
      fs.writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`)
      console.log(`wrote ${file}`)
    }
  } finally {
    await host.stop()
    await owner.end()
    if (options["keep-db"]) console.log(`kept database ${db.name}`)
    else await db.drop()
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
