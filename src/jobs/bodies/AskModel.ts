// How a job asks a model one question: through the workspace's model route for the job's role (ModelCalls), else the
// OpenClaw gateway. Nothing to ask (no route and no gateway configured) or a provider that cannot be reached makes the
// run "skipped" with the reason, which names the route (nothing to retry until the owner starts it); any other
// failure (a refusal, a route whose key does not open) fails the run, so it is retried and finally dead-lettered.
import { Effect } from "effect"
import { ModelCalls, type CallRole } from "../../models/ModelCalls"
import { JobError, skipped, type Outcome } from "../JobBody"

export class Skip {
  readonly _tag = "Skip"
  constructor(readonly outcome: Outcome) {}
}

export interface Asked {
  readonly answer: string
  /** Where it was asked, as messages name it ("gateway", "ollama provider of model route utility"). */
  readonly via: string
}

export const ask = (role: CallRole, sessionKey: string, system: string, user: string) =>
  Effect.gen(function* () {
    const calls = yield* ModelCalls
    const target = yield* calls
      .target(role)
      .pipe(
        Effect.mapError((error) =>
          error._tag === "GatewayUnconfigured"
            ? new Skip(skipped(error.message))
            : new JobError({ message: error.message })
        )
      )
    const answer = yield* calls
      .completeOn(target, {
        messages: [
          { role: "system", content: system },
          { role: "user", content: user }
        ],
        sessionKey
      })
      .pipe(
        Effect.mapError((error) =>
          error._tag === "GatewayUnreachable" || error._tag === "GatewayTimeout"
            ? new Skip(skipped(error.message))
            : new JobError({ message: error.message })
        )
      )
    return { answer, via: target.label } satisfies Asked
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
