// A tool answer with more than its JSON: `carabase://artifact/<id>` resource links to the artifacts it found (read on
// demand with resources/read), and the Doctor-RAG trailer (`[hint: …]` / `[trace: …]` lines) its text ends with when
// it found nothing. The MCP session turns it into content blocks; the JSON stays the structured content.

export const ARTIFACT_URI_PREFIX = "carabase://artifact/"

export const artifactUri = (id: string) => `${ARTIFACT_URI_PREFIX}${id}`

export interface ArtifactLink {
  readonly id: string
  readonly title: string
}

export class ToolReply {
  readonly _tag = "ToolReply"
  constructor(
    readonly value: Record<string, unknown>,
    readonly links: ReadonlyArray<ArtifactLink> = [],
    /** Lines after the JSON, in order: a sentence saying what was empty, then `[hint: …]` and `[trace: …]`. */
    readonly trailer: ReadonlyArray<string> = []
  ) {}
}

/** Resource links for the artifact hits among `hits` (any other kind of hit has no resource), each once. */
export const artifactLinks = (
  hits: ReadonlyArray<{ readonly id: string; readonly kind: string; readonly title: string }>
): Array<ArtifactLink> => {
  const seen = new Set<string>()
  return hits.flatMap((hit) => {
    if (hit.kind !== "artifact" || seen.has(hit.id)) return []
    seen.add(hit.id)
    return [{ id: hit.id, title: hit.title }]
  })
}
