// Tasks as they live in daily notes: every taskItem node is a task. A task's nodeIndex is the position of its taskItem
// among all taskItem nodes of that day's note, counted from 0 in document order (depth-first, a parent before its
// children, so a nested task comes right after the task that holds it). Its id is `YYYY-MM-DD:nodeIndex`. A task
// inside a logCard takes that card's timestamp, tags and folios (the innermost card when cards nest).
import type { Document, Node } from "../notes/Document"
import { logCardMeta, normalizeTag, type LogCardMeta } from "../notes/LogCard"
import type { NoteDate } from "../notes/NoteDate"
import { taskItemText } from "../notes/RenderText"

export interface TaskItem {
  readonly id: string
  readonly text: string
  readonly checked: boolean
  readonly date: NoteDate
  readonly folios: ReadonlyArray<string>
  readonly tags: ReadonlyArray<string>
  readonly timestamp: string | null
  readonly nodeIndex: number
}

export interface TaskFilter {
  readonly checked?: boolean | undefined
  readonly folio?: string | undefined
  readonly tag?: string | undefined
}

export const taskId = (date: NoteDate, nodeIndex: number): string => `${date}:${nodeIndex}`

const taskIdPattern = /^(\d{4}-\d{2}-\d{2}):(\d{1,9})$/

/** Splits a well-formed `YYYY-MM-DD:nodeIndex` (the API schema has checked it). */
export const parseTaskId = (id: string): { date: NoteDate; nodeIndex: number } | undefined => {
  const match = taskIdPattern.exec(id)
  return match === null ? undefined : { date: match[1]! as NoteDate, nodeIndex: Number(match[2]) }
}

export const isTaskId = (id: string): boolean => taskIdPattern.test(id)

const noCard: LogCardMeta = { timestamp: null, tags: [], folios: [] }

/** Every task of a note, in nodeIndex order. */
export const collectTasks = (date: NoteDate, document: Document): Array<TaskItem> => {
  const tasks: Array<TaskItem> = []
  const visit = (node: Node, card: LogCardMeta) => {
    const here = node.type === "logCard" ? logCardMeta(node) : card
    if (node.type === "taskItem") {
      const nodeIndex = tasks.length
      tasks.push({
        id: taskId(date, nodeIndex),
        text: taskItemText(node),
        checked: node.attrs?.checked === true,
        date,
        folios: here.folios,
        tags: here.tags,
        timestamp: here.timestamp,
        nodeIndex
      })
    }
    for (const child of node.content ?? []) visit(child, here)
  }
  for (const node of document) visit(node, noCard)
  return tasks
}

export const countTasks = (document: Document): number => collectTasks("0001-01-01" as NoteDate, document).length

/** The document with task `nodeIndex` set to `checked` (its other attributes kept), or undefined if there is none. */
export const setChecked = (document: Document, nodeIndex: number, checked: boolean): Document | undefined => {
  let seen = 0
  let found = false
  const visit = (node: Node): Node => {
    let next = node
    if (node.type === "taskItem") {
      if (seen++ === nodeIndex) {
        found = true
        next = { ...node, attrs: { ...node.attrs, checked } }
      }
    }
    if (found || node.content === undefined) return next
    const content = node.content.map(visit)
    return content.some((child, i) => child !== node.content![i]) ? { ...next, content } : next
  }
  const updated = document.map(visit)
  return found ? updated : undefined
}

const sameName = (a: string, b: string) => a.localeCompare(b, undefined, { sensitivity: "accent" }) === 0

export const matches = (task: TaskItem, filter: TaskFilter): boolean =>
  (filter.checked === undefined || task.checked === filter.checked) &&
  (filter.folio === undefined || task.folios.some((folio) => sameName(folio, filter.folio!.trim()))) &&
  (filter.tag === undefined || task.tags.some((tag) => sameName(tag, normalizeTag(filter.tag!))))

/** Unchecked first, then the newest day first, then document order. */
export const byListOrder = (a: TaskItem, b: TaskItem): number =>
  Number(a.checked) - Number(b.checked) || (a.date < b.date ? 1 : a.date > b.date ? -1 : 0) || a.nodeIndex - b.nodeIndex
