// The offline tier of entity extraction: deterministic, no model, always run. From one place of a source (a note's
// top-level block, another source's chunk) it reads
//   - explicit `[[links]]` (any type once known, else a topic),
//   - `@mentions`: mention nodes and `@name` in text (people),
//   - `#tags`: the card's tags, tag nodes and `#tag` in text (topics),
//   - the folios the card names, in its attributes or as folio nodes (projects),
//   - names of known entities and their aliases, and capitalised multi-word names resolved against them.
// Every name is resolved against the known entities (by name or alias, ignoring case, spacing and accents; an alias
// entity counts as its canonical). A name that resolves to nothing but looks like a known entity (initials, a first or
// last name alone, a near spelling) is a look-alike: curation asks the owner rather than a new entity being made.
// Capitalised names that resolve to nothing are left alone: a sentence's first word is not an entity.
import { hashingEmbedding } from "../embeddings/Embedder"
import { fold, matchesByInitials } from "../curation/AliasMatching"
import type { Node } from "../notes/Document"
import { logCardMeta, normalizeTag } from "../notes/LogCard"
import type { EntityType } from "./GraphApi"

export interface KnownEntity {
  readonly id: string
  readonly name: string
  readonly type: EntityType
  readonly aliases: ReadonlyArray<string>
  readonly canonicalId: string | null
}

/** One place of a source, as the extractor reads it. */
export interface Passage {
  /** A note's block index or a chunk's ordinal. */
  readonly place: number
  readonly text: string
  readonly mentions?: ReadonlyArray<string> | undefined
  readonly tags?: ReadonlyArray<string> | undefined
  readonly folios?: ReadonlyArray<string> | undefined
}

export type How = "link" | "mention" | "tag" | "folio" | "name"

export type Resolution =
  | { readonly _tag: "Known"; readonly id: string }
  | { readonly _tag: "New" }
  | {
      readonly _tag: "LookAlike"
      readonly id: string
      readonly entityName: string
      readonly reason: LookAlikeReason
      readonly score: number
    }

export type LookAlikeReason = "initials" | "partial" | "similar"

export interface Found {
  readonly place: number
  /** The words as written. */
  readonly surface: string
  /** The name an entity made of it would have. */
  readonly name: string
  readonly type: EntityType
  readonly how: How
  readonly confidence: number
  readonly resolution: Resolution
}

const CONFIDENCE: Record<How, number> = { link: 1, folio: 1, tag: 1, mention: 0.95, name: 0.9 }
/** When one entity is found several ways in one place, the surest way is kept. */
const RANK: Record<How, number> = { link: 0, mention: 1, folio: 2, tag: 3, name: 4 }

const SIMILAR = 0.92

/** The text of a node's inline content with mention nodes left out (they are read structurally), and its mentions. */
export const passageOfBlock = (node: Node, place: number): Passage => {
  const mentions: Array<string> = []
  const tags: Array<string> = []
  const folios: Array<string> = []
  const parts: Array<string> = []
  const label = (child: Node) => {
    for (const key of ["label", "name", "id"]) {
      const value = child.attrs?.[key]
      if (typeof value === "string" && value.trim() !== "") return value.trim()
    }
    return ""
  }
  const walk = (child: Node) => {
    switch (child.type) {
      case "text":
        parts.push(child.text ?? "")
        return
      case "hardBreak":
        parts.push("\n")
        return
      case "mention":
        mentions.push(label(child))
        parts.push(" ")
        return
      case "tagMention":
        tags.push(label(child))
        parts.push(" ")
        return
      case "folioMention":
        folios.push(label(child))
        parts.push(" ")
        return
      default:
        for (const grandchild of child.content ?? []) walk(grandchild)
        // Blocks end a sentence: names do not run across them.
        if (child.content !== undefined) parts.push("\n")
    }
  }
  walk(node)
  if (node.type === "logCard") {
    const meta = logCardMeta(node)
    tags.push(...meta.tags)
    folios.push(...meta.folios)
  }
  return {
    place,
    text: parts.join(""),
    mentions: mentions.filter((each) => each !== ""),
    tags: tags.filter((each) => each !== ""),
    folios: folios.filter((each) => each !== "")
  }
}

const LINK = /\[\[([^\][\n]+?)\]\]/g
// Not an e-mail address or a handle inside a word: `@` after a letter, digit, dot or `@` is not a mention.
const MENTION = /(?<![\p{L}\p{N}_.@])@([\p{L}][\p{L}\p{N}_-]*(?:\.[\p{L}\p{N}_-]+)*)/gu
const TAG = /(?<![\p{L}\p{N}_&#/])#([\p{L}_][\p{L}\p{N}_/-]*)/gu
/** A capitalised word, an initial (`A.`) or a joining particle inside a name. */
const NAME_RUN =
  /\p{Lu}[\p{L}\p{M}'’-]*\.?(?:[ \t]+(?:\p{Lu}[\p{L}\p{M}'’-]*\.?|(?:de|van|von|der|da|di|la|le|del|of)(?=[ \t]+\p{Lu})))*/gu

