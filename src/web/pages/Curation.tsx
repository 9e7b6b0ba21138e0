// Curation suggestions: entities that look like aliases of one another (accept merges them), and new names entity
// extraction read that look like a known entity (accept adds the name to its aliases), to accept or reject.
import { useState } from "preact/hooks"
import { call } from "../api"
import { ErrorMessage, Loading, Page, Select, errorText, useLoad } from "../components/ui"
import { href } from "../router"

const STATUSES = ["pending", "accepted", "rejected"] as const

export const CurationPage = () => {
  const [status, setStatus] = useState<(typeof STATUSES)[number]>("pending")
  const [error, setError] = useState<string>()
  const suggestions = useLoad(() => call((api) => api.curation.list({ urlParams: { status } })), [status])
  const decide = async (id: string, verdict: "accept" | "reject") => {
    setError(undefined)
    try {
      await call((api) =>
        verdict === "accept" ? api.curation.accept({ path: { id } }) : api.curation.reject({ path: { id } })
      )
    } catch (failure) {
      setError(errorText(failure))
    }
    suggestions.reload()
  }
  return (
    <Page title="Curation suggestions">
      <Select label="Show" value={status} options={STATUSES} onValue={setStatus} />
      <Loading when={suggestions.loading && suggestions.data === undefined} />
      <ErrorMessage message={suggestions.error ?? error} />
      {suggestions.data?.suggestions.length === 0 ? <p>No {status} suggestions.</p> : null}
      <ul class="list" aria-label="suggestions">
        {suggestions.data?.suggestions.map((s) => (
          <li key={s.id}>
            <strong>{s.aliasName}</strong> may be an alias of <strong>{s.canonicalName}</strong>{" "}
            <span class="chip">{s.reason}</span> <small class="muted">score {s.score.toFixed(2)}</small>
            {s.kind === "new-name" ? (
              <small class="muted">
                {" "}
                a new name, read in{" "}
                {s.source?.noteDate === undefined ? (
                  (s.source?.kind.replace("_", " ") ?? "a source")
                ) : (
                  <a href={href(`today/${s.source.noteDate}`)}>{s.source.noteDate}</a>
                )}
                ; accepting adds it to {s.canonicalName}&apos;s aliases, rejecting makes it an entity of its own
              </small>
            ) : null}
            {s.status === "pending" ? (
              <div class="toolbar">
                <button type="button" onClick={() => void decide(s.id, "accept")}>
                  Accept
                </button>
                <button type="button" class="secondary" onClick={() => void decide(s.id, "reject")}>
                  Reject
                </button>
              </div>
            ) : null}
          </li>
        ))}
      </ul>
    </Page>
  )
}
