// Runs a CLI command's Effect: failures become one line on stderr and exit code 1.
import { Effect, Exit, Logger, LogLevel } from "effect"
import { describeBootFailure } from "../platform/BootFailure"

export const runCliEffect = async <E>(effect: Effect.Effect<void, E>): Promise<number> => {
  // Commands print their own results; only warnings and errors from the layers underneath are worth a line.
  const exit = await Effect.runPromiseExit(effect.pipe(Logger.withMinimumLogLevel(LogLevel.Warning)))
  if (Exit.isSuccess(exit)) return 0
  process.stderr.write(`carabase: ${describeBootFailure(exit.cause)}\n`)
  return 1
}
