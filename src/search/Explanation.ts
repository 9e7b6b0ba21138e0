// What a search understood of its query and, when it found nothing, why: the words no chunk of the workspace holds,
// the words ignored as too common (stop words), and whether the vector path ran (the embedder may have failed).
// Data for the REST answer, the admin UI and the MCP tools' hints.
import type { LexicalPlan } from "./LexicalQuery"
import type { SearchDegraded, SearchExplanation, SearchResult } from "./SearchApi"

export interface SearchAnswer {
  readonly results: ReadonlyArray<SearchResult>
  /** The query's words that matched the index, with their stems and how many chunks hold each. */
  readonly terms: ReadonlyArray<{ readonly words: ReadonlyArray<string>; readonly term: string; readonly df: number }>
  readonly unknownWords: ReadonlyArray<string>
  readonly stopWords: ReadonlyArray<string>
  /**
   * "searched": the query was embedded and compared; "unavailable": the embedder failed or the query has no features;
   * "not used": a phrase or prefix query, answered by words alone.
   */
  readonly vectors: "searched" | "unavailable" | "not used"
  /** Present when there are no results. */
  readonly explanation?: SearchExplanation | undefined
  /** Present when the embedder failed, so the answer came from text search alone. */
  readonly degraded?: SearchDegraded | undefined
}

const listed = (words: ReadonlyArray<string>) => words.map((word) => `"${word}"`).join(", ")

/** Why an answer is empty, in one sentence an owner can act on. */
export const explain = (plan: LexicalPlan, vectors: SearchAnswer["vectors"]): SearchExplanation => {
  const parts: Array<string> = []
  if (plan.terms.length > 0) {
    parts.push(
      plan.phrases.length > 0
        ? `no chunk holds the exact phrase ${listed(plan.phrases)}`
        : "no chunk of the requested kinds holds the query's words"
    )
  } else if (plan.phrases.length > 0) {
    parts.push(`no chunk holds the exact phrase ${listed(plan.phrases)}`)
  }
  if (plan.unknownWords.length > 0) parts.push(`no indexed text holds ${listed(plan.unknownWords)}`)
  if (plan.stopWords.length > 0)
    parts.push(`${listed(plan.stopWords)} ${plan.stopWords.length === 1 ? "is" : "are"} too common to search for`)
  if (
    plan.terms.length === 0 &&
    plan.unknownWords.length === 0 &&
    plan.stopWords.length === 0 &&
    plan.phrases.length === 0
  ) {
    parts.push(plan.chunks === 0 ? "nothing is indexed in this workspace yet" : "the query has no words to search for")
  }
  if (vectors === "searched") parts.push("and nothing is close enough by meaning")
  if (vectors === "unavailable") {
    parts.push("and search by meaning was unavailable (the embedder did not answer), so only words were matched")
  }
  const message = parts.join("; ").replace(/; and /, "; ")
  return {
    message: `${message.charAt(0).toUpperCase()}${message.slice(1)}.`,
    unknownWords: plan.unknownWords,
    stopWords: plan.stopWords,
    vectors
  }
}

export const answerOf = (
  results: ReadonlyArray<SearchResult>,
  plan: LexicalPlan,
  vectors: SearchAnswer["vectors"]
): SearchAnswer => {
  return {
    results,
    terms: plan.terms.map((term) => ({ words: term.words, term: term.term, df: term.df })),
    unknownWords: plan.unknownWords,
    stopWords: plan.stopWords,
    vectors,
    ...(results.length === 0 ? { explanation: explain(plan, vectors) } : {})
  }
}
