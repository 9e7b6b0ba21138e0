// carabase_route_and_execute's choice of search, deterministic:
//   1. graph    - the query asks how things relate ("related to", "connected", "relationship", "who knows",
//                 "works with", "linked", "between ... and ...") and names a known entity;
//   2. metadata - the query is about when or where something was logged: an ISO date (2026-03-01), "today",
//                 "yesterday", "last week/month", a month name, "in folio X" / "folio:X", or a #tag;
//   3. semantic - everything else (hybrid full-text + vector search).
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
