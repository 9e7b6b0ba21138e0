// Handler of GET /api/v1/doctor: the checks `carabase doctor` runs, with the settings the running host read (its env
// file and environment), so the page and the command agree.
import { HttpApiBuilder } from "@effect/platform"
import { DateTime, Effect } from "effect"
import { CarabaseApi } from "../Api"
import { HostEnv } from "../platform/HostEnv"
import { doctorChecks } from "./Doctor"

const overall = (verdicts: ReadonlyArray<"PASS" | "WARN" | "FAIL">) =>
  verdicts.includes("FAIL") ? "FAIL" : verdicts.includes("WARN") ? "WARN" : "PASS"

export const DoctorHttpLive = HttpApiBuilder.group(CarabaseApi, "doctor", (handlers) =>
  Effect.gen(function* () {
    const hostEnv = yield* HostEnv
    // The host's ConfigProvider, captured when the group is built: request fibers do not carry the boot-time one.
    const provider = yield* Effect.configProviderWith(Effect.succeed)
    return handlers.handle("run", () =>
      doctorChecks.pipe(
        Effect.provideService(HostEnv, hostEnv),
        Effect.withConfigProvider(provider),
        Effect.map((checks) => ({
          verdict: overall(checks.map((check) => check.verdict)),
          checkedAt: DateTime.unsafeNow(),
          checks
        }))
      )
    )
  })
)
