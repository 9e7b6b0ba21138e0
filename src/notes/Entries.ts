// The entries of a daily note: its top-level logCards, named by a ref that is a card's idempotency key or its 0-based
// position among the logCards (a key wins: a card keyed "3" is found by "3" wherever it sits). Pure functions over
// the document, for the edit and remove paths of Notes.
import type { Document, Node } from "./Document"

/** The top-level position of the logCard `ref` names, or undefined when none. */
export const findEntry = (document: Document, ref: string): number | undefined => {
  const cards: Array<number> = []
  for (const [position, node] of document.entries()) {
    if (node.type !== "logCard") continue
    if (node.attrs?.idempotencyKey === ref) return position
    cards.push(position)
  }
  return /^\d{1,9}$/.test(ref) ? cards[Number(ref)] : undefined
}

export const replaceAt = (document: Document, position: number, node: Node): Document =>
  document.map((block, at) => (at === position ? node : block))

export const removeAt = (document: Document, position: number): Document => document.filter((_, at) => at !== position)

/** The card with new content; folios and tags replaced only when given, every other attribute kept. */
export const rewriteCard = (
  card: Node,
  change: {
    readonly content: Document
    readonly folios?: ReadonlyArray<string> | undefined
    readonly tags?: ReadonlyArray<string> | undefined
  }
): Node => ({
  ...card,
  attrs: {
    ...card.attrs,
    ...(change.folios === undefined ? {} : { folios: JSON.stringify(change.folios) }),
    ...(change.tags === undefined ? {} : { tags: JSON.stringify(change.tags) })
  },
  content: change.content
})
