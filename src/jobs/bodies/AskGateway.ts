// How a job asks the agent gateway one question. A gateway that is not configured or not reachable makes the run
// "skipped" with the reason (nothing to retry until the owner starts OpenClaw); any other gateway failure fails the
// run, so it is retried and finally dead-lettered.
import { Effect } from "effect"
import { Gateway } from "../../gateway/Gateway"
import { JobError, skipped, type Outcome } from "../JobBody"

export class Skip {
  readonly _tag = "Skip"
  constructor(readonly outcome: Outcome) {}
}

export const ask = (sessionKey: string, system: string, user: string) =>
  Effect.gen(function* () {
    const gateway = yield* Gateway
    const target = yield* gateway
      .target()
      .pipe(Effect.mapError((error) => new Skip(skipped(`the agent gateway is not configured: ${error.message}`))))
    return yield* gateway
      .complete(target, {
        messages: [
          { role: "system", content: system },
          { role: "user", content: user }
        ],
        headers: { "x-openclaw-session-key": sessionKey }
      })
      .pipe(
        Effect.mapError((error) =>
          error._tag === "GatewayUnreachable" || error._tag === "GatewayTimeout"
            ? new Skip(skipped(error.message))
            : new JobError({ message: error.message })
        )
      )
  })

/** Ends a body: a Skip becomes the skipped outcome, a JobError stays a failure. */
export const settle = <R>(body: Effect.Effect<Outcome, Skip | JobError, R>): Effect.Effect<Outcome, JobError, R> =>
  Effect.catchIf(
    body,
    (error): error is Skip => error instanceof Skip,
    (skip) => Effect.succeed(skip.outcome)
  ) as Effect.Effect<Outcome, JobError, R>

/** One fact per line: bullets, numbering and blank lines removed. */
export const lines = (answer: string): Array<string> =>
  answer
    .split(/\r?\n/)
    .map((line) => line.replace(/^\s*(?:[-*•]|\d+[.)])\s*/, "").trim())
    .filter((line) => line !== "" && line.length <= 2000)
