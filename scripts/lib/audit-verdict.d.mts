// Types for audit-verdict.mjs (plain JavaScript so the script runs without a build).
export interface AuditRun {
  readonly stdout: string
  readonly stderr: string
  readonly exitCode: number | null
}

export interface AuditVerdict {
  readonly kind: "clean" | "advisories" | "no-audit-service" | "not-checked"
  readonly exitCode: 0 | 1
  readonly lines: Array<string>
}

export declare const auditVerdict: (run: AuditRun) => AuditVerdict
