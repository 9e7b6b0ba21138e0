// Chat with the agent: session history on the side, replies streamed into the page as the gateway produces them; the
// open conversation can be renamed or deleted (to the trash, with an undo toast).
import * as Schema from "effect/Schema"
import { useEffect, useRef, useState } from "preact/hooks"
import { call, streamChat, validate } from "../api"
import { Markdown } from "../components/Markdown"
import { offerUndo } from "../components/Undo"
import { ErrorMessage, Field, Form, Loading, Page, TextArea, errorText, formatTime, useLoad } from "../components/ui"
import { href, navigate } from "../router"
import { ChatSessionId, ChatStreamRequest, ChatSessionTitle } from "../../chat/ChatApi"

/** Rename or delete the open conversation. */
const SessionActions = (props: { id: ChatSessionId; title: string; onChanged: () => void }) => {
  const [title, setTitle] = useState(props.title)
  const [error, setError] = useState<string>()
  useEffect(() => setTitle(props.title), [props.title])
  const remove = async () => {
    setError(undefined)
    try {
      const { trashId } = await call((api) => api.chat.removeSession({ path: { id: props.id } }))
      offerUndo(`Conversation deleted: ${props.title}`, trashId, () => navigate(`chat/${props.id}`))
      navigate("chat")
      props.onChanged()
    } catch (failure) {
      setError(errorText(failure))
    }
  }
  return (
    <div class="card">
      <Form
        label="Rename the conversation"
        submitLabel="Rename"
        class="inline-form"
        submit={async () => {
          const input = validate(ChatSessionTitle, title)
          if (!input.ok) return input.message
          await call((api) => api.chat.rename({ path: { id: props.id }, payload: { title: input.value } }))
          props.onChanged()
        }}
      >
        <Field label="Conversation title" value={title} onValue={setTitle} />
      </Form>
      <button type="button" class="danger" onClick={() => void remove()}>
        Delete conversation
      </button>
      <ErrorMessage message={error} />
    </div>
  )
}

/** Waits (up to about 3 s) until the conversation's last stored message is the assistant's. */
const storedReply = async (id: ChatSessionId) => {
  for (let attempt = 0; attempt < 20; attempt++) {
    const found = await call((api) => api.chat.session({ path: { id } })).catch(() => undefined)
    if (found?.session.messages.at(-1)?.role === "assistant") return
    await new Promise((resolve) => setTimeout(resolve, 150))
  }
}

interface Turn {
  readonly role: string
  readonly content: string
  readonly status?: string
}

