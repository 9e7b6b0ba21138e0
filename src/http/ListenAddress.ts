// Where the host's listeners bind: the interface (HOST, dual-stack `::` by default) both the main listener and the
// webhook listener use, and an address as the log line shows it (`[::]:3000`, `0.0.0.0:3000`).
import { Config } from "effect"

export const listenHost = Config.string("HOST").pipe(Config.withDefault("::"))

export const displayAddress = (host: string, port: number) => `${host.includes(":") ? `[${host}]` : host}:${port}`
