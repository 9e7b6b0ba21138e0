// The owner's one-screen status of the running host (GET /api/v1/status, `carabase status`): version, env, uptime,
// database, gateway with the reason, the env's newest backup, each job's last run, the queue, and where it listens.
// Nothing here reads a secret: the gateway is named by its URL, the database only as up or down.
import type * as net from "node:net"
import { DateTime, Effect, Option } from "effect"
import { backupDirConfig } from "../backups/Backups"
import { envBackupStatus } from "../backups/Status"
import { displayUrl, loadGatewayConfig } from "../gateway/GatewayConfig"
import type { GatewayState } from "../gateway/Gateway"
import { issueOf } from "../gateway/GatewayState"
import { displayAddress } from "../http/ListenAddress"
import { lastRunView, Scheduler } from "../jobs/Scheduler"
import { HostEnv } from "../platform/HostEnv"
import { HttpListener } from "../platform/HttpListener"
import { DatabaseProbe } from "./DatabaseProbe"
import { GatewayProbe } from "../gateway/GatewayProbe"
import { HostStatus } from "./MetaApi"
import { channelOf, HOST_VERSION } from "./Version"

/** One sentence on why the gateway is in its state, and the setting to change when there is one. */
export const gatewayReason = (
  state: GatewayState,
  url: string | undefined
): { readonly reason: string; readonly configKey?: string } => {
  const where = url === undefined ? "OPENCLAW_GATEWAY_URL" : url
  switch (state) {
    case "up":
      return { reason: `OpenClaw answers at ${where} and accepts the password` }
    case "down":
      return { reason: `nothing answers at ${where} (OPENCLAW_GATEWAY_URL): start OpenClaw, or fix the URL` }
    default: {
      const issue = issueOf(state)!
      return { reason: issue.message, configKey: issue.configKey }
    }
  }
}

/** A bound server's address as `host:port` (`[::]:3000`), or none when it does not listen. */
export const boundAddress = (address: string | net.AddressInfo | null): Option.Option<string> =>
  address === null || typeof address === "string"
    ? Option.fromNullable(address)
    : Option.some(displayAddress(address.address, address.port))

const utc = (date: Date | null) => (date === null ? null : DateTime.unsafeMake(date))

export const hostStatus = Effect.gen(function* () {
  const hostEnv = yield* HostEnv
  const listener = yield* HttpListener
  const scheduler = yield* Scheduler
  const gatewayProbe = yield* GatewayProbe
  const databaseProbe = yield* DatabaseProbe
  const { database, gateway, schedules, queue } = yield* Effect.all(
    {
      database: databaseProbe.check,
      gateway: gatewayProbe.check,
      schedules: scheduler.schedules,
      queue: scheduler.queueDepth
    },
    { concurrency: "unbounded" }
  )
  const gatewayUrl = yield* loadGatewayConfig.pipe(
    Effect.map((config) => displayUrl(config.url)),
    Effect.orElseSucceed(() => undefined)
  )
  const backupDir = yield* backupDirConfig.pipe(Effect.orDie)
  const now = new Date()
  const backup = envBackupStatus(backupDir, hostEnv.name, now)
  const uptimeSeconds = Math.floor(process.uptime())
  const listening = [
    ...Option.toArray(boundAddress(listener.server.address())).map((address) => ({ address, serves: "api" as const })),
    ...Option.toArray(boundAddress(listener.webhookServer.address())).map((address) => ({
      address,
      serves: "webhooks" as const
    }))
  ]
  return new HostStatus({
    version: HOST_VERSION,
    channel: channelOf(HOST_VERSION),
    env: hostEnv.name,
    node: process.version,
    pid: process.pid,
    startedAt: DateTime.unsafeMake(now.getTime() - Math.round(process.uptime() * 1000)),
    uptimeSeconds,
    database,
    gateway: { state: gateway, ...gatewayReason(gateway, gatewayUrl) },
    backup: {
      newestAt: utc(backup.newest?.takenAt ?? null),
      ageHours: backup.ageHours === null ? null : Math.round(backup.ageHours * 10) / 10,
      verdict: backup.verdict,
      count: backup.count
    },
    jobs: schedules.map((schedule) => ({
      name: schedule.name,
      lastRun: lastRunView(schedule.lastRun)
    })),
    queue,
    listening
  })
})
