// Search across notes, memories, folio commits and artifacts (BM25 words first, then meaning). Each hit says why it
// matched (the query's words it holds, or "by meaning"); an empty answer says why nothing was found.
import * as Schema from "effect/Schema"
import { useState } from "preact/hooks"
import { call, validate } from "../api"
import { hitPath } from "../components/Found"
import { Field, Form, Page } from "../components/ui"
import { href } from "../router"
import {
  SearchKind,
  SearchLimit,
  SearchQuery,
  type SearchDegraded,
  type SearchExplanation,
  type SearchResult
} from "../../search/SearchApi"

const SearchInput = Schema.Struct({ query: SearchQuery, limit: SearchLimit })

/** Why a hit was found, as the owner reads it: the query's words it holds, or that it was found by meaning. */
const whyMatched = (result: SearchResult) =>
  result.matched === "by meaning" ? "matched by meaning" : `matched the words ${result.matched.terms.join(", ")}`

export const SearchPage = () => {
  const [query, setQuery] = useState("")
  const [results, setResults] = useState<ReadonlyArray<SearchResult>>()
  const [explanation, setExplanation] = useState<SearchExplanation>()
  const [degraded, setDegraded] = useState<SearchDegraded>()
  const [kinds, setKinds] = useState<ReadonlyArray<SearchKind>>([])
  const allKinds = SearchKind.literals
  return (
    <Page title="Search">
      <Form
        label="Search"
        submitLabel="Search"
        submit={async () => {
          const input = validate(SearchInput, { query, limit: 20 })
          if (!input.ok) return input.message
          const answer = await call((api) =>
            api.search.search({ payload: { ...input.value, ...(kinds.length === 0 ? {} : { kinds }) } })
          )
          setResults(answer.results)
          setExplanation(answer.explanation)
          setDegraded(answer.degraded)
        }}
      >
        <Field label="Search for" type="search" value={query} onValue={setQuery} />
        <fieldset class="row">
          <legend>Only these kinds (none ticked: all)</legend>
          {allKinds.map((kind) => (
            <label key={kind}>
              <input
                type="checkbox"
                checked={kinds.includes(kind)}
                onChange={(e) => setKinds(e.currentTarget.checked ? [...kinds, kind] : kinds.filter((k) => k !== kind))}
              />{" "}
              {kind}
            </label>
          ))}
        </fieldset>
      </Form>
      {degraded === undefined || results === undefined ? null : (
        <p class="notice" role="status" aria-label="search was degraded">
          <strong>Text search only.</strong> {degraded.reason}
        </p>
      )}
      {results === undefined ? null : results.length === 0 ? (
        <div role="status" aria-label="why nothing was found">
          <p>No results.</p>
          {explanation === undefined ? null : <p class="muted">{explanation.message}</p>}
        </div>
      ) : (
        <ol class="list" aria-label="results">
          {results.map((result) => (
            <li key={`${result.source.chunkId}`}>
              <strong>
                <a href={href(hitPath(result))}>{result.title}</a>
              </strong>{" "}
              <span class="chip">{result.kind}</span>
              <p>{result.snippet}</p>
              <small class="muted">
                {whyMatched(result)} · score {result.score.toFixed(3)}
              </small>
            </li>
          ))}
        </ol>
      )}
    </Page>
  )
}
