// Retrieval metrics as BEIR computes them (pytrec_eval): nDCG@k and recall@k per query with graded relevance (every
// labelled document counts 1 here), averaged over queries, and latency percentiles.

/** Relevance labels of one query: document id to grade (1 for every SciFact and keyword label). */
export type Judgements = ReadonlyMap<string, number>

const discount = (rank: number) => 1 / Math.log2(rank + 1)

/**
 * nDCG@k of one ranked list: DCG = Σ grade(doc at rank i) / log2(i + 1) over the first k ranks, divided by the DCG of
 * the ideal order (the labelled grades sorted high to low, cut at k). A query with no labelled document scores 0.
 */
export const ndcgAt = (k: number, ranked: ReadonlyArray<string>, judgements: Judgements): number => {
  const seen = new Set<string>()
  let dcg = 0
  ranked.slice(0, k).forEach((id, i) => {
    if (seen.has(id)) return
    seen.add(id)
    dcg += (judgements.get(id) ?? 0) * discount(i + 1)
  })
  const ideal = [...judgements.values()]
    .filter((grade) => grade > 0)
    .sort((a, b) => b - a)
    .slice(0, k)
    .reduce((sum, grade, i) => sum + grade * discount(i + 1), 0)
  return ideal === 0 ? 0 : dcg / ideal
}

/** Recall@k of one ranked list: the share of the labelled (grade > 0) documents found in the first k ranks. */
export const recallAt = (k: number, ranked: ReadonlyArray<string>, judgements: Judgements): number => {
  const relevant = [...judgements].filter(([, grade]) => grade > 0).map(([id]) => id)
  if (relevant.length === 0) return 0
  const top = new Set(ranked.slice(0, k))
  return relevant.filter((id) => top.has(id)).length / relevant.length
}

export const mean = (values: ReadonlyArray<number>) =>
  values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length

/** The nearest-rank percentile (p in 0..100) of `values`. */
export const percentile = (values: ReadonlyArray<number>, p: number) => {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}
