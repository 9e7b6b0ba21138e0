// One line of doctor's report: what was checked, the verdict, what was found and, unless it passed, how to fix it.
import type { Verdict } from "../backups/Status"

export type { Verdict }

export interface CheckResult {
  readonly name: string
  readonly verdict: Verdict
  readonly detail: string
  readonly fix?: string
}

export const pass = (name: string, detail: string): CheckResult => ({ name, verdict: "PASS", detail })
export const warn = (name: string, detail: string, fix: string): CheckResult => ({ name, verdict: "WARN", detail, fix })
export const fail = (name: string, detail: string, fix: string): CheckResult => ({ name, verdict: "FAIL", detail, fix })
