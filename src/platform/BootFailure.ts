// Renders a failure to start as one line for the operator. Boot messages are written to name variables and
// files, never values.
import { Cause, ConfigError } from "effect"
import { BootError } from "./HostEnv"

export const describeBootFailure = (cause: Cause.Cause<unknown>): string => {
  const failure = Cause.failureOption(cause)
  if (failure._tag === "Some") {
    const error = failure.value
    if (error instanceof BootError) return error.message
    if (ConfigError.isConfigError(error)) return `invalid configuration: ${String(error).replace(/\s+/g, " ")}`
    if (typeof error === "object" && error !== null && "_tag" in error && error._tag === "ServeError") {
      const inner = (error as { cause?: { code?: string; message?: string } }).cause
      return `cannot listen for HTTP: ${inner?.code ?? inner?.message ?? "unknown error"} (check HOST and PORT)`
    }
    if (error instanceof Error) return error.message
  }
  return Cause.pretty(cause)
}
