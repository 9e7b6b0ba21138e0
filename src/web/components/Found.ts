// Opening what a search found: where each kind of hit opens in the UI, and marking the found item on the page it
// opens (the day's matching entries, the folio's commit) so the eye lands on it.
import { useEffect } from "preact/hooks"
import type { SearchResult } from "../../search/SearchApi"

/** The words a hit matched (or, found by meaning, the words of its snippet), for the page it opens to look for. */
const findWords = (result: SearchResult) =>
  (result.matched === "by meaning" ? result.snippet : result.matched.terms.join(" ")).replace(/\s+/g, " ").trim()

/** The UI path (below /admin/) that opens a hit: the day with its entry, the memory, the folio's commit, the artifact. */
export const hitPath = (result: SearchResult): string => {
  switch (result.kind) {
    case "note":
      return `today/${result.title}?find=${encodeURIComponent(findWords(result))}`
    case "memory":
      return `memories/${result.id}`
    case "artifact":
      return `artifacts/${result.id}`
    case "folio_commit":
      return `open/folio-commit/${result.id}?folio=${encodeURIComponent(result.title)}`
  }
}

/** A query parameter of the current address. */
export const queryParam = (name: string): string | undefined =>
  new URLSearchParams(location.search).get(name) ?? undefined

const wordsOf = (text: string) =>
  text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 2)

/**
 * Marks the elements matching `items` inside `root` that hold the most of `find`'s words (class `found`), and scrolls
 * the first into view; runs again whenever `deps` change (the note loads or reloads).
 */
export const useFoundItems = (root: string, items: string, find: string | undefined, deps: ReadonlyArray<unknown>) => {
  useEffect(() => {
    if (find === undefined || find === "") return
    const words = [...new Set(wordsOf(find))]
    const candidates = Array.from(document.querySelectorAll(`${root} ${items}`))
    const scored = candidates.map((element) => {
      const text = element.textContent?.toLowerCase() ?? ""
      return { element, score: words.filter((word) => text.includes(word)).length }
    })
    const best = Math.max(0, ...scored.map((entry) => entry.score))
    if (best === 0) return
    const found = scored.filter((entry) => entry.score === best).map((entry) => entry.element)
    for (const element of found) element.classList.add("found")
    found[0]?.scrollIntoView({ block: "center" })
    return () => {
      for (const element of found) element.classList.remove("found")
    }
  }, [find, ...deps])
}
