// Runs a CLI command's Effect: failures become one line on stderr and exit code 1. SIGINT, SIGTERM and SIGHUP
// interrupt the effect instead of killing the process, so its finalizers run (child tools stopped and waited for,
// temporary files removed) before the command exits with 128 + the signal's number.
import * as os from "node:os"
import { Effect, Exit, Fiber, Logger, LogLevel } from "effect"
import { describeBootFailure } from "../platform/BootFailure"

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const

export const runCliEffect = async <E>(effect: Effect.Effect<void, E>): Promise<number> => {
  // Commands print their own results; only warnings and errors from the layers underneath are worth a line.
  const fiber = Effect.runFork(effect.pipe(Logger.withMinimumLogLevel(LogLevel.Warning)))
  let signalled: NodeJS.Signals | null = null
  const interrupt = (signal: NodeJS.Signals) => {
    // A second signal while the first is being handled changes nothing: stopping is already under way and bounded.
    if (signalled !== null) return
    signalled = signal
    fiber.unsafeInterruptAsFork(fiber.id())
  }
  for (const signal of SIGNALS) process.on(signal, interrupt)
  try {
    const exit = await Effect.runPromise(Fiber.await(fiber))
    if (signalled !== null && Exit.isInterrupted(exit)) {
      process.stderr.write(`carabase: interrupted (${signalled}); stopped what the command had started\n`)
      return 128 + (os.constants.signals[signalled as NodeJS.Signals] ?? 1)
    }
    if (Exit.isSuccess(exit)) return 0
    process.stderr.write(`carabase: ${describeBootFailure(exit.cause)}\n`)
    return 1
  } finally {
    for (const signal of SIGNALS) process.off(signal, interrupt)
  }
}
