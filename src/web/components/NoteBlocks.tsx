// Renders a daily note from its TipTap blocks (never as raw JSON). Task items are checkboxes numbered in document order,
// the same nodeIndex the tasks API uses; unknown node types show their text so nothing silently disappears. A page may
// add controls to each top-level log card (Today's edit and delete), given the card's position among them.
import type { ComponentChildren } from "preact"
import { useState } from "preact/hooks"
import { InlineMarkdown } from "./Markdown"
import type { Node } from "../../notes/Document"
import { parseStringArray } from "../../notes/LogCard"

/** Controls for the top-level log card at `position` (0-based among the note's top-level log cards). */
export type EntryControls = (position: number, node: Node) => ComponentChildren

export interface TaskToggle {
  readonly onToggle: (nodeIndex: number, checked: boolean) => void
  /** The box as the owner last set it, while its save is on the way (else undefined: the note's own state). */
  readonly pending?: (nodeIndex: number) => boolean | undefined
}

/** An entry longer than this (characters of text) is shown folded, with a button to show it all. */
export const FOLD_CHARS = 1200
const FOLD_LINES = 15

const textOf = (node: Node): string =>
  node.type === "text" ? (node.text ?? "") : (node.content ?? []).map(textOf).join("")

/** Roughly how many lines a node takes on screen: one per paragraph, list item, heading, break and code line. */
const linesOf = (node: Node): number => {
  if (node.type === "codeBlock") return textOf(node).split("\n").length
  const own = ["paragraph", "heading", "listItem", "taskItem", "hardBreak", "horizontalRule"].includes(node.type)
    ? 1
    : 0
  return own + (node.content ?? []).reduce((sum, child) => sum + linesOf(child), 0)
}

const Inline = ({ node }: { node: Node }): ComponentChildren => {
  switch (node.type) {
    case "text": {
      // Plain text may hold inline Markdown (an agent's or a webhook's **bold**, `code`, links): rendered, sanitised.
      if ((node.marks ?? []).length === 0) return <InlineMarkdown text={node.text ?? ""} />
      let out: ComponentChildren = node.text ?? ""
      for (const mark of node.marks ?? []) {
        if (mark.type === "bold") out = <strong>{out}</strong>
        else if (mark.type === "italic") out = <em>{out}</em>
        else if (mark.type === "code") out = <code>{out}</code>
        else if (mark.type === "strike") out = <s>{out}</s>
      }
      return out
    }
    case "hardBreak":
      return <br />
    case "mention":
      return <span class="chip">@{String(node.attrs?.["label"] ?? node.attrs?.["id"] ?? "")}</span>
    case "folioMention":
      return (
        <span class="chip">{String(node.attrs?.["label"] ?? node.attrs?.["name"] ?? node.attrs?.["id"] ?? "")}</span>
      )
    case "tagMention":
      return (
        <span class="chip">#{String(node.attrs?.["label"] ?? node.attrs?.["name"] ?? node.attrs?.["id"] ?? "")}</span>
      )
    default:
      return textOf(node)
  }
}

const Inlines = ({ nodes }: { nodes: ReadonlyArray<Node> | undefined }) => (
  <>
    {(nodes ?? []).map((node, i) => (
      <Inline key={i} node={node} />
    ))}
  </>
)

