// One log entry's controls on Today: edit its text, folio and tags in place, or delete it to the trash with an undo
// toast. Both are based on the revision the page shows (baseRevision / If-Match), so an entry that moved because the
// note changed meanwhile is never the one edited or removed: the 409 says so and the note is read again.
import { useState } from "preact/hooks"
import { ApiFailure, call, callAt, validate } from "../shellClient"
import { offerUndo } from "../components/Undo"
import { ErrorMessage, Field, TextArea, errorText, splitList } from "../components/ui"
import type { Node } from "../../notes/Document"
import { logCardMeta } from "../../notes/LogCard"
import { EntryTextChange } from "../../notes/NotesApi"
import type { NoteDate } from "../../notes/NoteDate"
import { renderDocument } from "../../notes/RenderText"

/** A 409 from a note write, in words: nothing was written, and why. */
export const conflictText = (failure: unknown) =>
  failure instanceof ApiFailure && failure.tag === "NoteRevisionConflict"
    ? `Not saved: the note changed since this page loaded it (another device, the agent or a job wrote to it). ${failure.message}`
    : errorText(failure)

const refOf = (node: Node, position: number) => {
  const key = node.attrs?.["idempotencyKey"]
  return typeof key === "string" && key !== "" ? key : String(position)
}

/** A short name for the entry in button labels and the toast: its first line. */
const entryName = (node: Node) => {
  const text = renderDocument(node.content ?? []).split("\n")[0] ?? ""
  return text.length > 60 ? `${text.slice(0, 57)}…` : text === "" ? "empty entry" : text
}

export const EntryActions = (props: {
  readonly date: string
  readonly position: number
  readonly node: Node
  readonly revision: number
  readonly onChanged: () => void
}) => {
  const { date, position, node, revision } = props
  const [editing, setEditing] = useState(false)
  const meta = logCardMeta(node)
  const [content, setContent] = useState("")
  const [folio, setFolio] = useState("")
  const [tags, setTags] = useState("")
  const [error, setError] = useState<string>()
  const [busy, setBusy] = useState(false)
  // What the edit is based on, fixed when it opens: the note may reload under the open editor (live updates), and the
  // text must land on the entry it was written for or not at all.
  // `revision: undefined` after a conflict on a keyed entry: the next Save is based on the note as reloaded.
  const [base, setBase] = useState<{ readonly revision: number | undefined; readonly ref: string }>()
  const name = entryName(node)
  const path = { date: date as NoteDate, ref: refOf(node, position) }

  const startEdit = () => {
    setContent(renderDocument(node.content ?? []))
    setFolio(meta.folios[0] ?? "")
    setTags(meta.tags.join(", "))
    setError(undefined)
    setBase({ revision, ref: path.ref })
    setEditing(true)
  }

  const save = async (event: Event) => {
    event.preventDefault()
    if (base === undefined) return
    const input = validate(EntryTextChange, {
      content,
      ...(folio.trim() === "" ? {} : { folio }),
      tags: splitList(tags),
      baseRevision: base.revision ?? revision
    })
    if (!input.ok) return setError(input.message)
    setBusy(true)
    setError(undefined)
    try {
      await call((api) => api.notes.editEntry({ path: { date: path.date, ref: base.ref }, payload: input.value }))
      setEditing(false)
    } catch (failure) {
      if (failure instanceof ApiFailure && failure.tag === "NoteRevisionConflict" && !/^\d+$/.test(base.ref)) {
        // An entry named by its key is the same entry in the newer note: Save again applies the text to it.
        setBase({ revision: undefined, ref: base.ref })
        setError(`${conflictText(failure)} Your text is still here: Save again to apply it to the current note.`)
      } else if (failure instanceof ApiFailure && failure.tag === "NoteRevisionConflict") {
        setError(`${conflictText(failure)} Copy your text if you need it, then Cancel and edit the entry again.`)
      } else setError(errorText(failure))
    } finally {
      setBusy(false)
      props.onChanged()
    }
  }

  const remove = async () => {
    setBusy(true)
    setError(undefined)
    try {
      const removed = await callAt(revision, (api) => api.notes.removeEntry({ path }))
      offerUndo(`Entry deleted: ${name}`, removed.trashId, props.onChanged)
    } catch (failure) {
      setError(conflictText(failure))
    } finally {
      setBusy(false)
      props.onChanged()
    }
  }

  return (
    <div class="entry-actions">
      {editing ? (
        <form aria-label={`Edit entry: ${name}`} onSubmit={(e) => void save(e)} noValidate>
          <TextArea label="Entry text" value={content} onValue={setContent} rows={4} />
          <div class="row">
            <Field label="Folio" value={folio} onValue={setFolio} />
            <Field label="Tags" value={tags} onValue={setTags} />
          </div>
          <ErrorMessage message={error} />
          <div class="toolbar">
            <button type="submit" disabled={busy}>
              {busy ? "Saving…" : "Save entry"}
            </button>
            <button type="button" class="secondary" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <>
          <div class="toolbar">
            <button type="button" class="secondary small" aria-label={`Edit entry: ${name}`} onClick={startEdit}>
              Edit
            </button>
            <button
              type="button"
              class="secondary small"
              aria-label={`Delete entry: ${name}`}
              disabled={busy}
              onClick={() => void remove()}
            >
              Delete
            </button>
          </div>
          <ErrorMessage message={error} />
        </>
      )}
    </div>
  )
}
