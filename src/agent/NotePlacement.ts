// Where an agent task's result goes in its daily note: right after the block the task came from, else at the end.
// `YYYY-MM-DD:<index>` names a top-level block of that day's note; any other origin id is looked up as `attrs.id`
// at any depth, and the result follows the top-level block that holds it.
import type { Document, Node } from "../notes/Document"

const indexForm = /^(\d{4}-\d{2}-\d{2}):(\d{1,6})$/

/** The day an origin id names, when it is written `YYYY-MM-DD:<index>`. */
export const dateOfOrigin = (originBlockId: string | null | undefined): string | undefined =>
  originBlockId == null ? undefined : indexForm.exec(originBlockId)?.[1]

const holdsId = (node: Node, id: string): boolean => {
  const stack: Array<Node> = [node]
  while (stack.length > 0) {
    const current = stack.pop()!
    if (current.attrs?.id === id) return true
    if (current.content !== undefined) stack.push(...current.content)
  }
  return false
}

/** The top-level index the origin names in this note, or undefined when it is not there. */
export const originIndex = (document: Document, date: string, originBlockId: string | null): number | undefined => {
  if (originBlockId === null) return undefined
  const match = indexForm.exec(originBlockId)
  if (match !== null) {
    const index = Number(match[2])
    return match[1] === date && index < document.length ? index : undefined
  }
  const found = document.findIndex((node) => holdsId(node, originBlockId))
  return found === -1 ? undefined : found
}

/** The document with `block` inserted after the origin block, or appended. */
export const placeAfterOrigin = (
  document: Document,
  date: string,
  originBlockId: string | null,
  block: Node
): Document => {
  const index = originIndex(document, date, originBlockId)
  return index === undefined
    ? [...document, block]
    : [...document.slice(0, index + 1), block, ...document.slice(index + 1)]
}
