// Keyboard shortcuts for the whole UI: "/" focuses the page's search (or opens Search), "g" then a letter jumps to a
// page, Ctrl+K (Cmd+K) opens a command palette of every page, "?" shows the shortcuts. Keys typed into a field are
// the field's, except Ctrl+K. Everything else is reachable with Tab and Enter: every action is a button or a link.
import { useEffect, useRef, useState } from "preact/hooks"
import { navigate } from "../router"

/** "g" then the key: the page it opens. */
export const JUMPS: ReadonlyArray<readonly [string, string, string]> = [
  ["t", "today", "Today"],
  ["s", "search", "Search"],
  ["m", "memories", "Memories"],
  ["f", "folios", "Folios"],
  ["g", "graph", "Graph"],
  ["a", "artifacts", "Artifacts"],
  ["c", "chat", "Chat"],
  ["x", "trash", "Trash"],
  ["j", "jobs", "Jobs"],
  ["d", "doctor", "Doctor and backups"],
  ["w", "setup", "Setup (workspace)"]
]

const isTyping = (target: EventTarget | null) =>
  target instanceof HTMLElement &&
  (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))

/** Focuses the first search field of the page; on a page without one, opens Search and focuses its field. */
const focusSearch = () => {
  const field = () => document.querySelector<HTMLInputElement>('main input[type="search"]')
  const found = field()
  if (found !== null) return found.focus()
  navigate("search")
  // The shell moves focus to the new page's title once it renders: keep focusing the field until it stays focused.
  // Once the field had it, focus that moves anywhere but the title was moved by the owner (Escape, a click): leave it.
  let frames = 0
  let settled = 0
  const retry = () => {
    const input = field()
    const active = document.activeElement
    if (input !== null && active === input) settled++
    else if (settled > 0 && active?.id !== "page-title") return
    else {
      settled = 0
      input?.focus()
    }
    if (settled < 3 && ++frames < 120) requestAnimationFrame(retry)
  }
  requestAnimationFrame(retry)
}

const useModal = (open: boolean, onClose: () => void) => {
  const dialog = useRef<HTMLDialogElement>(null)
  const opener = useRef<Element | null>(null)
  useEffect(() => {
    const element = dialog.current
    if (element === null) return
    if (open && !element.open) {
      opener.current = document.activeElement
      element.showModal()
    } else if (!open && element.open) element.close()
  }, [open])
  useEffect(() => {
    const element = dialog.current
    if (element === null) return
    const closed = () => {
      onClose()
      if (opener.current instanceof HTMLElement) opener.current.focus()
    }
    element.addEventListener("close", closed)
    return () => element.removeEventListener("close", closed)
  }, [onClose])
  return dialog
}

const HelpDialog = ({ open, onClose }: { open: boolean; onClose: () => void }) => {
  const dialog = useModal(open, onClose)
  return (
    <dialog ref={dialog} class="confirm keyboard-help" aria-labelledby="shortcuts-title">
      <h2 id="shortcuts-title">Keyboard shortcuts</h2>
      <table>
        <caption class="visually-hidden">Keys and what they do</caption>
        <tbody>
          <tr>
            <th scope="row">
              <kbd>/</kbd>
            </th>
            <td>Focus the page&apos;s search field (or open Search)</td>
          </tr>
          <tr>
            <th scope="row">
              <kbd>Ctrl</kbd>+<kbd>K</kbd> or <kbd>⌘</kbd>+<kbd>K</kbd>
            </th>
            <td>Command palette: type a page&apos;s name, Enter opens it</td>
          </tr>
          {JUMPS.map(([key, , label]) => (
            <tr key={key}>
              <th scope="row">
                <kbd>g</kbd> <kbd>{key}</kbd>
              </th>
              <td>Go to {label}</td>
            </tr>
          ))}
          <tr>
            <th scope="row">
              <kbd>?</kbd>
            </th>
            <td>Show these shortcuts</td>
          </tr>
          <tr>
            <th scope="row">
              <kbd>Tab</kbd>, <kbd>Enter</kbd>, <kbd>Esc</kbd>
            </th>
            <td>Move between controls, use one, close a dialog or the undo toast</td>
          </tr>
        </tbody>
      </table>
      <form method="dialog">
        <button type="submit" autoFocus>
          Close
        </button>
      </form>
    </dialog>
  )
}

