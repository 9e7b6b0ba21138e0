// Shared building blocks: data loading, forms that validate before sending and show the server's message, fields.
import * as DateTime from "effect/DateTime"
import type { ComponentChildren, JSX } from "preact"
import { useCallback, useEffect, useRef, useState } from "preact/hooks"

/** An ApiFailure (the server's message) or any other Error, as text for the page. */
export const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error))

export interface Loaded<A> {
  readonly data: A | undefined
  readonly error: string | undefined
  readonly loading: boolean
  readonly reload: () => void
  /** Fetches again and resolves once the new data (or error) is in place. */
  readonly refresh: () => Promise<void>
}

/** Loads once per change of `deps`; `reload` fetches again (keeping the old data visible meanwhile). */
export const useLoad = <A,>(load: () => Promise<A>, deps: ReadonlyArray<unknown>): Loaded<A> => {
  const [state, setState] = useState<{ data: A | undefined; error: string | undefined; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: true
  })
  const generation = useRef(0)
  const run = useCallback(() => {
    const mine = ++generation.current
    setState((old) => ({ ...old, loading: true }))
    return load().then(
      (data) => {
        if (mine === generation.current) setState({ data, error: undefined, loading: false })
      },
      (error: unknown) => {
        if (mine === generation.current) setState((old) => ({ ...old, error: errorText(error), loading: false }))
      }
    )
  }, deps)
  useEffect(() => void run(), [run])
  const reload = useCallback(() => void run(), [run])
  return { ...state, reload, refresh: run }
}

export const ErrorMessage = ({ message }: { message: string | undefined }) =>
  message === undefined ? null : (
    <p class="error" role="alert">
      {message}
    </p>
  )

export const Loading = ({ when }: { when: boolean }) => (when ? <p class="muted">Loading…</p> : null)

/**
 * A form whose `submit` validates its input first (returning a message stops it) and then calls the API; a failure
 * shows the server's message, success calls `done` and resets the form when asked.
 */
export const Form = (props: {
  readonly label: string
  readonly submitLabel: string
  readonly submit: () => Promise<string | void>
  readonly children: ComponentChildren
  readonly resetOnSuccess?: boolean
  readonly class?: string
}) => {
  const [error, setError] = useState<string>()
  const [busy, setBusy] = useState(false)
  const onSubmit = async (event: JSX.TargetedEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = event.currentTarget
    setBusy(true)
    setError(undefined)
    try {
      const problem = await props.submit()
      if (typeof problem === "string") setError(problem)
      else if (props.resetOnSuccess === true) form.reset()
    } catch (failure) {
      setError(errorText(failure))
    } finally {
      setBusy(false)
    }
  }
  return (
    <form aria-label={props.label} onSubmit={onSubmit} class={props.class ?? "card"} noValidate>
      {props.children}
      <ErrorMessage message={error} />
      <button type="submit" disabled={busy}>
        {busy ? "Working…" : props.submitLabel}
      </button>
    </form>
  )
}

let fieldIds = 0
const useFieldId = () => useRef(`f${++fieldIds}`).current

interface InputProps {
  readonly label: string
  readonly value: string
  readonly onValue: (value: string) => void
  readonly hint?: string
  readonly type?: "text" | "search" | "password" | "url"
  readonly placeholder?: string
  readonly autoComplete?: "off"
  /** Values to suggest as the user types (a datalist). */
  readonly suggestions?: ReadonlyArray<string>
}

export const Field = ({
  label,
  value,
  onValue,
  hint,
  type = "text",
  placeholder,
  autoComplete,
  suggestions
}: InputProps) => {
  const id = useFieldId()
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input
        id={id}
        value={value}
        type={type}
        placeholder={placeholder}
        autoComplete={autoComplete}
        onInput={(e) => onValue(e.currentTarget.value)}
        {...(hint === undefined ? {} : { "aria-describedby": `${id}-hint` })}
        {...(suggestions === undefined ? {} : { list: `${id}-suggestions` })}
      />
      {suggestions === undefined ? null : (
        <datalist id={`${id}-suggestions`}>
          {suggestions.map((suggestion) => (
            <option key={suggestion} value={suggestion} />
          ))}
        </datalist>
      )}
      {hint === undefined ? null : (
        <small id={`${id}-hint`} class="muted">
          {hint}
        </small>
      )}
    </div>
  )
}

export const TextArea = (props: {
  readonly label: string
  readonly value: string
  readonly onValue: (value: string) => void
  readonly rows?: number
  readonly placeholder?: string
  readonly hint?: string
}) => {
  const id = useFieldId()
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <textarea
        id={id}
        rows={props.rows ?? 4}
        value={props.value}
        placeholder={props.placeholder}
        onInput={(e) => props.onValue(e.currentTarget.value)}
      />
      {props.hint === undefined ? null : <small class="muted">{props.hint}</small>}
    </div>
  )
}

export const Select = <V extends string>(props: {
  readonly label: string
  readonly value: V
  readonly options: ReadonlyArray<V>
  readonly onValue: (value: V) => void
}) => {
  const id = useFieldId()
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <select id={id} value={props.value} onChange={(e) => props.onValue(e.currentTarget.value as V)}>
        {props.options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    </div>
  )
}

/** Comma-separated input to a list ("a, b" → ["a", "b"]); empty items dropped. */
export const splitList = (text: string) =>
  text
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "")

export const formatTime = (value: DateTime.Utc | null | undefined) =>
  value === null || value === undefined ? "—" : DateTime.toDateUtc(value).toLocaleString()

/** A workspace must be chosen before workspace-scoped pages can load. */
export const NeedsWorkspace = () => (
  <section>
    <p>
      No workspace is selected yet. Open the <a href="/admin/setup">setup</a> page to create or pick one.
    </p>
  </section>
)

export const Page = (props: { readonly title: string; readonly children: ComponentChildren }) => (
  <section aria-labelledby="page-title">
    <h1 id="page-title" tabIndex={-1}>
      {props.title}
    </h1>
    {props.children}
  </section>
)
