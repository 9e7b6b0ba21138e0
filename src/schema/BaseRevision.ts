// The revision a client's edit was based on, as it may send it: the `If-Match: "<revision>"` header or a
// `baseRevision` body field. A stale base is refused by the service (409, nothing written); no base keeps the old
// last-writer-wins behaviour. Imports only effect: the API declarations and the web UI bundle it.
import { Schema } from "effect"

export const BaseRevision = Schema.Int.pipe(
  Schema.greaterThanOrEqualTo(0),
  Schema.annotations({
    message: () => "baseRevision must be a whole number, 0 or more: the `revision` your copy was read at",
    description: "The revision the edit is based on; a stale one answers 409 and writes nothing"
  })
)

/** `"7"`, quotes optional, a weak `W/` prefix accepted. */
const ifMatchPattern = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/

/**
 * The one base of a request that may carry it twice: the If-Match header's value (raw, as received) or the body's
 * baseRevision, or both when they agree. `problem` says what to answer with a 400 otherwise.
 */
export const chooseBase = (
  ifMatch: string | undefined,
  body: number | null | undefined
): { readonly base: number | undefined } | { readonly problem: string } => {
  const fromBody = body ?? undefined
  if (ifMatch === undefined) return { base: fromBody }
  const match = ifMatchPattern.exec(ifMatch)
  if (match === null) {
    return { problem: 'If-Match must be the revision your copy was read at, in quotes: If-Match: "7"' }
  }
  const fromHeader = Number(match[1])
  if (fromBody !== undefined && fromBody !== fromHeader) {
    return {
      problem: `If-Match says revision ${fromHeader} but baseRevision says ${fromBody}: send the revision once, or the same in both`
    }
  }
  return { base: fromHeader }
}
