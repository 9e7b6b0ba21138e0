// Bundles test/bench/soak.ts with esbuild (dependencies stay in node_modules) and runs it with node.
import { build } from "esbuild"
import { spawnSync } from "node:child_process"
import { readFileSync } from "node:fs"

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"))
const outfile = new URL("../../dist/bench/soak.mjs", import.meta.url).pathname
await build({
  entryPoints: [new URL("./soak.ts", import.meta.url).pathname],
  outfile,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  packages: "external",
  define: { __CARABASE_VERSION__: JSON.stringify(pkg.version) },
  logLevel: "warning"
})
const result = spawnSync(process.execPath, [outfile], { stdio: "inherit" })
process.exit(result.status ?? 1)
