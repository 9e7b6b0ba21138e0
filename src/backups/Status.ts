// `backup:status` and doctor's backup check: how old each env's newest backup is. PASS under 30 hours (a nightly
// backup plus slack), WARN up to 72 hours, FAIL beyond that or when there is none.
import { Environments } from "../platform/HostEnv"
import { listBackups, listEnvs, type BackupFile } from "./BackupFiles"

export type Verdict = "PASS" | "WARN" | "FAIL"

const HOUR_MS = 60 * 60 * 1000
export const PASS_UNDER_HOURS = 30
export const WARN_UNDER_HOURS = 72

export interface EnvBackupStatus {
  readonly env: string
  readonly newest: BackupFile | null
  readonly ageHours: number | null
  readonly verdict: Verdict
  readonly count: number
}

export const verdictForAge = (ageHours: number | null): Verdict =>
  ageHours === null ? "FAIL" : ageHours < PASS_UNDER_HOURS ? "PASS" : ageHours <= WARN_UNDER_HOURS ? "WARN" : "FAIL"

export const envBackupStatus = (dir: string, env: string, now: Date): EnvBackupStatus => {
  const backups = listBackups(dir, env)
  const newest = backups.at(-1) ?? null
  const ageHours = newest === null ? null : Math.max(0, (now.getTime() - newest.takenAt.getTime()) / HOUR_MS)
  return { env, newest, ageHours, verdict: verdictForAge(ageHours), count: backups.length }
}

/** The current env first (reported even with no backups at all), then every other env with a backup folder. */
export const backupStatus = (dir: string, currentEnv: string, now: Date): ReadonlyArray<EnvBackupStatus> =>
  [
    currentEnv,
    ...listEnvs(dir).filter((env) => env !== currentEnv && (Environments as ReadonlyArray<string>).includes(env))
  ].map((env) => envBackupStatus(dir, env, now))

export const describeAge = (hours: number): string =>
  hours < 1 ? `${Math.round(hours * 60)} min` : hours < 48 ? `${hours.toFixed(1)} h` : `${(hours / 24).toFixed(1)} days`