/** Walks the document once, handing out task indexes in depth-first order. */
const renderer = (toggle: TaskToggle | undefined, controls: Map<Node, ComponentChildren>) => {
  let nextTask = 0
  const blocks = (nodes: ReadonlyArray<Node> | undefined): Array<ComponentChildren> =>
    (nodes ?? []).map((node, i) => block(node, i))
  const block = (node: Node, key: number): ComponentChildren => {
    switch (node.type) {
      case "paragraph":
        return (
          <p key={key}>
            <Inlines nodes={node.content} />
          </p>
        )
      case "heading": {
        const level = Math.min(6, Math.max(2, Number(node.attrs?.["level"] ?? 2) + 1))
        const Tag = `h${level}` as "h2"
        return (
          <Tag key={key}>
            <Inlines nodes={node.content} />
          </Tag>
        )
      }
      case "bulletList":
        return <ul key={key}>{blocks(node.content)}</ul>
      case "orderedList":
        return <ol key={key}>{blocks(node.content)}</ol>
      case "listItem":
        return <li key={key}>{blocks(node.content)}</li>
      case "taskList":
        return (
          <ul key={key} class="tasks">
            {blocks(node.content)}
          </ul>
        )
      case "taskItem": {
        const index = nextTask++
        const checked = toggle?.pending?.(index) ?? node.attrs?.["checked"] === true
        const label = (node.content ?? [])
          .filter((child) => child.type !== "taskList")
          .map(textOf)
          .join(" ")
        const nested = (node.content ?? []).filter((child) => child.type === "taskList")
        return (
          <li key={key} class={checked ? "task done" : "task"}>
            <label>
              <input
                type="checkbox"
                checked={checked}
                disabled={toggle === undefined}
                data-node-index={index}
                onChange={(e) => toggle?.onToggle(index, e.currentTarget.checked)}
              />{" "}
              <span>
                <InlineMarkdown text={label} />
              </span>
            </label>
            {blocks(nested)}
          </li>
        )
      }
      case "blockquote":
        return <blockquote key={key}>{blocks(node.content)}</blockquote>
      case "codeBlock":
        return (
          <pre key={key}>
            <code>{textOf(node)}</code>
          </pre>
        )
      case "horizontalRule":
        return <hr key={key} />
      case "logCard": {
        const tags = parseStringArray(node.attrs?.["tags"])
        const folios = parseStringArray(node.attrs?.["folios"])
        // Keyed by its idempotency key when it has one, so an entry's open editor stays with it when entries move.
        const entryKey = node.attrs?.["idempotencyKey"]
        return (
          <article key={typeof entryKey === "string" && entryKey !== "" ? `key:${entryKey}` : key} class="log-card">
            <header>
              <time>{String(node.attrs?.["timestamp"] ?? "")}</time>
              {tags.map((tag) => (
                <span key={tag} class="chip">
                  #{tag}
                </span>
              ))}
              {folios.map((folio) => (
                <span key={folio} class="chip folio">
                  {folio}
                </span>
              ))}
            </header>
            <Foldable node={node}>{blocks(node.content)}</Foldable>
            {controls.get(node)}
          </article>
        )
      }
      default:
        return node.content === undefined && node.text === undefined ? null : (
          <div key={key} class="unknown-block" data-type={node.type}>
            {node.content === undefined ? textOf(node) : blocks(node.content)}
          </div>
        )
    }
  }
  return blocks
}

/** A long entry shows its start, faded, with "Show all"; the whole text stays in the page for find and readers. */
const Foldable = ({ node, children }: { readonly node: Node; readonly children: ComponentChildren }) => {
  const text = textOf(node)
  const long = text.length > FOLD_CHARS || linesOf(node) > FOLD_LINES
  const [open, setOpen] = useState(false)
  if (!long) return <>{children}</>
  return (
    <>
      <div class={open ? "entry-body" : "entry-body folded"}>{children}</div>
      <button type="button" class="secondary small" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? "Show less" : `Show all (${text.length.toLocaleString()} characters)`}
      </button>
    </>
  )
}

export const NoteBlocks = ({
  blocks,
  toggle,
  entries
}: {
  blocks: ReadonlyArray<Node>
  toggle?: TaskToggle
  entries?: EntryControls
}) => {
  if (blocks.length === 0) return <p class="muted">Nothing written on this day yet.</p>
  const controls = new Map<Node, ComponentChildren>()
  if (entries !== undefined) {
    let position = 0
    for (const node of blocks) if (node.type === "logCard") controls.set(node, entries(position++, node))
  }
  return <div class="note">{renderer(toggle, controls)(blocks)}</div>
}