const displayName = (handle: string) => handle.replace(/[_]+/g, " ").trim()

const isEntityAlias = (known: KnownEntity) => known.canonicalId !== null

/** An index of the known entities by their folded names and aliases; an alias entity stands for its canonical. */
export class Lexicon {
  private readonly byName = new Map<string, KnownEntity>()
  private readonly byId = new Map<string, KnownEntity>()
  private readonly vectors = new Map<string, ReadonlyArray<number>>()
  /** Folded names and aliases found as whole words in text, longest first. */
  readonly phrases: ReadonlyArray<{ readonly folded: string; readonly entity: KnownEntity; readonly written: string }>

  constructor(readonly entities: ReadonlyArray<KnownEntity>) {
    for (const entity of entities) this.byId.set(entity.id, entity)
    const phrases: Array<{ folded: string; entity: KnownEntity; written: string }> = []
    // Canonical entities first, so a name both hold resolves to the canonical one.
    const ordered = [...entities].sort((a, b) => Number(isEntityAlias(a)) - Number(isEntityAlias(b)))
    for (const entity of ordered) {
      const target = this.canonical(entity)
      for (const written of [entity.name, ...entity.aliases]) {
        const folded = fold(written)
        if (folded === "" || this.byName.has(folded)) continue
        this.byName.set(folded, target)
        if (folded.length >= 3) phrases.push({ folded, entity: target, written })
      }
    }
    this.phrases = phrases.sort((a, b) => b.folded.length - a.folded.length || a.folded.localeCompare(b.folded))
  }

  canonical(entity: KnownEntity): KnownEntity {
    let current = entity
    const seen = new Set<string>()
    while (current.canonicalId !== null && !seen.has(current.id)) {
      seen.add(current.id)
      const next = this.byId.get(current.canonicalId)
      if (next === undefined) break
      current = next
    }
    return current
  }

  find(name: string): KnownEntity | undefined {
    return this.byName.get(fold(name))
  }

  private vector(entity: KnownEntity) {
    const cached = this.vectors.get(entity.id)
    if (cached !== undefined) return cached
    const made = hashingEmbedding(fold(entity.name))
    this.vectors.set(entity.id, made)
    return made
  }

  /** The known entity a new name most looks like, if any (only among entities of a compatible type). */
  lookAlike(
    name: string,
    type: EntityType | undefined
  ): { entity: KnownEntity; reason: LookAlikeReason; score: number } | undefined {
    const words = fold(name).split(" ").filter(Boolean)
    if (words.length === 0) return undefined
    const vector = hashingEmbedding(fold(name))
    let best: { entity: KnownEntity; reason: LookAlikeReason; score: number } | undefined
    for (const entity of this.entities) {
      if (isEntityAlias(entity)) continue
      if (type !== undefined && entity.type !== type) continue
      const theirs = fold(entity.name).split(" ").filter(Boolean)
      let found: { reason: LookAlikeReason; score: number } | undefined
      if (matchesByInitials(name, entity.name)) found = { reason: "initials", score: 0.8 }
      else if (
        entity.type === "person" &&
        words.length === 1 &&
        theirs.length > 1 &&
        words[0]!.length >= 3 &&
        (theirs[0] === words[0] || theirs.at(-1) === words[0])
      )
        found = { reason: "partial", score: 0.6 }
      else if (words.some((word) => theirs.includes(word))) {
        const their = this.vector(entity)
        const similarity = vector.reduce((sum, value, i) => sum + value * their[i]!, 0)
        if (similarity >= SIMILAR) found = { reason: "similar", score: Math.round(similarity * 1000) / 1000 }
      }
      if (found !== undefined && (best === undefined || found.score > best.score)) best = { entity, ...found }
    }
    return best
  }
}

