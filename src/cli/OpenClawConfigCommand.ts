// `carabase openclaw-config [--workspace <id>]`: prints the JSON to merge into OpenClaw's config so it serves this
// host (see src/gateway/OpenClawSetup.ts), and on stderr what the JSON leaves to the owner.
import { Config, Effect, Option, Redacted } from "effect"
import { loadGatewayConfig } from "../gateway/GatewayConfig"
import { localHostUrl, openClawConfig, openClawSetupNotes } from "../gateway/OpenClawSetup"
import { BootError } from "../platform/HostEnv"
import { parseOrHelp, UsageError } from "./Args"
import { loadCliEnvironment } from "./CliEnv"
import { runCliEffect } from "./RunEffect"

export const openClawConfigHelp = `usage: carabase openclaw-config [--workspace <id>]

Prints the JSON to merge into OpenClaw's config (~/.openclaw/openclaw.json) so it serves this host: gateway.mode
"local", gateway.bind "loopback", gateway.port (from OPENCLAW_GATEWAY_URL), gateway.auth.mode "password" with
OPENCLAW_GATEWAY_PASSWORD, gateway.http.endpoints.chatCompletions.enabled true, and mcp.servers.carabase (the host's
/mcp over streamable-http). Notes on what to add by hand go to stderr. The JSON holds the gateway password.

  --workspace <id>   bind OpenClaw's MCP session to this workspace (the x-workspace-id header)`

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export const runOpenClawConfig = async (argv: ReadonlyArray<string>): Promise<number> => {
  const args = parseOrHelp(argv, { help: openClawConfigHelp, values: ["workspace"] })
  if (args === null) return 0
  const workspace = args.value("workspace")
  if (workspace !== undefined && !UUID.test(workspace)) {
    throw new UsageError("--workspace must be a workspace id (a UUID, as GET /api/v1/workspaces lists them)")
  }
  return runCliEffect(
    Effect.gen(function* () {
      const loaded = yield* loadCliEnvironment
      const settings = yield* Effect.all({
        gateway: loadGatewayConfig,
        host: Config.string("HOST").pipe(Config.withDefault("::")),
        port: Config.integer("PORT").pipe(Config.withDefault(3000)),
        apiKeysRequired: Config.string("CARABASE_API_KEYS_REQUIRED").pipe(Config.withDefault("false"))
      }).pipe(
        Effect.withConfigProvider(loaded.provider),
        Effect.mapError((error) => (error instanceof BootError ? error : new BootError({ message: error.message })))
      )
      const password = yield* Option.match(settings.gateway.password, {
        onNone: () =>
          Effect.fail(
            new BootError({
              message: `OPENCLAW_GATEWAY_PASSWORD is not set in ${loaded.hostEnv.fileLabel}: run \`pnpm bootstrap\` to generate one`
            })
          ),
        onSome: (secret) => Effect.succeed(Redacted.value(secret))
      })
      const config = openClawConfig({
        gatewayUrl: settings.gateway.url,
        password,
        hostUrl: localHostUrl(settings.host, settings.port),
        workspaceId: workspace
      })
      process.stdout.write(`${JSON.stringify(config, null, 2)}\n`)
      const notes = openClawSetupNotes({
        apiKeysRequired: ["true", "1", "yes"].includes(settings.apiKeysRequired.trim().toLowerCase()),
        workspace: workspace !== undefined
      })
      for (const note of notes) process.stderr.write(`note: ${note}\n`)
    })
  )
}
