// Splits text into overlapping chunks of about `size` characters, cutting at paragraph, then sentence, then word
// boundaries, and starting each chunk with the last `overlap` characters (whole words) of the one before, so a
// phrase that straddles a cut is still found whole in one chunk.

export interface ChunkOptions {
  readonly size: number
  readonly overlap: number
}

export const DEFAULT_CHUNKING: ChunkOptions = { size: 800, overlap: 100 }

const normalise = (text: string) =>
  text
    .replace(/\r\n?/g, "\n")
    .replace(/[ \t\f\v]+/g, " ")
    .replace(/ *\n */g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim()

/** Cuts a piece longer than `size` at the last whitespace before the limit (or hard, for one enormous word). */
const splitHard = (piece: string, size: number): Array<string> => {
  const out: Array<string> = []
  let rest = piece
  while (rest.length > size) {
    let cut = rest.lastIndexOf(" ", size)
    if (cut < size / 2) cut = size
    out.push(rest.slice(0, cut).trim())
    rest = rest.slice(cut).trim()
  }
  if (rest !== "") out.push(rest)
  return out
}

/** Units no longer than `size`: paragraphs, else their sentences, else word-bounded slices. */
const units = (text: string, size: number): Array<{ readonly text: string; readonly joiner: string }> =>
  text.split(/\n\n/).flatMap((paragraph) => {
    if (paragraph.length <= size) return [{ text: paragraph, joiner: "\n\n" }]
    return paragraph
      .split(/(?<=[.!?;:])\s+|\n/)
      .flatMap((sentence) => (sentence.length <= size ? [sentence] : splitHard(sentence, size)))
      .map((piece, index) => ({ text: piece, joiner: index === 0 ? "\n\n" : " " }))
  })

/** The last `overlap` characters of `chunk`, starting at a word. */
const tail = (chunk: string, overlap: number): string => {
  if (overlap <= 0) return ""
  const start = chunk.indexOf(" ", chunk.length - overlap)
  return start === -1 ? "" : chunk.slice(start + 1)
}

export const chunkText = (text: string, options: ChunkOptions = DEFAULT_CHUNKING): Array<string> => {
  const clean = normalise(text)
  if (clean === "") return []
  if (clean.length <= options.size) return [clean]
  const chunks: Array<string> = []
  let current = ""
  for (const unit of units(clean, options.size)) {
    if (current !== "" && current.length + unit.joiner.length + unit.text.length > options.size) {
      chunks.push(current)
      const carried = tail(current, options.overlap)
      current = carried === "" ? unit.text : `${carried} ${unit.text}`
    } else {
      current = current === "" ? unit.text : `${current}${unit.joiner}${unit.text}`
    }
  }
  if (current !== "") chunks.push(current)
  return chunks
}
