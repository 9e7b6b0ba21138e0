// Parses dotenv-style files: KEY=value lines, optional `export `, quotes, comments. Nothing is ever evaluated.
const LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)?\s*$/

const unquote = (raw: string): string => {
  const value = raw.trim()
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    return value.slice(1, -1).replace(/\\n/g, "\n").replace(/\\"/g, '"').replace(/\\\\/g, "\\")
  }
  if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) {
    return value.slice(1, -1)
  }
  const comment = value.search(/\s#/)
  return (comment === -1 ? value : value.slice(0, comment)).trim()
}

export const parseEnvFile = (text: string): Map<string, string> => {
  const entries = new Map<string, string>()
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === "" || line.trimStart().startsWith("#")) continue
    const match = LINE.exec(line)
    if (match === null) continue
    entries.set(match[1]!, unquote(match[2] ?? ""))
  }
  return entries
}

/** Renders one assignment so that parseEnvFile reads back exactly `value`. */
export const formatEnvValue = (value: string): string =>
  /^[A-Za-z0-9_./:@+=,-]*$/.test(value)
    ? value
    : `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`
