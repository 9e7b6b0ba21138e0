// `pnpm dev:fake-gateway`: runs the fake OpenClaw gateway in the foreground so chat can be tried without OpenClaw.
// It accepts OPENCLAW_GATEWAY_PASSWORD (from the environment, else from .env.<CARABASE_ENV> or .env in the working
// directory) and listens on the port of OPENCLAW_GATEWAY_URL (default 18789). FAKE_GATEWAY_MODE picks a misbehaviour.
import * as fs from "node:fs"
import * as path from "node:path"
import { parseEnvFile } from "../../src/platform/EnvFile"
import { startFakeGateway, type FakeGatewayMode } from "./fakeGateway"

const fromEnvFile = (): Map<string, string> => {
  const env = process.env.CARABASE_ENV || "dev"
  for (const name of [`.env.${env}`, ".env"]) {
    const file = path.resolve(name)
    if (fs.existsSync(file)) return parseEnvFile(fs.readFileSync(file, "utf8"))
  }
  return new Map()
}

const fileValues = fromEnvFile()
const setting = (name: string) => process.env[name] ?? fileValues.get(name)

const password = setting("OPENCLAW_GATEWAY_PASSWORD")
if (password === undefined || password === "") {
  console.error("fake gateway: OPENCLAW_GATEWAY_PASSWORD is not set (run `pnpm bootstrap` first, or export it)")
  process.exit(1)
}
const gatewayUrl = new URL(setting("OPENCLAW_GATEWAY_URL") || "http://127.0.0.1:18789")
const port = Number(gatewayUrl.port || 18789)
const mode = (process.env.FAKE_GATEWAY_MODE ?? "normal") as FakeGatewayMode
if (!["normal", "slow", "gated", "broken", "malformed", "down"].includes(mode)) {
  console.error("fake gateway: FAKE_GATEWAY_MODE must be normal, slow, gated, broken, malformed or down")
  process.exit(2)
}

const gateway = await startFakeGateway({
  passwords: [password],
  port,
  mode,
  chunkDelayMs: 60,
  reply: (message) =>
    `This is the fake OpenClaw gateway (no model behind it). You said: "${message}". Install OpenClaw for real answers.`
})
console.log(`fake OpenClaw gateway listening on ${gateway.url} (mode ${mode}); Ctrl-C stops it`)
const stop = () => void gateway.close().then(() => process.exit(0))
process.once("SIGINT", stop)
process.once("SIGTERM", stop)
