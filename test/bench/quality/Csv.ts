// A small RFC 4180 CSV reader (quoted fields, doubled quotes, line breaks inside quotes), enough for the SciFact
// CSVs, giving each row as an object keyed by the header.

const parseRows = (text: string): Array<Array<string>> => {
  const rows: Array<Array<string>> = []
  let row: Array<string> = []
  let field = ""
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ",") {
      row.push(field)
      field = ""
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++
      row.push(field)
      rows.push(row)
      row = []
      field = ""
    } else field += c
  }
  if (field !== "" || row.length > 0) {
    row.push(field)
    rows.push(row)
  }
  return rows
}

/** The rows after the header, as header name to value; fails on a row whose field count differs from the header's. */
export const readCsv = (text: string): Array<Record<string, string>> => {
  const [header, ...rows] = parseRows(text.replace(/^\uFEFF/, ""))
  if (header === undefined) return []
  return rows
    .filter((row) => !(row.length === 1 && row[0] === ""))
    .map((row, i) => {
      if (row.length !== header.length) {
        throw new Error(`CSV row ${i + 2} has ${row.length} fields, the header ${header.length}`)
      }
      return Object.fromEntries(header.map((name, j) => [name, row[j]!]))
    })
}
