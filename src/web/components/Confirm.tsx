// Confirmation before a permanent action (purging from the trash, deleting a workspace): a modal <dialog> that keeps
// focus inside, closes on Escape and gives focus back to the button that opened it. With `typed`, the action stays
// disabled until that exact text is typed.
import type { ComponentChildren } from "preact"
import { useEffect, useRef, useState } from "preact/hooks"
import { errorText } from "./ui"

let dialogIds = 0

export const ConfirmButton = (props: {
  /** The opening button's text. */
  readonly label: string
  /** Its accessible name when the text alone is ambiguous in a list ("Delete permanently: Ana"). */
  readonly ariaLabel?: string
  readonly title: string
  readonly children: ComponentChildren
  /** The confirming button's text. */
  readonly confirmLabel: string
  readonly typed?: { readonly label: string; readonly value: string }
  /** Rejecting keeps the dialog open with the message. */
  readonly onConfirm: (typed: string) => Promise<void>
  readonly class?: string
}) => {
  const [open, setOpen] = useState(false)
  const [typed, setTyped] = useState("")
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  const dialog = useRef<HTMLDialogElement>(null)
  const opener = useRef<HTMLButtonElement>(null)
  const id = useRef(`confirm${++dialogIds}`).current

  // Focus starts on the typed confirmation, else on Cancel: Enter alone never does the permanent thing.
  const cancel = useRef<HTMLButtonElement>(null)
  const typedInput = useRef<HTMLInputElement>(null)
  useEffect(() => {
    if (!open || dialog.current?.open !== false) return
    dialog.current.showModal()
    ;(typedInput.current ?? cancel.current)?.focus()
  }, [open])

  const close = () => {
    dialog.current?.close()
    setOpen(false)
    setTyped("")
    setError(undefined)
    opener.current?.focus()
  }

  const confirm = async (event: Event) => {
    event.preventDefault()
    setBusy(true)
    setError(undefined)
    try {
      await props.onConfirm(typed)
      dialog.current?.close()
      setOpen(false)
    } catch (failure) {
      setError(errorText(failure))
    } finally {
      setBusy(false)
    }
  }

  const matches = props.typed === undefined || typed === props.typed.value
  return (
    <>
      <button
        type="button"
        ref={opener}
        class={props.class ?? "danger"}
        aria-label={props.ariaLabel}
        aria-haspopup="dialog"
        onClick={() => setOpen(true)}
      >
        {props.label}
      </button>
      {open ? (
        <dialog
          ref={dialog}
          class="confirm"
          aria-labelledby={`${id}-title`}
          aria-describedby={`${id}-body`}
          onCancel={(e) => {
            e.preventDefault()
            close()
          }}
        >
          <form onSubmit={(e) => void confirm(e)} noValidate>
            <h2 id={`${id}-title`}>{props.title}</h2>
            <div id={`${id}-body`}>{props.children}</div>
            {props.typed === undefined ? null : (
              <div class="field">
                <label for={`${id}-typed`}>{props.typed.label}</label>
                <input
                  ref={typedInput}
                  id={`${id}-typed`}
                  value={typed}
                  autoComplete="off"
                  onInput={(e) => setTyped(e.currentTarget.value)}
                />
              </div>
            )}
            {error === undefined ? null : (
              <p class="error" role="alert">
                {error}
              </p>
            )}
            <div class="toolbar">
              <button type="submit" class="danger" disabled={busy || !matches}>
                {busy ? "Working…" : props.confirmLabel}
              </button>
              <button type="button" ref={cancel} class="secondary" onClick={close}>
                Cancel
              </button>
            </div>
          </form>
        </dialog>
      ) : null}
    </>
  )
}
