import { readFileSync } from "node:fs"
import { defineConfig } from "vitest/config"

const pkg = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"))

export default defineConfig({
  define: { __CARABASE_VERSION__: JSON.stringify(pkg.version) },
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/bench/**", "node_modules/**"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Two files at a time: most of a host test is waiting on PostgreSQL and sockets, so two workers on two cores took
    // the suite from 649 s to 415 s here (README, Tests); every file has its own database and host.
    maxWorkers: 2,
    minWorkers: 1,
    globalSetup: ["test/support/globalSetup.ts"],
    reporters: ["default"]
  }
})
