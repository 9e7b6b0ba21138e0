// The Doctor-RAG trailers the canonical retrieval tools end an empty or failed answer with, in the shapes the
// published carabase-knowledge skill documents (semanticNoResults, metadataNoResults, graphUnknownEntity,
// candidatesNoResults): a sentence saying what came back empty, a `[hint: …]` naming the next tool to call, and a
// `[trace: …]` saying what was searched.

const q = (text: string) => JSON.stringify(text)

export const semanticNoResults = (query: string) => [
  `No results found for ${q(query)}.`,
  `[hint: Semantic search hit zero. Try (1) dropping adjectives and re-querying, (2) calling \`carabase_route_and_execute\` with the same query, (3) \`carabase_find_entity_candidates\` if ${q(query)} is meant as a person name.]`,
  `[trace: searched semantic for ${q(query)} → 0 hits]`
]

export const metadataNoResults = (filters: Record<string, unknown>) => {
  const given = Object.entries(filters).filter(([, value]) => value !== undefined)
  const described =
    given.length === 0 ? "no filters" : given.map(([key, value]) => `${key}=${q(String(value))}`).join(", ")
  return [
    `No log entries matched ${described}.`,
    "[hint: Metadata query matched zero entries. Try (1) loosening the filters, (2) widening the date window (`date_after` / `date_before`), (3) dropping a tag, or (4) calling `carabase_search_semantic` with the words you are after.]",
    `[trace: queried metadata with ${described} → 0 entries]`
  ]
}

export const graphUnknownEntity = (name: string, candidates: ReadonlyArray<string>) => [
  candidates.length === 0
    ? `No entity matching ${q(name)} in the knowledge graph.`
    : `No entity matching ${q(name)} in the knowledge graph; candidates: ${candidates.map(q).join(", ")}.`,
  `[hint: Unknown entity. Call \`carabase_find_entity_candidates\` with name ${q(name)} to resolve it, then call \`carabase_search_graph\` again with the resolved name${candidates.length === 0 ? "" : " (or one of the candidates above)"}.]`,
  `[trace: searched graph for ${q(name)} → unknown entity]`
]

export const candidatesNoResults = (name: string) => [
  `No entity candidates for ${q(name)}.`,
  `[hint: Entity resolution found nothing. Try (1) a substring or an alias of the name, (2) \`carabase_search_semantic\` with ${q(name)}.]`,
  `[trace: resolved entity candidates for ${q(name)} by exact name, alias and substring → 0 candidates]`
]