const Palette = ({
  open,
  onClose,
  pages,
  onHelp
}: {
  open: boolean
  onClose: () => void
  pages: ReadonlyArray<readonly [string, string]>
  onHelp: () => void
}) => {
  const dialog = useModal(open, onClose)
  const [text, setText] = useState("")
  const [active, setActive] = useState(0)
  const input = useRef<HTMLInputElement>(null)
  useEffect(() => {
    if (!open) return
    setText("")
    setActive(0)
    input.current?.focus()
  }, [open])
  const commands: ReadonlyArray<{ readonly label: string; readonly run: () => void }> = [
    ...pages.map(([slug, label]) => ({ label: `Go to ${label}`, run: () => navigate(slug) })),
    { label: "Show keyboard shortcuts", run: onHelp }
  ]
  const needle = text.trim().toLowerCase()
  const matches = commands.filter((command) => command.label.toLowerCase().includes(needle))
  const choose = (index: number) => {
    const command = matches[index]
    if (command === undefined) return
    dialog.current?.close()
    command.run()
  }
  return (
    <dialog ref={dialog} class="confirm palette" aria-label="Command palette">
      <label for="palette-input">Go to a page or run a command</label>
      <input
        ref={input}
        id="palette-input"
        type="text"
        role="combobox"
        aria-expanded="true"
        aria-controls="palette-list"
        aria-autocomplete="list"
        aria-activedescendant={matches.length === 0 ? undefined : `palette-${Math.min(active, matches.length - 1)}`}
        autoComplete="off"
        value={text}
        onInput={(e) => {
          setText(e.currentTarget.value)
          setActive(0)
        }}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown") {
            e.preventDefault()
            setActive((index) => Math.min(matches.length - 1, index + 1))
          } else if (e.key === "ArrowUp") {
            e.preventDefault()
            setActive((index) => Math.max(0, index - 1))
          } else if (e.key === "Enter") {
            e.preventDefault()
            choose(Math.min(active, matches.length - 1))
          }
        }}
      />
      <ul id="palette-list" role="listbox" aria-label="Commands">
        {matches.map((command, index) => (
          <li
            key={command.label}
            id={`palette-${index}`}
            role="option"
            aria-selected={index === active}
            class={index === active ? "active" : undefined}
            onClick={() => choose(index)}
          >
            {command.label}
          </li>
        ))}
      </ul>
      {matches.length === 0 ? <p class="muted">Nothing matches “{text}”.</p> : null}
    </dialog>
  )
}

/** The shortcuts, the palette over `pages` (slug, label) and the help overlay; rendered once by the shell. */
export const Keyboard = ({ pages }: { pages: ReadonlyArray<readonly [string, string]> }) => {
  const [palette, setPalette] = useState(false)
  const [help, setHelp] = useState(false)
  useEffect(() => {
    let awaitingJump = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "k") {
        event.preventDefault()
        setHelp(false)
        setPalette(true)
        return
      }
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return
      if (document.querySelector("dialog[open]") !== null) return
      if (awaitingJump) {
        awaitingJump = false
        clearTimeout(timer)
        const jump = JUMPS.find(([key]) => key === event.key)
        if (jump !== undefined) {
          event.preventDefault()
          navigate(jump[1])
        }
        return
      }
      if (event.key === "/") {
        event.preventDefault()
        focusSearch()
      } else if (event.key === "?") {
        event.preventDefault()
        setHelp(true)
      } else if (event.key === "g") {
        awaitingJump = true
        timer = setTimeout(() => (awaitingJump = false), 1500)
      }
    }
    addEventListener("keydown", onKey)
    return () => {
      removeEventListener("keydown", onKey)
      clearTimeout(timer)
    }
  }, [])
  return (
    <>
      <Palette
        open={palette}
        onClose={() => setPalette(false)}
        pages={pages}
        onHelp={() => {
          setPalette(false)
          setHelp(true)
        }}
      />
      <HelpDialog open={help} onClose={() => setHelp(false)} />
    </>
  )
}
