// Declaration of GET /api/v1/doctor: the checks of `carabase doctor`, as the admin UI's Doctor page shows them.
// Imports only effect and @effect/platform (the web UI bundles it).
import { HttpApiEndpoint, HttpApiGroup } from "@effect/platform"
import { Schema } from "effect"

export const Verdict = Schema.Literal("PASS", "WARN", "FAIL")

export const DoctorCheck = Schema.Struct({
  name: Schema.String,
  verdict: Verdict,
  /** What was found: names of settings, files, roles and tables, never a secret's value. */
  detail: Schema.String,
  /** How to fix it, unless it passed. */
  fix: Schema.optional(Schema.String)
})

export const DoctorReport = Schema.Struct({
  /** FAIL when any check fails, else WARN when any warns, else PASS (the CLI exits 1 exactly on FAIL). */
  verdict: Verdict,
  checkedAt: Schema.DateTimeUtc,
  checks: Schema.Array(DoctorCheck)
})

export class DoctorApi extends HttpApiGroup.make("doctor")
  .add(HttpApiEndpoint.get("run", "/doctor").addSuccess(DoctorReport))
  .prefix("/api/v1") {}
