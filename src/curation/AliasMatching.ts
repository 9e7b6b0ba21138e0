// Deterministic alias-merge proposals for corpus curation. Two entities of the same type are proposed as one when:
//   1. their names are equal once case, spacing, punctuation and accents are folded away ("Alice Chen", "alice  chen");
//   2. one's name equals one of the other's aliases, folded the same way;
//   3. they match by initials: same number of words, same last word, and every other word equal or an initial of
//      the other ("A. Chen", "Alice Chen");
//   4. their names' embeddings are nearly identical (cosine >= 0.92) and they share a word.
// The canonical side is the entity with more edges, then the fuller name, then the older one. Nothing is merged here.
import { hashingEmbedding } from "../embeddings/Embedder"

export interface Candidate {
  readonly id: string
  readonly name: string
  readonly type: string
  readonly aliases: ReadonlyArray<string>
  readonly canonicalId: string | null
  readonly edgeCount: number
  readonly createdAt: number
}

export interface Proposal {
  readonly canonicalId: string
  readonly aliasId: string
  readonly canonicalName: string
  readonly aliasName: string
  readonly reason: "same-name" | "alias" | "initials" | "similar"
  readonly score: number
  /** Order-free key of the pair, so a pair is proposed once however often curation runs. */
  readonly pair: string
}

export const fold = (text: string): string =>
  text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim()

const words = (text: string) =>
  fold(text)
    .split(" ")
    .filter((word) => word !== "")

export const matchesByInitials = (a: string, b: string): boolean => {
  const left = words(a)
  const right = words(b)
  if (left.length < 2 || left.length !== right.length || left.at(-1) !== right.at(-1)) return false
  let usedInitial = false
  for (let i = 0; i < left.length - 1; i++) {
    const x = left[i]!
    const y = right[i]!
    if (x === y) continue
    if ((x.length === 1 && y.startsWith(x)) || (y.length === 1 && x.startsWith(y))) {
      usedInitial = true
      continue
    }
    return false
  }
  return usedInitial
}

const cosine = (a: ReadonlyArray<number>, b: ReadonlyArray<number>) =>
  a.reduce((sum, value, i) => sum + value * b[i]!, 0)

const SIMILAR = 0.92

const prefer = (a: Candidate, b: Candidate): [Candidate, Candidate] => {
  if (a.edgeCount !== b.edgeCount) return a.edgeCount > b.edgeCount ? [a, b] : [b, a]
  if (fold(a.name).length !== fold(b.name).length) return fold(a.name).length > fold(b.name).length ? [a, b] : [b, a]
  return a.createdAt <= b.createdAt ? [a, b] : [b, a]
}

export const proposeMerges = (entities: ReadonlyArray<Candidate>): ReadonlyArray<Proposal> => {
  const proposals = new Map<string, Proposal>()
  const linked = (a: Candidate, b: Candidate) => a.canonicalId === b.id || b.canonicalId === a.id
  const byWord = new Map<string, Array<Candidate>>()
  for (const entity of entities) {
    for (const word of new Set([...words(entity.name), ...entity.aliases.flatMap(words)])) {
      const bucket = byWord.get(word) ?? []
      bucket.push(entity)
      byWord.set(word, bucket)
    }
  }
  const vectors = new Map(entities.map((entity) => [entity.id, hashingEmbedding(fold(entity.name))]))
  const consider = (a: Candidate, b: Candidate) => {
    if (a.id === b.id || a.type !== b.type || linked(a, b)) return
    const pair = [a.id, b.id].sort().join(":")
    if (proposals.has(pair)) return
    const [canonical, alias] = prefer(a, b)
    const make = (reason: Proposal["reason"], score: number): Proposal => ({
      canonicalId: canonical.id,
      aliasId: alias.id,
      canonicalName: canonical.name,
      aliasName: alias.name,
      reason,
      score: Math.round(score * 1000) / 1000,
      pair
    })
    if (fold(a.name) === fold(b.name)) return proposals.set(pair, make("same-name", 1))
    const aliasOf = (x: Candidate, y: Candidate) => x.aliases.some((alias) => fold(alias) === fold(y.name))
    if (aliasOf(a, b) || aliasOf(b, a)) return proposals.set(pair, make("alias", 0.95))
    if (matchesByInitials(a.name, b.name)) return proposals.set(pair, make("initials", 0.8))
    const similarity = cosine(vectors.get(a.id)!, vectors.get(b.id)!)
    if (similarity >= SIMILAR) proposals.set(pair, make("similar", similarity))
  }
  for (const bucket of byWord.values()) {
    for (let i = 0; i < bucket.length; i++) for (let j = i + 1; j < bucket.length; j++) consider(bucket[i]!, bucket[j]!)
  }
  return towardCanonical(entities, [...proposals.values()])
}

/**
 * Pairs chain into groups ("alice  chen" ~ "Alice Chen" ~ "A. Chen"): each group gets one canonical entity and every
 * other member is proposed as its alias, with the reason of its own best match, so the owner decides each once.
 */
const towardCanonical = (
  entities: ReadonlyArray<Candidate>,
  pairs: ReadonlyArray<Proposal>
): ReadonlyArray<Proposal> => {
  const byId = new Map(entities.map((entity) => [entity.id, entity]))
  const parent = new Map<string, string>()
  const root = (id: string): string => {
    const up = parent.get(id) ?? id
    if (up === id) return id
    const top = root(up)
    parent.set(id, top)
    return top
  }
  for (const pair of pairs) parent.set(root(pair.aliasId), root(pair.canonicalId))
  const groups = new Map<string, Array<Candidate>>()
  for (const pair of pairs) {
    for (const id of [pair.canonicalId, pair.aliasId]) {
      const group = groups.get(root(id)) ?? []
      if (!group.some((member) => member.id === id)) group.push(byId.get(id)!)
      groups.set(root(id), group)
    }
  }
  const result: Array<Proposal> = []
  for (const members of groups.values()) {
    const canonical = members.reduce((best, member) => prefer(best, member)[0])
    for (const member of members) {
      if (member.id === canonical.id) continue
      const own = pairs
        .filter((pair) => pair.aliasId === member.id || pair.canonicalId === member.id)
        .sort((x, y) => {
          const direct = (p: Proposal) => (p.aliasId === canonical.id || p.canonicalId === canonical.id ? 1 : 0)
          return direct(y) - direct(x) || y.score - x.score || x.pair.localeCompare(y.pair)
        })[0]!
      result.push({
        ...own,
        canonicalId: canonical.id,
        canonicalName: canonical.name,
        aliasId: member.id,
        aliasName: member.name,
        pair: [canonical.id, member.id].sort().join(":")
      })
    }
  }
  return result.sort((x, y) => y.score - x.score || x.pair.localeCompare(y.pair))
}
