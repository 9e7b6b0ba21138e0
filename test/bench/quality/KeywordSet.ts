// The short-keyword query set: for each abstract, one to three of its title's words, the way a person searches for
// something they remember. The rule is deterministic (README and RESULTS.md describe it): for the i-th document of the
// corpus (file order, counting from 0), take k = 1 + (i mod 3) words; the candidates are the title's distinct
// lowercased words (runs of letters and digits, inner hyphens kept) of at least 3 characters, holding a letter, not
// an English stop word; pick the k with the lowest document frequency in the corpus (title and abstract), ties to the
// earlier word, and write them in title order. The only relevant document is the abstract itself.
import type { Document, Query } from "./SciFact"

const STOP_WORDS = new Set(
  (
    "about above after again against all also among and any are because been before being below between both but " +
    "can could did does doing down during each few for from further had has have having her here hers herself him " +
    "himself his how into its itself just may might more most must not now off once only other our ours out over own " +
    "same she should some such than that the their theirs them themselves then there these they this those through " +
    "too under until upon very via was were what when where which while who whom why will with within without would " +
    "you your yours versus"
  ).split(" ")
)

/** The words of `text` as this rule counts them. */
export const words = (text: string): Array<string> =>
  (text.toLowerCase().match(/[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*/gu) ?? []).filter(Boolean)

const candidate = (word: string) => word.length >= 3 && /\p{L}/u.test(word) && !STOP_WORDS.has(word)

/** One query per document whose title has a candidate word; its id is `kw-<document id>`. */
export const keywordQueries = (corpus: ReadonlyArray<Document>): Array<Query> => {
  const frequency = new Map<string, number>()
  for (const doc of corpus) {
    for (const word of new Set(words(`${doc.title} ${doc.text}`))) frequency.set(word, (frequency.get(word) ?? 0) + 1)
  }
  return corpus.flatMap((doc, i) => {
    const titleWords = [...new Set(words(doc.title))].filter(candidate)
    if (titleWords.length === 0) return []
    const k = 1 + (i % 3)
    const chosen = new Set(
      titleWords
        .map((word, position) => ({ word, position, df: frequency.get(word) ?? 0 }))
        .sort((a, b) => a.df - b.df || a.position - b.position)
        .slice(0, k)
        .map(({ word }) => word)
    )
    const text = titleWords.filter((word) => chosen.has(word)).join(" ")
    return [{ id: `kw-${doc.id}`, text, relevant: [doc.id] }]
  })
}
