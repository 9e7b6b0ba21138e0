// Today's History panel: the day's versions (who wrote each, when, its size), one chosen version side by side with the
// note as it stood when the comparison opened, and restoring it. The restore is sent with If-Match of that current
// version, so a note that changed meanwhile answers 409, shown as such, and nothing is overwritten unseen.
import { useState } from "preact/hooks"
import { ApiFailure, call, callAt } from "../shellClient"
import { NoteBlocks } from "../components/NoteBlocks"
import { ErrorMessage, Loading, errorText, formatTime, useLoad } from "../components/ui"
import type { NoteRevision } from "../../notes/NotesApi"
import type { NoteDate } from "../../notes/NoteDate"

interface Comparison {
  readonly chosen: NoteRevision
  readonly current: NoteRevision
}

const restoreFailure = (failure: unknown, chosen: number) =>
  failure instanceof ApiFailure && failure.tag === "NoteRevisionConflict"
    ? `Revision ${chosen} was not restored: the note changed after this comparison opened (another device, the agent or a job wrote to it), and nothing was overwritten. Compare again to see the note as it is now. (${failure.message})`
    : errorText(failure)

const writerText = (writer: NoteRevision["writer"]) =>
  writer === null ? "unknown writer (before history was kept)" : `${writer.kind}: ${writer.name}`

const sizeText = (bytes: number) => (bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`)

export const HistoryPanel = (props: {
  readonly date: string
  /** The note's revision as the page shows it: the list is read again when it moves. */
  readonly revision: number | undefined
  readonly onRestored: () => void
}) => {
  const date = props.date as NoteDate
  const [open, setOpen] = useState(false)
  const history = useLoad(
    () => (open ? call((api) => api.notes.revisions({ path: { date } })) : Promise.resolve(undefined)),
    [open, date, props.revision]
  )
  const [comparison, setComparison] = useState<Comparison>()
  const [error, setError] = useState<string>()
  const [done, setDone] = useState<string>()
  const [busy, setBusy] = useState(false)

  const compare = async (n: number) => {
    setError(undefined)
    setDone(undefined)
    try {
      const listed = await call((api) => api.notes.revisions({ path: { date } }))
      const [chosen, current] = await Promise.all([
        call((api) => api.notes.revision({ path: { date, n } })),
        call((api) => api.notes.revision({ path: { date, n: listed.revision } }))
      ])
      setComparison({ chosen, current })
    } catch (failure) {
      setError(errorText(failure))
    }
  }

  const restore = async () => {
    if (comparison === undefined) return
    const { chosen, current } = comparison
    setBusy(true)
    setError(undefined)
    try {
      const note = await callAt(current.revision, (api) => api.notes.restore({ path: { date, n: chosen.revision } }))
      setDone(`Revision ${chosen.revision} restored: the note is now revision ${note.revision}.`)
      setComparison(undefined)
      props.onRestored()
    } catch (failure) {
      setError(restoreFailure(failure, chosen.revision))
    } finally {
      setBusy(false)
      history.reload()
    }
  }

  return (
    <section class="card" aria-labelledby="history-title">
      <div class="toolbar">
        <h2 id="history-title">History</h2>
        <button
          type="button"
          class="secondary"
          aria-expanded={open}
          aria-controls="history-body"
          onClick={() => {
            setOpen(!open)
            setComparison(undefined)
          }}
        >
          {open ? "Hide history" : "Show history"}
        </button>
      </div>
      {!open ? null : (
        <div id="history-body">
          <Loading when={history.loading && history.data === undefined} />
          <ErrorMessage message={history.error} />
          {done === undefined ? null : <p role="status">{done}</p>}
          <ErrorMessage message={error} />
          <ol class="list" aria-label="revisions">
            {history.data?.revisions.map((revision) => (
              <li key={revision.revision} data-revision={revision.revision}>
                <strong>Revision {revision.revision}</strong>
                {revision.current ? <span class="chip">current</span> : null}{" "}
                <small class="muted">
                  {formatTime(revision.writtenAt)} · {writerText(revision.writer)} · {sizeText(revision.size)}
                </small>
                {revision.current ? null : (
                  <span class="item-actions">
                    <button
                      type="button"
                      class="secondary small"
                      aria-label={`Compare revision ${revision.revision} with the current note`}
                      onClick={() => void compare(revision.revision)}
                    >
                      Compare
                    </button>
                  </span>
                )}
              </li>
            ))}
          </ol>
          {comparison === undefined ? null : (
            <div role="region" aria-label="comparison">
              <div class="compare">
                <section aria-label={`revision ${comparison.chosen.revision}`}>
                  <h3>
                    Revision {comparison.chosen.revision}{" "}
                    <small class="muted">{formatTime(comparison.chosen.writtenAt)}</small>
                  </h3>
                  <NoteBlocks blocks={comparison.chosen.documentState} />
                </section>
                <section aria-label={`current, revision ${comparison.current.revision}`}>
                  <h3>
                    Current (revision {comparison.current.revision}){" "}
                    <small class="muted">{formatTime(comparison.current.writtenAt)}</small>
                  </h3>
                  <NoteBlocks blocks={comparison.current.documentState} />
                </section>
              </div>
              {props.revision !== undefined && props.revision !== comparison.current.revision ? (
                <p class="muted">
                  The note has changed since this comparison opened (it is now revision {props.revision}): compare again
                  to see it.
                </p>
              ) : null}
              <div class="toolbar">
                <button type="button" disabled={busy} onClick={() => void restore()}>
                  {busy ? "Restoring…" : `Restore revision ${comparison.chosen.revision}`}
                </button>
                <button type="button" class="secondary" onClick={() => setComparison(undefined)}>
                  Close comparison
                </button>
              </div>
            </div>
          )}
        </div>
      )}
    </section>
  )
}
