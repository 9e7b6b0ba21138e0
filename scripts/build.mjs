// Builds dist/main.js (the host), dist/cli.js (the operator CLI) and dist/extract-worker.js (the text-extraction worker
// thread both start) with esbuild, and the admin web UI into
// dist/admin/ with Vite. The Effect packages (and what they import) are bundled in: they are hundreds of small ES
// modules, and resolving, reading and linking each one was most of the host's boot time. The other dependencies stay
// in node_modules. The version is stamped from CARABASE_RELEASE_VERSION (a release tag) or package.json.
import { build } from "esbuild"
import { build as buildUi } from "vite"
import { readFileSync } from "node:fs"

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"))
const version = (process.env.CARABASE_RELEASE_VERSION ?? pkg.version).replace(/^v/, "")

/** Direct dependencies other than Effect's stay external; everything Effect imports is bundled with it. */
const external = Object.keys(pkg.dependencies).filter((name) => name !== "effect" && !name.startsWith("@effect/"))
const keepExternal = {
  name: "keep-external",
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      const name = args.path.startsWith("@") ? args.path.split("/").slice(0, 2).join("/") : args.path.split("/")[0]
      return external.includes(name) || args.path.startsWith("node:") ? { path: args.path, external: true } : undefined
    })
  }
}

await build({
  entryPoints: { main: "src/main.ts", cli: "src/cli.ts", "extract-worker": "src/artifacts/ExtractWorker.ts" },
  outdir: "dist",
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  plugins: [keepExternal],
  // Bundled CommonJS code (ws, for one) calls require(); give it Node's.
  banner: {
    js: "// Carabase host - built file, edit src/ instead\nimport { createRequire as __carabaseRequire } from 'node:module'\nconst require = __carabaseRequire(import.meta.url)"
  },
  sourcemap: true,
  legalComments: "none",
  define: { __CARABASE_VERSION__: JSON.stringify(version) },
  logLevel: "warning"
})

await buildUi({ configFile: "src/web/vite.config.ts", logLevel: "warn" })
