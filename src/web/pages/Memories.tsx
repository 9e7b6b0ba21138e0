// Memories: short facts the agent recalls; list (or rank by a search) and add.
import * as Schema from "effect/Schema"
import { useState } from "preact/hooks"
import { call, validate } from "../api"
import { ErrorMessage, Field, Form, Loading, Page, TextArea, formatTime, useLoad } from "../components/ui"
import { MemoryContent } from "../../memories/MemoriesApi"

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
          <li key={memory.id}>
            {memory.content} <small class="muted">{formatTime(memory.createdAt)}</small>
          </li>
        ))}
      </ul>
    </Page>
  )
}
