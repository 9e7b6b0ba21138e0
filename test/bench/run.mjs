// Bundles one benchmark script, test/bench/<name>.ts, with esbuild (dependencies stay in node_modules) and runs it
// with node: `node test/bench/run.mjs searchBench` or `node test/bench/run.mjs soak`; arguments after the name go to
// the script.
import { build } from "esbuild"
import { spawnSync } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"

const name = process.argv[2] ?? ""
const entry = new URL(`./${name}.ts`, import.meta.url).pathname
if (!/^[A-Za-z]+$/.test(name) || !existsSync(entry)) {
  console.error(`usage: node test/bench/run.mjs <name of a script in test/bench, without .ts>`)
  process.exit(2)
}
const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"))
const outfile = new URL(`../../dist/bench/${name}.mjs`, import.meta.url).pathname
await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  packages: "external",
  define: { __CARABASE_VERSION__: JSON.stringify(pkg.version) },
  logLevel: "warning"
})
const result = spawnSync(process.execPath, [outfile, ...process.argv.slice(3)], { stdio: "inherit" })
process.exit(result.status ?? 1)
