// Builds dist/main.js (the host) and dist/cli.js (the operator CLI) with esbuild, and the admin web UI into
// dist/admin/ with Vite. Dependencies stay in node_modules; the version is stamped from CARABASE_RELEASE_VERSION (a
// release tag) or package.json.
import { build } from "esbuild"
import { build as buildUi } from "vite"
import { readFileSync } from "node:fs"

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"))
const version = (process.env.CARABASE_RELEASE_VERSION ?? pkg.version).replace(/^v/, "")

await build({
  entryPoints: { main: "src/main.ts", cli: "src/cli.ts" },
  outdir: "dist",
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  packages: "external",
  sourcemap: true,
  legalComments: "none",
  define: { __CARABASE_VERSION__: JSON.stringify(version) },
  banner: { js: "// Carabase host - built file, edit src/ instead" },
  logLevel: "warning"
})

await buildUi({ configFile: "src/web/vite.config.ts", logLevel: "warn" })
