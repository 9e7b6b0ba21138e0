// carabase_verify_hypothesis's rule, deterministic and free of any model. Each piece of evidence (a hybrid-search
// hit for the claim) is judged by term overlap and negation:
//   - relevant: it contains at least half of the claim's content words (at least one);
//   - it agrees when its negation polarity matches the claim's (both affirm, or both deny), else it disagrees.
// Verdict: no relevant evidence -> inconclusive; only agreeing -> corroborated; only disagreeing -> contradicted;
// both -> mixed.
import { tokenize } from "../embeddings/Embedder"

export type Verdict = "corroborated" | "contradicted" | "mixed" | "inconclusive"

export interface Evidence {
  readonly id: string
  readonly kind: string
  readonly title: string
  readonly snippet: string
}

export interface Judgement {
  readonly verdict: Verdict
  readonly supporting: ReadonlyArray<Evidence>
  readonly contradicting: ReadonlyArray<Evidence>
  readonly unrelated: number
  readonly rule: string
}

const NEGATIONS = new Set([
  "not",
  "no",
  "never",
  "none",
  "nobody",
  "nothing",
  "neither",
  "nor",
  "cannot",
  "cant",
  "dont",
  "doesnt",
  "didnt",
  "isnt",
  "arent",
  "wasnt",
  "werent",
  "wont",
  "hasnt",
  "havent",
  "shouldnt",
  "couldnt",
  "wouldnt",
  "false",
  "untrue",
  "cancelled",
  "canceled"
])

const words = (text: string) =>
  text
    .toLowerCase()
    .replace(/n['’]t\b/g, "nt")
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== "")

const isNegated = (text: string) => words(text).some((word) => NEGATIONS.has(word))

const contentWords = (text: string) => new Set(tokenize(text).filter((word) => !NEGATIONS.has(word)))

export const RULE =
  "relevant = shares at least half of the claim's content words; agrees when its negation matches the claim's; " +
  "none relevant: inconclusive; only agreeing: corroborated; only disagreeing: contradicted; both: mixed"

export const judge = (claim: string, evidence: ReadonlyArray<Evidence>): Judgement => {
  const claimWords = contentWords(claim)
  const claimNegated = isNegated(claim)
  const needed = Math.max(1, Math.ceil(claimWords.size / 2))
  const supporting: Array<Evidence> = []
  const contradicting: Array<Evidence> = []
  let unrelated = 0
  for (const item of evidence) {
    const itemWords = contentWords(`${item.title} ${item.snippet}`)
    const shared = [...claimWords].filter((word) => itemWords.has(word)).length
    if (claimWords.size === 0 || shared < needed) {
      unrelated++
      continue
    }
    if (isNegated(item.snippet) === claimNegated) supporting.push(item)
    else contradicting.push(item)
  }
  const verdict: Verdict =
    supporting.length === 0 && contradicting.length === 0
      ? "inconclusive"
      : contradicting.length === 0
        ? "corroborated"
        : supporting.length === 0
          ? "contradicted"
          : "mixed"
  return { verdict, supporting, contradicting, unrelated, rule: RULE }
}
