// Memories: short facts the agent recalls; list (or rank by a search), add, edit in place, delete (to the trash, with
// an undo toast).
import * as Schema from "effect/Schema"
import { useState } from "preact/hooks"
import { call, validate } from "../api"
import { offerUndo } from "../components/Undo"
import { ErrorMessage, Field, Form, Loading, Page, TextArea, errorText, formatTime, useLoad } from "../components/ui"
import { MemoryContent, type Memory } from "../../memories/MemoriesApi"

const short = (text: string) => (text.length > 60 ? `${text.slice(0, 57)}…` : text)

const MemoryItem = ({ memory, onChanged }: { memory: Memory; onChanged: () => void }) => {
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
      onChanged()
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
      {memory.content} <small class="muted">{formatTime(memory.createdAt)}</small>
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

export const MemoriesPage = () => {
  const [search, setSearch] = useState("")
  const [applied, setApplied] = useState("")
  const [content, setContent] = useState("")
  const memories = useLoad(
    () => call((api) => api.memories.list({ urlParams: applied === "" ? {} : { search: applied } })),
    [applied]
  )
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
      <Loading when={memories.loading && memories.data === undefined} />
      <ErrorMessage message={memories.error} />
      <ul class="list" aria-label="memories">
        {memories.data?.memories.map((memory) => (
          <MemoryItem key={memory.id} memory={memory} onChanged={memories.reload} />
        ))}
      </ul>
    </Page>
  )
}