/** Extracts what one passage names; each entity (or new name) once, found the surest way. */
export const extractPassage = (passage: Passage, lexicon: Lexicon): ReadonlyArray<Found> => {
  const found: Array<Found> = []
  const resolve = (name: string, type: EntityType | undefined): Resolution => {
    const known = lexicon.find(name)
    if (known !== undefined) return { _tag: "Known", id: known.id }
    const like = lexicon.lookAlike(name, type)
    if (like !== undefined) {
      return {
        _tag: "LookAlike",
        id: like.entity.id,
        entityName: like.entity.name,
        reason: like.reason,
        score: like.score
      }
    }
    return { _tag: "New" }
  }
  const add = (how: How, surface: string, name: string, type: EntityType, lookAlikeType?: EntityType) => {
    const trimmed = name.trim()
    if (fold(trimmed) === "" || trimmed.length > 200) return
    const resolution = resolve(trimmed, lookAlikeType)
    const entity = resolution._tag === "Known" ? lexicon.entities.find((each) => each.id === resolution.id) : undefined
    found.push({
      place: passage.place,
      surface: surface.trim().slice(0, 500),
      name: entity?.name ?? trimmed,
      type: entity?.type ?? type,
      how,
      confidence: CONFIDENCE[how],
      resolution
    })
  }

  const text = passage.text
  // Links first: what they hold is not read again as a name.
  let rest = text
  for (const match of text.matchAll(LINK)) {
    const target = match[1]!.split("|")[0]!.split("#")[0]!.trim()
    if (target !== "") add("link", match[0], target, "topic")
    rest = rest.replace(match[0], " ".repeat(match[0].length))
  }
  for (const label of passage.mentions ?? [])
    add("mention", `@${label}`, displayName(label.replace(/^@/, "")), "person", "person")
  for (const match of rest.matchAll(MENTION)) {
    const handle = match[1]!.replace(/[.-]+$/, "")
    add("mention", `@${handle}`, displayName(handle), "person", "person")
  }
  const tags = [...(passage.tags ?? []), ...[...rest.matchAll(TAG)].map((match) => match[1]!)]
  for (const tag of tags) {
    const name = normalizeTag(tag)
    // A tag is not a number alone (`#1` is an issue or a list position).
    if (name !== "" && !/^\d+$/.test(name)) add("tag", `#${name}`, name, "topic")
  }
  for (const folio of passage.folios ?? []) add("folio", folio, folio, "project")

  // Known names and aliases as whole words.
  const withoutMarks = rest
    .replace(MENTION, (all) => " ".repeat(all.length))
    .replace(TAG, (all) => " ".repeat(all.length))
  const plain = ` ${fold(withoutMarks)} `
  const taken: Array<string> = []
  for (const phrase of lexicon.phrases) {
    if (!plain.includes(` ${phrase.folded} `)) continue
    if (taken.some((longer) => ` ${longer} `.includes(` ${phrase.folded} `))) continue
    if (!phrase.folded.includes(" ")) {
      // One word: a proper name ("Atlas") only where written with its capital, a lowercase one only when it is no
      // ordinary word ("k8s"); a tag's topic ("planning") is not read into every sentence that uses the word.
      if (
        /^\p{Lu}/u.test(phrase.written) ? !capitalisedIn(withoutMarks, phrase.folded) : !/\p{N}/u.test(phrase.written)
      )
        continue
    }
    taken.push(phrase.folded)
    add("name", phrase.written, phrase.entity.name, phrase.entity.type)
  }
  // Capitalised multi-word names not known: only a look-alike of a known entity is worth the owner's look.
  for (const match of withoutMarks.matchAll(NAME_RUN)) {
    const words = match[0].split(/[ \t]+/)
    for (const span of spansOf(words)) {
      const candidate = span.join(" ")
      const folded = fold(candidate)
      if (taken.some((known) => ` ${known} `.includes(` ${folded} `) || ` ${folded} `.includes(` ${known} `))) break
      const like = lexicon.lookAlike(candidate, undefined)
      if (like === undefined || like.reason === "partial") continue
      taken.push(folded)
      add("name", candidate, candidate, like.entity.type)
      break
    }
  }

  const best = new Map<string, Found>()
  for (const each of found) {
    const key = each.resolution._tag === "Known" ? `id:${each.resolution.id}` : `new:${each.type}:${fold(each.name)}`
    const before = best.get(key)
    if (before === undefined || RANK[each.how] < RANK[before.how]) best.set(key, each)
  }
  return [...best.values()]
}

/** Whether a one-word name appears in the text starting with a capital letter (so "atlas" the word is not Atlas). */
const capitalisedIn = (text: string, folded: string) =>
  text.split(/[^\p{L}\p{N}]+/u).some((word) => fold(word) === folded && /^\p{Lu}/u.test(word.normalize("NFKD")))

/** Spans of two or more words of a capitalised run, longest first, then leftmost. */
const spansOf = (words: ReadonlyArray<string>): Array<ReadonlyArray<string>> => {
  const spans: Array<ReadonlyArray<string>> = []
  for (let length = Math.min(words.length, 4); length >= 2; length--) {
    for (let start = 0; start + length <= words.length; start++) spans.push(words.slice(start, start + length))
  }
  return spans
}

/** Pairs of distinct entities found in one place, in the order first found. */
export const pairsOf = <A>(items: ReadonlyArray<A>): Array<readonly [A, A]> => {
  const pairs: Array<readonly [A, A]> = []
  for (let i = 0; i < items.length; i++) for (let j = i + 1; j < items.length; j++) pairs.push([items[i]!, items[j]!])
  return pairs
}
