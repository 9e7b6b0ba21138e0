// carabase_route_and_execute's choice of search, deterministic (and the filter the metadata route reads from a query):
//   1. graph    - the query asks how things relate ("related to", "connected", "relationship", "who knows",
//                 "works with", "linked", "between ... and ...") and names a known entity;
//   2. metadata - the query is about when or where something was logged: an ISO date (2026-03-01), "today",
//                 "yesterday", "last week/month", a month name, "in folio X" / "folio:X", or a #tag;
//   3. semantic - everything else (hybrid full-text + vector search).
import { localDate, type NoteDate } from "../notes/NoteDate"
import type { LogEntryFilter } from "./LogEntries"

export type Route = "graph" | "metadata" | "semantic"

const RELATION =
  /\b(related to|relat(ed|ion|ionship)s?|connect(ed|ion|ions)?|who knows|knows|works with|linked|link between|between .+ and .+)\b/i
const TIME =
  /\b(\d{4}-\d{2}-\d{2}|today|yesterday|last (week|month|year)|this (week|month|year)|january|february|march|april|may|june|july|august|september|october|november|december)\b/i
const FOLIO = /\b(in folio|folio:)\s*\S+/i
const TAG = /(^|\s)#[\p{L}\p{N}_-]+/u

export const routeQuery = (query: string, knownEntity: boolean): Route => {
  if (knownEntity && RELATION.test(query)) return "graph"
  if (TIME.test(query) || FOLIO.test(query) || TAG.test(query)) return "metadata"
  return "semantic"
}

export const ROUTING_RULE =
  "graph when the query asks how things relate and names a known entity; metadata when it names a date, a period, " +
  "a folio or a #tag; otherwise semantic (hybrid full-text + vector) search"

/** What the metadata route can read from a free-text query: a date or a relative period, a folio, a #tag. */
export const metadataFromQuery = (query: string, now = Date.now()): Omit<LogEntryFilter, "entity" | "limit"> => {
  const date = /\b(\d{4}-\d{2}-\d{2})\b/.exec(query)?.[1]
  const folio = /\b(?:in folio|folio:)\s*([^\s,.;]+)/i.exec(query)?.[1]
  const tag = /(?:^|\s)#([\p{L}\p{N}_-]+)/u.exec(query)?.[1]
  const relative = /\b(today|yesterday|last week|this week|last month|this month)\b/i.exec(query)?.[1]?.toLowerCase()
  // Relative periods are host-local days, like the notes they select.
  const day = (offset: number) => localDate(now - offset * 86_400_000)
  const span: Record<string, [number, number]> = {
    today: [0, 0],
    yesterday: [1, 1],
    "this week": [6, 0],
    "last week": [13, 7],
    "this month": [30, 0],
    "last month": [60, 30]
  }
  const range = relative === undefined ? undefined : span[relative]
  return {
    ...(date !== undefined ? { from: date as NoteDate, to: date as NoteDate } : {}),
    ...(range !== undefined ? { from: day(range[0]), to: day(range[1]) } : {}),
    ...(folio !== undefined ? { folio } : {}),
    ...(tag !== undefined ? { tag } : {})
  }
}
