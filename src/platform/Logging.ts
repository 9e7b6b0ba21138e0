// Log level and format: logfmt on stdout, level from LOG_LEVEL (case-insensitive; `warning` and `none` accepted).
import { Config, ConfigError, Either, Layer, Logger, LogLevel } from "effect"

const LEVELS: Record<string, LogLevel.LogLevel> = {
  all: LogLevel.All,
  trace: LogLevel.Trace,
  debug: LogLevel.Debug,
  info: LogLevel.Info,
  warn: LogLevel.Warning,
  warning: LogLevel.Warning,
  error: LogLevel.Error,
  fatal: LogLevel.Fatal,
  none: LogLevel.None,
  off: LogLevel.None
}

export const logLevelConfig: Config.Config<LogLevel.LogLevel> = Config.string("LOG_LEVEL").pipe(
  Config.withDefault("info"),
  Config.mapOrFail((value) => {
    const level = LEVELS[value.trim().toLowerCase()]
    return level === undefined
      ? Either.left(
          ConfigError.InvalidData(
            ["LOG_LEVEL"],
            `LOG_LEVEL must be one of trace, debug, info, warning, error, fatal, none (got "${value.slice(0, 20)}")`
          )
        )
      : Either.right(level)
  })
)

export const layer = Layer.unwrapEffect(
  Config.map(logLevelConfig, (level) => Layer.merge(Logger.minimumLogLevel(level), Logger.logFmt))
)
