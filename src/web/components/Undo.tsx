// The undo toast: after a delete that went to the trash, a few seconds to put it back with one keyboard-reachable
// "Undo" (POST /trash/:id/restore), and a link to the Trash page for later. One toast at a time; the shell renders it.
import { useEffect, useRef, useState } from "preact/hooks"
import { call } from "../shellClient"
import { href } from "../router"
import { errorText } from "./ui"
import type { TrashId } from "../../trash/TrashApi"

/** How long the toast stays, unless the pointer rests on it. */
export const UNDO_MS = 10_000

interface Pending {
  readonly key: number
  readonly message: string
  readonly trashId: TrashId
  readonly onRestored: () => void
}

let next = 0
let show: (pending: Pending) => void = () => undefined

/** Offers an undo for the trash entry `trashId`; `onRestored` runs (to reload the page's list) once it is back. */
export const offerUndo = (message: string, trashId: TrashId, onRestored: () => void) =>
  show({ key: ++next, message, trashId, onRestored })

export const UndoToast = () => {
  const [pending, setPending] = useState<Pending>()
  const [state, setState] = useState<{ busy: boolean; error?: string; done?: string }>({ busy: false })
  const [hovered, setHovered] = useState(false)
  const undoButton = useRef<HTMLButtonElement>(null)
  const region = useRef<HTMLDivElement>(null)

  useEffect(() => {
    show = (offered) => {
      setPending(offered)
      setState({ busy: false })
    }
    return () => {
      show = () => undefined
    }
  }, [])

  // The control that deleted the item is gone with it: focus moves to Undo, so Enter right away puts it back.
  useEffect(() => {
    if (pending !== undefined) undoButton.current?.focus()
  }, [pending?.key])

  const close = () => {
    if (region.current?.contains(document.activeElement) === true) {
      document.getElementById("page-title")?.focus({ preventScroll: true })
    }
    setPending(undefined)
  }

  useEffect(() => {
    if (pending === undefined || hovered || state.busy || state.error !== undefined) return
    const timer = setTimeout(close, state.done === undefined ? UNDO_MS : 3_000)
    return () => clearTimeout(timer)
  }, [pending?.key, hovered, state])

  const undo = async () => {
    if (pending === undefined) return
    setState({ busy: true })
    try {
      await call((api) => api.trash.restore({ path: { id: pending.trashId } }))
      setState({ busy: false, done: "Restored." })
      pending.onRestored()
    } catch (failure) {
      setState({ busy: false, error: errorText(failure) })
    }
  }

  return (
    <div
      ref={region}
      class="toast-region"
      role="status"
      aria-live="polite"
      onMouseEnter={() => setHovered(true)}
      onMouseLeave={() => setHovered(false)}
      onKeyDown={(e) => e.key === "Escape" && close()}
    >
      {pending === undefined ? null : (
        <div class="toast" data-trash-id={pending.trashId}>
          <span>{state.done ?? pending.message}</span>
          {state.done === undefined ? (
            <>
              <button type="button" ref={undoButton} disabled={state.busy} onClick={() => void undo()}>
                {state.busy ? "Restoring…" : "Undo"}
              </button>
              <a href={href("trash")}>Trash</a>
            </>
          ) : null}
          <button type="button" class="secondary" aria-label="Dismiss" onClick={close}>
            ×
          </button>
          {state.error === undefined ? null : (
            <p class="error" role="alert">
              {state.error}
            </p>
          )}
        </div>
      )}
    </div>
  )
}
