// Search across notes, memories, folio commits and artifacts (hybrid full-text and semantic).
import * as Schema from "effect/Schema"
import { useState } from "preact/hooks"
import { call, validate } from "../api"
import { Field, Form, Page } from "../components/ui"
import { SearchKind, SearchLimit, SearchQuery, type SearchResult } from "../../search/SearchApi"

const SearchInput = Schema.Struct({ query: SearchQuery, limit: SearchLimit })

export const SearchPage = () => {
  const [query, setQuery] = useState("")
  const [results, setResults] = useState<ReadonlyArray<SearchResult>>()
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
      {results === undefined ? null : results.length === 0 ? (
        <p>No results.</p>
      ) : (
        <ol class="list" aria-label="results">
          {results.map((result) => (
            <li key={`${result.source.chunkId}`}>
              <strong>{result.title}</strong> <span class="chip">{result.kind}</span>
              <p>{result.snippet}</p>
              <small class="muted">
                score {result.score.toFixed(3)} · matched by {result.source.matchedBy.join(" and ")}
              </small>
            </li>
          ))}
        </ol>
      )}
    </Page>
  )
}
