// SciFact in BEIR form, read from the allenai CSVs in a git-ignored cache (test/bench/.cache/scifact/): the corpus
// (corpus_train.csv, 5,183 abstracts, despite its name the whole corpus) and BEIR's test split (claims_validation.csv:
// 300 claims, each relevant to the documents in its cited_doc_ids). Never committed; fetched into the cache from a
// local git mirror of sumithra-p-v/claimverifier (data/scifact.zip) when one is there.
import { execFileSync } from "node:child_process"
import * as crypto from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import { readCsv } from "./Csv"
import { unzip } from "./Zip"

export interface Document {
  readonly id: string
  readonly title: string
  readonly text: string
}

export interface Query {
  readonly id: string
  readonly text: string
  /** Relevant document ids, each of grade 1. */
  readonly relevant: ReadonlyArray<string>
}

export const CORPUS_FILE = "corpus_train.csv"
export const CLAIMS_FILE = "claims_validation.csv"
const ARCHIVE = "scifact.zip"
/** Where the fetch tool leaves its bare mirror of the repository holding data/scifact.zip. */
const DEFAULT_MIRROR = "/work/.mirror/sumithra-p-v+claimverifier/repo"

export class DataMissing extends Error {}

const howToGet = (dir: string) =>
  [
    `SciFact is not in ${dir}. To get it:`,
    `  - take data/scifact.zip from the public git repository sumithra-p-v/claimverifier (it holds the allenai/scifact`,
    `    CSVs) and put it at ${path.join(dir, ARCHIVE)}, or unzip its ${CORPUS_FILE} and ${CLAIMS_FILE} there; or`,
    `  - point SCIFACT_GIT_DIR at a (bare) clone of that repository; the harness copies the archive from it.`,
    `The directory is git-ignored: never commit the data.`
  ].join("\n")

/** Makes sure the two CSVs are in `dir`: already there, unpacked from scifact.zip there, or from a git mirror. */
export const ensureData = (dir: string): { readonly origin: string } => {
  const have = () => fs.existsSync(path.join(dir, CORPUS_FILE)) && fs.existsSync(path.join(dir, CLAIMS_FILE))
  if (have()) return { origin: "cache" }
  fs.mkdirSync(dir, { recursive: true })
  let origin = `${ARCHIVE} in the cache`
  let archive = fs.existsSync(path.join(dir, ARCHIVE)) ? fs.readFileSync(path.join(dir, ARCHIVE)) : undefined
  const mirror = process.env.SCIFACT_GIT_DIR ?? DEFAULT_MIRROR
  if (archive === undefined && fs.existsSync(mirror)) {
    archive = execFileSync("git", ["--git-dir", mirror, "show", `HEAD:data/${ARCHIVE}`], {
      maxBuffer: 64 * 1024 * 1024
    })
    origin = `data/${ARCHIVE} of the git mirror ${mirror}`
  }
  if (archive === undefined) throw new DataMissing(howToGet(dir))
  const files = unzip(archive)
  for (const name of [CORPUS_FILE, CLAIMS_FILE]) {
    const entry = [...files].find(([entryName]) => path.basename(entryName) === name)
    if (entry === undefined) throw new DataMissing(`${ARCHIVE} holds no ${name}\n${howToGet(dir)}`)
    fs.writeFileSync(path.join(dir, name), entry[1])
  }
  return { origin }
}

/** SHA-256 (first 12 hex digits) of a file: recorded with each run so figures name the exact data. */
export const fingerprint = (file: string) =>
  crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex").slice(0, 12)

const PY_ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", "'": "'", '"': '"', "\\": "\\" }

/** Undoes Python's string escapes (\n, \', \\, \xHH, \uHHHH) in one quoted element of the abstract column. */
const unescapePython = (text: string) =>
  text.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)/g, (whole, code: string) =>
    code.length > 1 ? String.fromCharCode(parseInt(code.slice(1), 16)) : (PY_ESCAPES[code] ?? whole)
  )

const SENTENCE = /'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|(\s+)|([\s\S])/g

/**
 * The abstract column is the printed form of an array of sentences, `['First.' 'Second.']` (each quoted with ' or ",
 * Python escapes inside). BEIR's text is the sentences joined by spaces.
 */
export const abstractText = (column: string): string => {
  if (!column.startsWith("[") || !column.endsWith("]")) throw new Error(`unexpected abstract: ${column.slice(0, 40)}`)
  const sentences: Array<string> = []
  for (const match of column.slice(1, -1).matchAll(SENTENCE)) {
    if (match[4] !== undefined) throw new Error(`unexpected abstract: ${column.slice(0, 40)}`)
    const quoted = match[1] ?? match[2]
    if (quoted !== undefined) sentences.push(unescapePython(quoted).trim())
  }
  return sentences.filter((sentence) => sentence !== "").join(" ")
}

export const readCorpus = (dir: string): Array<Document> =>
  readCsv(fs.readFileSync(path.join(dir, CORPUS_FILE), "utf8")).map((row) => ({
    id: row.doc_id!,
    title: row.title!.trim(),
    text: abstractText(row.abstract!)
  }))

/**
 * BEIR's SciFact test split: the claims of claims_validation.csv (one row per claim and evidence document, so a claim
 * can repeat), in order of first appearance, each relevant to the union of its rows' cited_doc_ids.
 */
export const readClaims = (dir: string): Array<Query> => {
  const claims = new Map<string, { text: string; relevant: Set<string> }>()
  for (const row of readCsv(fs.readFileSync(path.join(dir, CLAIMS_FILE), "utf8"))) {
    const claim = claims.get(row.id!) ?? { text: row.claim!, relevant: new Set<string>() }
    for (const id of row.cited_doc_ids!.replace(/[[\]]/g, " ").split(/[\s,]+/)) if (id !== "") claim.relevant.add(id)
    claims.set(row.id!, claim)
  }
  return [...claims].map(([id, claim]) => ({ id, text: claim.text, relevant: [...claim.relevant] }))
}
