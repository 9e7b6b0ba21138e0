// The background jobs by name: the scheduled ones with their cron expressions (in CARABASE_TIMEZONE), and the
// harvest queue that writes feed. Declaration only: the web UI may bundle it.
export const Schedules = [
  { name: "github-sync", cron: "0 * * * *" },
  { name: "google-calendar-sync", cron: "0 */2 * * *" },
  { name: "gmail-sync", cron: "*/30 * * * *" },
  { name: "backup", cron: "30 1 * * *" },
  { name: "memory-distill", cron: "0 2 * * *" },
  { name: "folio-synthesis", cron: "0 3 * * *" },
  { name: "dream-cycle", cron: "30 3 * * *" },
  { name: "corpus-curation", cron: "0 5 * * *" },
  { name: "trash-purge", cron: "45 4 * * *" },
  { name: "note-revisions", cron: "30 5 * * *" }
] as const

/**
 * Queue-only jobs, with no schedule: `harvest` (embeddings) and `entity-extraction` (the graph from what was written),
 * both fed by writes. Entity extraction runs once per burst of writes, many times a day, so the Jobs page sums these up
 * (last run, runs and failures in the last day) and lists their runs one by one only when the job is opened.
 */
export const QueueJobs = ["harvest", "entity-extraction"] as const

export const JobNames = [...Schedules.map((schedule) => schedule.name), ...QueueJobs] as const
export type JobName = (typeof JobNames)[number]

export const isJobName = (name: string): name is JobName => (JobNames as ReadonlyArray<string>).includes(name)
