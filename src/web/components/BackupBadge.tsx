// The newest backup's age as a badge on the home page, coloured by the verdict `backup:status` gives it (PASS under
// 30 h, WARN to 72 h, FAIL beyond or none) and worded so the colour is never the only signal; it links to the
// Doctor and backups page.
import { call } from "../shellClient"
import { href } from "../router"
import { useLoad } from "./ui"

export const ageText = (hours: number) =>
  hours < 1
    ? `${Math.max(1, Math.round(hours * 60))} min`
    : hours < 48
      ? `${Math.round(hours)} h`
      : `${Math.round(hours / 24)} days`

const VERDICT_WORDS = { PASS: "fine", WARN: "getting old", FAIL: "too old" } as const

export const BackupBadge = () => {
  const backups = useLoad(() => call((api) => api.backups.status()), [])
  const status = backups.data
  if (status === undefined) return null
  const text =
    status.newestAgeHours === null
      ? "Backup: none yet"
      : `Backup: ${ageText(status.newestAgeHours)} old (${VERDICT_WORDS[status.verdict]})`
  return (
    <a class={`badge ${status.verdict.toLowerCase()}`} href={href("doctor")} title="Doctor and backups">
      {text}
    </a>
  )
}
