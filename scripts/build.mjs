// Builds dist/main.js (the host), dist/cli.js (the operator CLI) and dist/extract-worker.js (the text-extraction worker
// thread both start) with esbuild, and the admin web UI into
// dist/admin/ with Vite. The Effect packages (and what they import) are bundled in: they are hundreds of small ES
// modules, and resolving, reading and linking each one was most of the host's boot time. The other dependencies stay
// in node_modules. The version is stamped from CARABASE_RELEASE_VERSION (a release tag) or package.json.
// CARABASE_BUILD_OUTDIR puts main.js and cli.js elsewhere than dist/ (inside the repository, so node_modules and sql/
// are found from it) and skips the web UI: the Node 24 smoke test builds there without touching dist/.
import { build } from "esbuild"
import { build as buildUi } from "vite"
import { readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { brotliCompressSync, constants, gzipSync } from "node:zlib"

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
  outdir: process.env.CARABASE_BUILD_OUTDIR ?? "dist",
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

if (process.env.CARABASE_BUILD_OUTDIR === undefined) {
  await buildUi({ configFile: "src/web/vite.config.ts", logLevel: "warn" })

  // Precompressed copies of the UI's text files (brotli at its best, gzip -9), which the host sends to browsers that
  // accept them (src/admin/AdminHttp.ts): compressing once here costs nothing per request.
  const compressible = /\.(js|css|html|svg|json|txt)$/
  const compressTree = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = join(dir, entry.name)
      if (entry.isDirectory()) compressTree(file)
      else if (compressible.test(entry.name)) {
        const body = readFileSync(file)
        writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }))
        writeFileSync(
          `${file}.br`,
          brotliCompressSync(body, {
            params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length }
          })
        )
      }
    }
  }
  compressTree(new URL("../dist/admin", import.meta.url).pathname)
}