export const ChatPage = ({ workspaceId, sessionId }: { workspaceId: string; sessionId: string | undefined }) => {
  const sessions = useLoad(() => call((api) => api.chat.sessions()), [workspaceId])
  const session = useLoad(
    () =>
      sessionId === undefined || !Schema.is(ChatSessionId)(sessionId)
        ? Promise.resolve(undefined)
        : call((api) => api.chat.session({ path: { id: sessionId } })),
    [sessionId]
  )
  const [message, setMessage] = useState("")
  const [pending, setPending] = useState<ReadonlyArray<Turn>>([])
  const [streaming, setStreaming] = useState(false)
  const [error, setError] = useState<string>()
  const abort = useRef<AbortController>()
  // Leaving the page stops a reply still streaming (the host keeps what arrived).
  useEffect(() => () => abort.current?.abort(), [])

  const send = async (event: Event) => {
    event.preventDefault()
    if (streaming) return
    const input = validate(ChatStreamRequest, { message, ...(sessionId === undefined ? {} : { sessionId }) })
    if (!input.ok) return setError(input.message)
    setError(undefined)
    setStreaming(true)
    let reply = ""
    let newSession: string | undefined
    setPending([
      { role: "user", content: input.value.message },
      { role: "assistant", content: "", status: "streaming" }
    ])
    setMessage("")
    const controller = new AbortController()
    abort.current = controller
    try {
      await streamChat(
        {
          message: input.value.message,
          ...(input.value.sessionId === undefined ? {} : { sessionId: input.value.sessionId })
        },
        ({ event: kind, data }) => {
          if (kind === "start" && typeof data["sessionId"] === "string") newSession = data["sessionId"]
          if (kind === "delta" && typeof data["content"] === "string") {
            reply += data["content"]
            setPending([
              { role: "user", content: input.value.message },
              { role: "assistant", content: reply, status: "streaming" }
            ])
          }
          if (kind === "error") setError(typeof data["message"] === "string" ? data["message"] : "the reply failed")
        },
        undefined,
        controller.signal
      )
      setPending([
        { role: "user", content: input.value.message },
        { role: "assistant", content: reply, status: "complete" }
      ])
    } catch (failure) {
      if (controller.signal.aborted) {
        setError(undefined)
        setPending([
          { role: "user", content: input.value.message },
          { role: "assistant", content: reply, status: "interrupted" }
        ])
        // The host stores what arrived as interrupted once it sees the connection close: wait for it to show.
        const id = newSession ?? sessionId
        if (id !== undefined && Schema.is(ChatSessionId)(id)) await storedReply(id)
      } else {
        setError(errorText(failure))
        // Nothing came back: give the text back so it can be sent again once the problem is fixed.
        if (reply === "") setMessage(input.value.message)
      }
    } finally {
      abort.current = undefined
      setStreaming(false)
    }
    sessions.reload()
    if (newSession !== undefined && newSession !== sessionId) navigate(`chat/${newSession}`)
    else session.reload()
    setPending([])
  }

  const stored: ReadonlyArray<Turn> = session.data?.session.messages ?? []
  const turns = [...stored.filter((m) => m.role === "user" || m.role === "assistant"), ...pending]
  return (
    <Page title="Chat">
      <div class="row">
        <nav aria-label="Chat sessions" style={{ flex: "1 1 14rem" }}>
          <p>
            <a href={href("chat")}>New conversation</a>
          </p>
          <Loading when={sessions.loading && sessions.data === undefined} />
          <ErrorMessage message={sessions.error} />
          <ul class="list">
            {sessions.data?.sessions.map((s) => (
              <li key={s.id}>
                <a href={href(`chat/${s.id}`)} aria-current={s.id === sessionId ? "page" : undefined}>
                  {s.title}
                </a>
                <br />
                <small class="muted">
                  {s.messageCount} messages · {formatTime(s.updatedAt)}
                </small>
              </li>
            ))}
          </ul>
        </nav>
        <section aria-label="Conversation" style={{ flex: "3 1 20rem" }}>
          <ErrorMessage message={session.error} />
          {session.data === undefined || sessionId === undefined ? null : (
            <SessionActions
              id={session.data.session.id}
              title={session.data.session.title}
              onChanged={() => {
                sessions.reload()
                session.reload()
              }}
            />
          )}
          <div class="chat-log" aria-live="polite">
            {turns.map((turn, i) => (
              <div key={i} class={`message ${turn.role}`} data-status={turn.status}>
                {turn.content === "" && turn.status === "streaming" ? (
                  "…"
                ) : turn.role === "assistant" ? (
                  <Markdown text={turn.content} />
                ) : (
                  <span class="plain">{turn.content}</span>
                )}
                {turn.status === "interrupted" || turn.status === "failed" ? (
                  <small class="error">
                    {" "}
                    ({turn.status === "interrupted" ? "stopped before the end" : turn.status})
                  </small>
                ) : null}
              </div>
            ))}
          </div>
          <form
            class="card"
            aria-label="Send a message"
            onSubmit={(e) => void send(e)}
            onKeyDown={(e) => {
              // Enter sends, Shift+Enter breaks the line (and Enter while composing an IME word stays the IME's).
              if (e.key !== "Enter" || e.shiftKey || e.isComposing || !(e.target instanceof HTMLTextAreaElement)) return
              e.preventDefault()
              e.currentTarget.requestSubmit()
            }}
            noValidate
          >
            <TextArea
              label="Message"
              value={message}
              onValue={setMessage}
              rows={3}
              hint="Enter sends, Shift+Enter starts a new line. Replies show Markdown and code formatted."
            />
            <ErrorMessage message={error} />
            <div class="toolbar">
              <button type="submit" disabled={streaming}>
                {streaming ? "Replying…" : "Send"}
              </button>
              {streaming ? (
                <button type="button" class="secondary" onClick={() => abort.current?.abort()}>
                  Stop
                </button>
              ) : null}
            </div>
          </form>
        </section>
      </div>
    </Page>
  )
}
