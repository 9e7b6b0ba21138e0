// `carabase doctor`: the install checked against the threat model, one PASS / WARN / FAIL line per check with a fix.
import { Effect } from "effect"
import { runDoctor } from "../doctor/Doctor"
import { parseOrHelp } from "./Args"
import { loadCliEnvironment } from "./CliEnv"
import { runCliEffect } from "./RunEffect"

export const doctorHelp = `usage: carabase doctor [--json]

Checks this install against the threat model: master key (well formed, not a placeholder, the one the database was
initialised with), env file mode, the carabase_app role (no superuser, no BYPASSRLS, owns nothing), RLS enabled and
forced with a policy on every table with workspace_id, migrations current, the agent gateway (loopback, password
accepted), the listening addresses, and the newest backup's age.
Prints PASS / WARN / FAIL per check with a one-line fix; exits 1 if anything FAILs.

  --json   print the results as JSON ({ "checks": [{ name, verdict, detail, fix? }] }) instead`

export const runDoctorCommand = async (argv: ReadonlyArray<string>): Promise<number> => {
  const args = parseOrHelp(argv, { help: doctorHelp, flags: ["json"] })
  if (args === null) return 0
  let failed = false
  const code = await runCliEffect(
    Effect.gen(function* () {
      const loaded = yield* loadCliEnvironment
      const checks = yield* runDoctor(loaded)
      failed = checks.some((check) => check.verdict === "FAIL")
      if (args.flag("json")) {
        process.stdout.write(`${JSON.stringify({ env: loaded.hostEnv.name, checks }, null, 2)}\n`)
        return
      }
      process.stdout.write(`carabase doctor (env ${loaded.hostEnv.name})\n`)
      for (const check of checks) {
        process.stdout.write(`${check.verdict.padEnd(5)} ${check.name}: ${check.detail}\n`)
        if (check.fix !== undefined) process.stdout.write(`      fix: ${check.fix}\n`)
      }
      const count = (verdict: string) => checks.filter((check) => check.verdict === verdict).length
      process.stdout.write(`${count("PASS")} pass, ${count("WARN")} warn, ${count("FAIL")} fail\n`)
    })
  )
  return code !== 0 ? code : failed ? 1 : 0
}
