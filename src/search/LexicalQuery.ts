// The lexical half of a search query: its syntax ("exact phrase", prefix*, plain words), its terms as the index has
// them (English stems, accents folded, stop words dropped: the `carabase_english` configuration of migration 0015),
// and each term's rarity in the workspace (BM25's IDF from search_terms and search_stats, read under RLS, so one
// workspace's counts never touch another's scores). From those it plans the BM25 statement: the query's term
// weights, and which terms find the candidates (the rarest, up to CANDIDATE_BUDGET chunks, so a query with a very
// common word does not score most of the workspace).
import { type SqlClient, SqlSchema } from "@effect/sql"
import { Effect, Schema } from "effect"

/** BM25 term-frequency saturation and length normalisation; the document side is in sql/0015 (same values). */
export const BM25_K1 = 1.2
export const BM25_B = 0.75

/**
 * Candidates are the chunks holding the query's rarest terms, taken while their document frequencies add up to at
 * most this; every query term still counts in the score of each candidate. A chunk holding only the query's most
 * common words (each in more chunks than this) can then be missed: with rarer words in the query it would rank low
 * anyway. When even the rarest term is this common, candidates are chunks holding all the terms (this many at most).
 */
export const CANDIDATE_BUDGET = 1000

/** A prefix (`pric*`) stands for at most this many of the workspace's terms, the most frequent first. */
export const PREFIX_EXPANSION = 8

export interface ParsedQuery {
  /** Plain words and the words of phrases: what is scored. */
  readonly text: string
  /** Exact phrases, matched word for word (lower-cased, not stemmed). */
  readonly phrases: ReadonlyArray<string>
  /** Words typed with a trailing `*`, without it. */
  readonly prefixes: ReadonlyArray<string>
}

/** `"…"` is an exact phrase and `word*` a prefix; everything else is plain words, any of which may match. */
export const parseQuery = (query: string): ParsedQuery => {
  const phrases: Array<string> = []
  const rest = query.replace(/"([^"]*)"?/g, (_, phrase: string) => {
    const words = phrase.trim()
    if (words !== "") phrases.push(words)
    return ` ${words} `
  })
  const prefixes: Array<string> = []
  const plain = rest.replace(/([\p{L}\p{N}][\p{L}\p{N}_'-]*)\*/gu, (_, stem: string) => {
    prefixes.push(stem)
    return " "
  })
  return { text: plain.replace(/\s+/g, " ").trim(), phrases, prefixes }
}

export interface QueryTerm {
  /** The term as indexed (a stem). */
  readonly term: string
  /** The words of the query it came from, as typed. */
  readonly words: ReadonlyArray<string>
  readonly df: number
  /** ln(1 + (N − df + 0.5) / (df + 0.5)), times the times it appears in the query. */
  readonly weight: number
  /** Where it first appears in the query, to name matched words in the order typed. */
  readonly position: number
}

export interface LexicalPlan {
  /** The query's known terms (df > 0), rarest first. */
  readonly terms: ReadonlyArray<QueryTerm>
  /** Words of the query no chunk of the workspace holds. */
  readonly unknownWords: ReadonlyArray<string>
  /** Words the English configuration ignores (the, of, and …). */
  readonly stopWords: ReadonlyArray<string>
  readonly phrases: ReadonlyArray<string>
  /** The tsquery (text form) whose matches are scored, or undefined when there is nothing to match. */
  readonly candidates: string | undefined
  /** Whether the candidates are capped at CANDIDATE_BUDGET (every term is that common). */
  readonly capped: boolean
  /** Chunks of the workspace with BM25 weights. */
  readonly chunks: number
}

const AnalysisRow = Schema.Struct({
  kind: Schema.Literal("word", "prefix", "stats"),
  word: Schema.NullOr(Schema.String),
  term: Schema.NullOr(Schema.String),
  df: Schema.Number
})
type AnalysisRow = typeof AnalysisRow.Type

/**
 * One statement: the query's words with their stems (ts_debug, so each stem is tied to the word typed; a stop word
 * has none), each stem's document frequency, the terms each prefix stands for, and the workspace's chunk count.
 */
