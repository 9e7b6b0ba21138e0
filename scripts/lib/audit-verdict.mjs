// What `pnpm audit --audit-level=high --json` found, from its output and exit code alone (pure: no process, no
// network), so scripts/audit-check.mjs can say it plainly and tests can feed it recorded outputs.
const SEVERE = ["critical", "high"]
const NO_SERVICE_STATUS = new Set(["404", "405", "501"])

const parseJson = (text) => {
  const start = text.indexOf("{")
  if (start === -1) return undefined
  try {
    const value = JSON.parse(text.slice(start))
    return typeof value === "object" && value !== null ? value : undefined
  } catch {
    return undefined
  }
}

const firstLine = (text) =>
  text
    .split("\n")
    .map((line) => line.trim())
    .find((line) => line !== "") ?? ""

/** The audit endpoint is missing (not merely failing): pnpm's error code and the HTTP status it quotes. */
const noService = (code, message) => {
  if (code === "ERR_PNPM_AUDIT_ENDPOINT_NOT_EXISTS") return { status: undefined }
  if (code !== "ERR_PNPM_AUDIT_BAD_RESPONSE") return undefined
  const statuses = [...message.matchAll(/responded with (\d{3})/g)].map((match) => match[1])
  return statuses.length > 0 && statuses.every((status) => NO_SERVICE_STATUS.has(status))
    ? { status: statuses[0] }
    : undefined
}

const notChecked = (code, message) => {
  const missing = noService(code, message)
  if (missing !== undefined) {
    const status = missing.status === undefined ? "" : ` (HTTP ${missing.status})`
    return {
      kind: "no-audit-service",
      exitCode: 0,
      lines: [
        `audit:check: not checked: this registry offers no audit service${status}; CI runs pnpm audit on pull requests and release tags`
      ]
    }
  }
  const status = /responded with (\d{3})/.exec(message)?.[1]
  return {
    kind: "not-checked",
    exitCode: 0,
    lines: [`audit:check: not checked: pnpm audit failed (${code}${status === undefined ? "" : `, HTTP ${status}`})`]
  }
}

const describeAdvisory = (advisory) => {
  const versions = advisory.vulnerable_versions ? ` ${advisory.vulnerable_versions}` : ""
  const patched = advisory.patched_versions ? `, fixed in ${advisory.patched_versions}` : ""
  const url = advisory.url ? ` ${advisory.url}` : ""
  return `  ${advisory.severity} ${advisory.module_name}${versions}: ${advisory.title}${patched}${url}`
}

/**
 * @param {{ stdout: string, stderr: string, exitCode: number | null }} run
 * @returns {{ kind: "clean" | "advisories" | "no-audit-service" | "not-checked", exitCode: 0 | 1, lines: string[] }}
 */
export const auditVerdict = ({ stdout, stderr, exitCode }) => {
  const report = parseJson(stdout)
  if (report !== undefined && typeof report.error === "object" && report.error !== null) {
    return notChecked(String(report.error.code ?? "unknown error"), String(report.error.message ?? ""))
  }
  if (report !== undefined && typeof report.advisories === "object" && report.advisories !== null) {
    const severe = Object.values(report.advisories)
      .filter((advisory) => SEVERE.includes(advisory?.severity))
      .sort((a, b) => SEVERE.indexOf(a.severity) - SEVERE.indexOf(b.severity))
    const counts = report.metadata?.vulnerabilities ?? {}
    const counted = (counts.critical ?? 0) + (counts.high ?? 0)
    if (severe.length > 0 || counted > 0) {
      const total = Math.max(severe.length, counted)
      return {
        kind: "advisories",
        exitCode: 1,
        lines: [
          `audit:check: ${total} high or critical advisor${total === 1 ? "y" : "ies"} in the locked dependencies:`,
          ...severe.map(describeAdvisory)
        ]
      }
    }
    const lower = ["moderate", "low", "info"].filter((level) => (counts[level] ?? 0) > 0)
    const below = lower.length === 0 ? "" : ` (below the bar: ${lower.map((l) => `${counts[l]} ${l}`).join(", ")})`
    return { kind: "clean", exitCode: 0, lines: [`audit:check: no high or critical advisories${below}`] }
  }
  // Without --json output (or from an older pnpm), the error is a line like " ERR_PNPM_AUDIT_BAD_RESPONSE  ...".
  const text = `${stdout}\n${stderr}`
  const code = /\b(ERR_PNPM_[A-Z_]+)\b/.exec(text)?.[1]
  if (code !== undefined) return notChecked(code, text)
  const said = firstLine(text)
  return {
    kind: "not-checked",
    exitCode: 0,
    lines: [
      `audit:check: not checked: pnpm audit exited ${exitCode ?? "by a signal"} without a report${said === "" ? "" : `: ${said}`}`
    ]
  }
}
