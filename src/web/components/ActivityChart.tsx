// Today's small activity chart: log entries per day for the last two weeks, as bars (SVG) with the same numbers as
// text for screen readers (a visually hidden list) and in each bar's tooltip.
import { call } from "../shellClient"
import { ErrorMessage, useLoad } from "./ui"
import type { NoteDate } from "../../notes/NoteDate"

const DAYS = 14
const WIDTH = 280
const HEIGHT = 56
const GAP = 4

// The bar's tooltip names its day in the UI's language ("Mon 7"), without Intl: building a locale's date formatter was
// the largest single cost of Today's first render in a profile of a cold load (tens of milliseconds; issue 29's budget).
const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
const weekday = (date: string) => {
  const day = new Date(`${date}T12:00:00`)
  return `${WEEKDAYS[day.getDay()]} ${day.getDate()}`
}

/** `to` is the browser's own today (its time zone decides the day); `refresh` reloads it when it changes. */
export const ActivityChart = ({ to, refresh }: { to: string; refresh: unknown }) => {
  const activity = useLoad(
    () => call((api) => api.notes.activity({ urlParams: { to: to as NoteDate, days: DAYS } })),
    [to, refresh]
  )
  const days = activity.data?.days ?? []
  const most = Math.max(1, ...days.map((day) => day.entries))
  const total = days.reduce((sum, day) => sum + day.entries, 0)
  const barWidth = (WIDTH - GAP * (DAYS - 1)) / DAYS
  const summary = `${total} log entr${total === 1 ? "y" : "ies"} in the last ${DAYS} days, at most ${most} in a day`
  return (
    <figure class="activity" aria-labelledby="activity-caption">
      <figcaption id="activity-caption">
        Entries per day, last {DAYS} days{days.length === 0 ? "" : `: ${total} in all`}
      </figcaption>
      <ErrorMessage message={activity.error} />
      {days.length === 0 ? null : (
        <>
          <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width={WIDTH} height={HEIGHT} role="img" aria-label={summary}>
            {days.map((day, i) => {
              const height = day.entries === 0 ? 1 : Math.max(3, (day.entries / most) * (HEIGHT - 2))
              return (
                <rect
                  key={day.date}
                  class={day.entries === 0 ? "bar empty" : "bar"}
                  x={i * (barWidth + GAP)}
                  y={HEIGHT - height}
                  width={barWidth}
                  height={height}
                  rx={2}
                >
                  <title>{`${weekday(day.date)}: ${day.entries}`}</title>
                </rect>
              )
            })}
          </svg>
          <ul class="visually-hidden" aria-label="entries per day">
            {days.map((day) => (
              <li key={day.date}>
                {day.date}: {day.entries} entr{day.entries === 1 ? "y" : "ies"}
              </li>
            ))}
          </ul>
        </>
      )}
    </figure>
  )
}