export const analysisStatement = (sql: SqlClient.SqlClient, parsed: ParsedQuery) => sql`
  with words as (
    select d.token as word, l.term
    from ts_debug('carabase_english', ${parsed.text}) d
    cross join lateral unnest(case when cardinality(d.lexemes) = 0 then array[null::text] else d.lexemes end) l(term)
    where d.lexemes is not null
  ),
  prefixes as (
    select p.word,
      coalesce((select min(lexeme) from unnest(to_tsvector('carabase_english', p.word))), lower(p.word)) as stem
    from unnest(${parsed.prefixes}::text[]) p(word)
  )
  select 'word' as kind, w.word, w.term, coalesce(t.df, 0)::float8 as df
  from words w left join search_terms t on t.term = w.term collate "C" and t.df > 0
  union all
  select 'prefix', p.word, t.term, t.df::float8
  from prefixes p cross join lateral (
    select term, df from search_terms
    where term >= p.stem collate "C" and term < (p.stem || chr(1114111)) collate "C" and df > 0
    order by df desc, term limit ${PREFIX_EXPANSION}
  ) t
  union all
  select 'stats', null, null, coalesce((select chunks from search_stats), 0)::float8`

export const analyse = (sql: SqlClient.SqlClient, query: string) => {
  const parsed = parseQuery(query)
  return SqlSchema.findAll({
    Request: Schema.Void,
    Result: AnalysisRow,
    execute: () => analysisStatement(sql, parsed)
  })(undefined).pipe(
    Effect.orDie,
    Effect.map((rows) => planFor(parsed, rows))
  )
}

export const idf = (chunks: number, df: number) => Math.log(1 + (chunks - df + 0.5) / (df + 0.5))

/** A term quoted for tsquery input (backslash and quote escaped). */
const quoted = (term: string) => `'${term.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`

export const planFor = (parsed: ParsedQuery, rows: ReadonlyArray<AnalysisRow>): LexicalPlan => {
  const chunks = rows.find((row) => row.kind === "stats")?.df ?? 0
  const found = new Map<string, { words: Set<string>; df: number; count: number; first: number }>()
  const unknown = new Set<string>()
  const stop = new Set<string>()
  const wordsWithTerms = new Set<string>()
  for (const [index, row] of rows.entries()) {
    if (row.kind === "stats" || row.word === null) continue
    if (row.term === null) {
      if (row.kind === "word") stop.add(row.word)
      continue
    }
    if (row.df <= 0) continue
    const word = row.kind === "prefix" ? `${row.word}*` : row.word
    wordsWithTerms.add(row.word)
    const entry = found.get(row.term) ?? { words: new Set<string>(), df: row.df, count: 0, first: index }
    entry.words.add(word)
    entry.count += 1
    found.set(row.term, entry)
  }
  for (const row of rows) {
    if (row.kind === "word" && row.word !== null && row.term !== null && row.df <= 0 && !wordsWithTerms.has(row.word)) {
      unknown.add(row.word)
    }
  }
  for (const prefix of parsed.prefixes) {
    if (!rows.some((row) => row.kind === "prefix" && row.word === prefix)) unknown.add(`${prefix}*`)
  }
  const terms = [...found.entries()]
    .map(([term, entry]) => ({
      term,
      words: [...entry.words],
      df: entry.df,
      weight: idf(chunks, entry.df) * entry.count,
      position: entry.first
    }))
    .sort((a, b) => a.df - b.df || (a.term < b.term ? -1 : 1))
  const selective: Array<QueryTerm> = []
  let budget = CANDIDATE_BUDGET
  for (const term of terms) {
    if (selective.length > 0 && term.df > budget) break
    selective.push(term)
    budget -= term.df
  }
  const capped = terms.length > 0 && terms[0]!.df > CANDIDATE_BUDGET
  const candidates =
    terms.length === 0
      ? undefined
      : capped
        ? terms.map((term) => quoted(term.term)).join(" & ")
        : selective.map((term) => quoted(term.term)).join(" | ")
  return {
    terms,
    unknownWords: [...unknown],
    stopWords: [...stop].filter((word) => !wordsWithTerms.has(word)),
    phrases: parsed.phrases,
    candidates,
    capped,
    chunks
  }
}

/** Every known term OR-ed: what the snippet highlights around. */
export const anyTerm = (plan: LexicalPlan) =>
  plan.terms.length === 0 ? undefined : plan.terms.map((term) => quoted(term.term)).join(" | ")
