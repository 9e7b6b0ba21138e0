// Today: the daily note rendered from its blocks, a log-entry form, task checkboxes, each entry's edit and delete, the
// History panel, and live refresh when the note changes elsewhere (another device, the agent, a webhook).
import { useEffect, useState } from "preact/hooks"
import { call, validate } from "../shellClient"
import { ActivityChart } from "../components/ActivityChart"
import { BackupBadge } from "../components/BackupBadge"
import { queryParam, useFoundItems } from "../components/Found"
import { NoteBlocks } from "../components/NoteBlocks"
import { ErrorMessage, Field, Form, Loading, Page, TextArea, errorText, splitList, useLoad } from "../components/ui"
import { useLiveChanges } from "../live"
import { EntryActions } from "./TodayEntry"
import { HistoryPanel } from "./TodayHistory"
import { InjectLogEntry, MAX_ENTRY_CHARS } from "../../notes/NotesApi"
import { ToggleByIndex } from "../../tasks/TasksApi"
import type { NoteDate } from "../../notes/NoteDate"

/**
 * A fresh idempotency key for an entry added here: it names the entry from then on, so an edit or delete finds it
 * even after other entries moved, and a resent form never adds it twice. getRandomValues works outside secure
 * contexts too (the host is usually reached over plain HTTP on the tailnet, where randomUUID is missing).
 */
const entryKey = () =>
  `admin-${Array.from(crypto.getRandomValues(new Uint8Array(12)), (byte) => byte.toString(16).padStart(2, "0")).join("")}`

const localToday = () => {
  const now = new Date()
  const pad = (n: number) => String(n).padStart(2, "0")
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`
}

/** The browser's wall-clock time as a log card writes it, `hh:mm AM`: the owner's zone, not the host's. */
export const localTimestamp = (at = new Date()) => {
  const hours = at.getHours()
  const pad = (n: number) => String(n).padStart(2, "0")
  return `${pad(hours % 12 === 0 ? 12 : hours % 12)}:${pad(at.getMinutes())} ${hours < 12 ? "AM" : "PM"}`
}

/** `day` (from /admin/today/<date>: a search hit, a link from the graph page) opens that day instead of today. */
export const TodayPage = ({ workspaceId, day }: { workspaceId: string; day?: string | undefined }) => {
  const [date, setDate] = useState(() => (day !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(day) ? day : localToday()))
  const note = useLoad(() => call((api) => api.notes.get({ path: { date: date as NoteDate } })), [date, workspaceId])
  // A link to a day (/admin/today/<date>, from a search hit) opens it, with the entries it found marked.
  useEffect(() => {
    if (day !== undefined) setDate(day)
  }, [day])
  useFoundItems('section[aria-label="daily note"]', "article.log-card", queryParam("find"), [note.data])
  const [content, setContent] = useState("")
  const [folio, setFolio] = useState("")
  const [tags, setTags] = useState("")
  const [keepLabels, setKeepLabels] = useState(false)
  const [toggleError, setToggleError] = useState<string>()
  // Boxes ticked here whose save is on the way: shown as ticked at once, dropped when the save ends (the reloaded
  // note then says the same) or rolled back when it fails. Other boxes stay usable meanwhile.
  const [pending, setPending] = useState<ReadonlyMap<number, boolean>>(new Map())

  useLiveChanges(workspaceId, (change) => {
    if ((change.type === "note" || change.type === "task") && (change.date === undefined || change.date === date))
      note.reload()
  })

  const settle = (nodeIndex: number) =>
    setPending((old) => {
      const next = new Map(old)
      next.delete(nodeIndex)
      return next
    })

  const toggle = async (nodeIndex: number, checked: boolean) => {
    const checkedInput = validate(ToggleByIndex, { date, nodeIndex, checked })
    if (!checkedInput.ok) return setToggleError(checkedInput.message)
    setToggleError(undefined)
    setPending((old) => new Map(old).set(nodeIndex, checked))
    try {
      await call((api) => api.tasks.toggle({ payload: checkedInput.value }))
      await note.refresh()
    } catch (failure) {
      setToggleError(`Not saved, the task is back as it was: ${errorText(failure)}`)
    } finally {
      settle(nodeIndex)
    }
  }

  return (
    <Page title="Today">
      <div class="toolbar">
        <label for="note-date">Day</label>
        <input
          id="note-date"
          type="date"
          value={date}
          onChange={(e) => e.currentTarget.value && setDate(e.currentTarget.value)}
        />
        <button type="button" onClick={() => setDate(localToday())}>
          Today
        </button>
        <BackupBadge />
      </div>
      <ActivityChart to={localToday()} refresh={note.data?.revision} />
      <Form
        label="Add a log entry"
        submitLabel="Add entry"
        submit={async () => {
          const input = validate(InjectLogEntry, {
            type: "logCard",
            content,
            date,
            idempotencyKey: entryKey(),
            timestamp: localTimestamp(),
            ...(folio.trim() === "" ? {} : { folio }),
            ...(tags.trim() === "" ? {} : { tags: splitList(tags) })
          })
          if (!input.ok) return input.message
          await call((api) => api.notes.inject({ payload: input.value }))
          setContent("")
          if (!keepLabels) {
            setFolio("")
            setTags("")
          }
          note.reload()
        }}
      >
        <TextArea
          label="Log entry"
          value={content}
          onValue={setContent}
          rows={3}
          placeholder="What happened? Lines like - [ ] call Ana become tasks. **Markdown** is shown formatted."
          {...(content.length > MAX_ENTRY_CHARS * 0.9
            ? { hint: `${content.length.toLocaleString()} of ${MAX_ENTRY_CHARS.toLocaleString()} characters` }
            : {})}
        />
        <div class="row">
          <Field label="Folio (optional)" value={folio} onValue={setFolio} />
          <Field label="Tags (comma-separated)" value={tags} onValue={setTags} />
        </div>
        <label>
          <input type="checkbox" checked={keepLabels} onChange={(e) => setKeepLabels(e.currentTarget.checked)} /> Keep
          folio and tags for the next entry
        </label>
      </Form>
      <section aria-label="daily note" class="card" data-revision={note.data?.revision}>
        <h2>{date}</h2>
        <Loading when={note.loading && note.data === undefined} />
        <ErrorMessage message={note.error} />
        <ErrorMessage message={toggleError} />
        {note.data === undefined ? null : (
          <NoteBlocks
            blocks={note.data.documentState}
            toggle={{ onToggle: (i, c) => void toggle(i, c), pending: (i) => pending.get(i) }}
            entries={(position, node) => (
              <EntryActions
                date={date}
                position={position}
                node={node}
                revision={note.data!.revision}
                onChanged={note.reload}
              />
            )}
          />
        )}
      </section>
      <HistoryPanel key={date} date={date} revision={note.data?.revision} onRestored={note.reload} />
    </Page>
  )
}
