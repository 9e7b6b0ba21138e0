// Once per test run: make sure the test server has pgvector and the carabase_app role, and share its password with
// every worker through the environment; and build the text-extraction worker, which runs as JavaScript in its own
// thread even when the host runs in-process from the sources (src/artifacts/ExtractPool.ts).
import { build } from "esbuild"
import { prepareAppRole } from "./database"

export default async function setup() {
  await build({
    entryPoints: ["src/artifacts/ExtractWorker.ts"],
    outfile: "dist/extract-worker.js",
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    packages: "external",
    logLevel: "warning"
  })
  process.env.CARABASE_TEST_APP_PASSWORD = await prepareAppRole()
}
