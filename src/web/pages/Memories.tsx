// Memories: short facts the agent recalls; list (or rank by a search), add, edit in place, delete (to the trash, with
// an undo toast).
import * as Schema from "effect/Schema"
import { useState } from "preact/hooks"
import { call, validate } from "../api"
import { offerUndo } from "../components/Undo"
import { ErrorMessage, Field, Form, Loading, Page, TextArea, errorText, formatTime, useLoad } from "../components/ui"
import { href, navigate } from "../router"
import { MemoryContent, type Memory, type MemoryId } from "../../memories/MemoriesApi"
import { PageCursor } from "../../schema/PageCursor"

const short = (text: string) => (text.length > 60 ? `${text.slice(0, 57)}…` : text)

const MemoryItem = ({
  memory,
  onChanged,
  onDeleted
}: {
  memory: Memory
  onChanged: () => void
  onDeleted?: () => void
}) => {
  const [editing, setEditing] = useState(false)
  const [content, setContent] = useState(memory.content)
  const [error, setError] = useState<string>()
  const [busy, setBusy] = useState(false)

  const remove = async () => {
    setBusy(true)
    setError(undefined)
    try {
      const { trashId } = await call((api) => api.memories.remove({ path: { id: memory.id } }))
      offerUndo(`Memory deleted: ${short(memory.content)}`, trashId, onChanged)
      if (onDeleted === undefined) onChanged()
      else onDeleted()
    } catch (failure) {
      setError(errorText(failure))
    } finally {
      setBusy(false)
    }
  }

  if (editing) {
    return (
      <li>
        <Form
          label={`Edit memory: ${short(memory.content)}`}
          submitLabel="Save memory"
          class="inline-form"
          submit={async () => {
            const input = validate(Schema.Struct({ content: MemoryContent }), { content })
            if (!input.ok) return input.message
            await call((api) => api.memories.update({ path: { id: memory.id }, payload: input.value }))
            setEditing(false)
            onChanged()
          }}
        >
          <TextArea label="Memory text" value={content} onValue={setContent} rows={3} />
        </Form>
        <button type="button" class="secondary" onClick={() => setEditing(false)}>
          Cancel
        </button>
      </li>
    )
  }
  return (
    <li>
      <a href={href(`memories/${memory.id}`)} class="plain">
        {memory.content}
      </a>{" "}
      <small class="muted">{formatTime(memory.createdAt)}</small>
      <span class="item-actions">
        <button
          type="button"
          class="secondary small"
          aria-label={`Edit memory: ${short(memory.content)}`}
          onClick={() => {
            setContent(memory.content)
            setEditing(true)
          }}
        >
          Edit
        </button>
        <button
          type="button"
          class="secondary small"
          aria-label={`Delete memory: ${short(memory.content)}`}
          disabled={busy}
          onClick={() => void remove()}
        >
          Delete
        </button>
      </span>
      <ErrorMessage message={error} />
    </li>
  )
}

/** One memory opened (from a search hit): its text, when it was written, edit and delete. */
const MemoryDetail = ({ id }: { id: string }) => {
  const memory = useLoad(() => call((api) => api.memories.get({ path: { id: id as MemoryId } })), [id])
  return (
    <Page title="Memory">
      <p>
        <a href={href("memories")}>All memories</a>
      </p>
      <Loading when={memory.loading && memory.data === undefined} />
      <ErrorMessage message={memory.error} />
      {memory.data === undefined ? null : (
        <ul class="list" aria-label="memory">
          <MemoryItem memory={memory.data.memory} onChanged={memory.reload} onDeleted={() => navigate("memories")} />
        </ul>
      )}
    </Page>
  )
}

const PAGE_SIZE = 50

/** The newest memories a page at a time ("Show older" appends the next page), or those ranked by a search. */
const MemoryList = () => {
  const [search, setSearch] = useState("")
  const [applied, setApplied] = useState("")
  const [filter, setFilter] = useState("")
  const [content, setContent] = useState("")
  const [older, setOlder] = useState<ReadonlyArray<Memory>>([])
  const [olderError, setOlderError] = useState<string>()
  const [nextCursor, setNextCursor] = useState<string | null>(null)
  const memories = useLoad(async () => {
    const first = await call((api) =>
      api.memories.list({ urlParams: applied === "" ? { limit: PAGE_SIZE } : { search: applied, limit: PAGE_SIZE } })
    )
    setOlder([])
    setNextCursor(first.nextCursor)
    return first
  }, [applied])
  const showOlder = async () => {
    if (nextCursor === null) return
    setOlderError(undefined)
    try {
      const cursor = Schema.decodeSync(PageCursor)(nextCursor)
      const page = await call((api) => api.memories.list({ urlParams: { limit: PAGE_SIZE, cursor } }))
      setOlder([...older, ...page.memories])
      setNextCursor(page.nextCursor)
    } catch (failure) {
      setOlderError(errorText(failure))
    }
  }
  const all = [...(memories.data?.memories ?? []), ...older]
  const needle = filter.trim().toLowerCase()
  const shown = needle === "" ? all : all.filter((memory) => memory.content.toLowerCase().includes(needle))
  return (
    <Page title="Memories">
      <Form
        label="Add a memory"
        submitLabel="Add memory"
        submit={async () => {
          const input = validate(Schema.Struct({ content: MemoryContent }), { content })
          if (!input.ok) return input.message
          await call((api) => api.memories.create({ payload: input.value }))
          setContent("")
          memories.reload()
        }}
      >
        <TextArea label="Memory" value={content} onValue={setContent} rows={2} />
      </Form>
      <form
        class="toolbar"
        role="search"
        onSubmit={(e) => {
          e.preventDefault()
          setApplied(search.trim())
        }}
      >
        <Field label="Rank by relevance to" type="search" value={search} onValue={setSearch} />
        <button type="submit">Search memories</button>
      </form>
      <Field
        label="Filter the memories shown"
        type="search"
        value={filter}
        onValue={setFilter}
        hint="Narrows the list below as you type; Show older loads more."
      />
      <Loading when={memories.loading && memories.data === undefined} />
      <ErrorMessage message={memories.error} />
      <p role="status" class="muted">
        {needle === ""
          ? `${all.length} memor${all.length === 1 ? "y" : "ies"} shown${nextCursor === null ? "" : ", more are older"}`
          : `${shown.length} of ${all.length} shown memories match "${filter.trim()}"`}
      </p>
      <ul class="list" aria-label="memories">
        {shown.map((memory) => (
          <MemoryItem key={memory.id} memory={memory} onChanged={memories.reload} />
        ))}
      </ul>
      <ErrorMessage message={olderError} />
      {nextCursor === null ? null : (
        <button type="button" class="secondary" onClick={() => void showOlder()}>
          Show older memories
        </button>
      )}
    </Page>
  )
}

export const MemoriesPage = ({ memoryId }: { memoryId?: string | undefined }) =>
  memoryId === undefined ? <MemoryList /> : <MemoryDetail id={memoryId} />
