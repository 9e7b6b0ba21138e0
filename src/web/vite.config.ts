// Builds the admin web UI (src/web) into dist/admin/, served by the host under /admin/ (src/admin/AdminHttp.ts).
import preact from "@preact/preset-vite"
import { fileURLToPath } from "node:url"
import { defineConfig } from "vite"

const root = fileURLToPath(new URL(".", import.meta.url))

export default defineConfig({
  root,
  base: "/admin/",
  plugins: [preact()],
  logLevel: "warn",
  build: {
    outDir: fileURLToPath(new URL("../../dist/admin", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    assetsDir: "assets",
    sourcemap: false,
    reportCompressedSize: false
  }
})
