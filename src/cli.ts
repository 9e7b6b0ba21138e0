// The operator CLI: `node dist/cli.js <command>` (or `pnpm carabase <command>`).
// Exit codes: 0 success, 1 failure, 2 usage error.
import { createHelp, listHelp, revokeHelp, runCreate, runList, runRevoke } from "./cli/ApiKeyCommands"
import { UsageError } from "./cli/Args"
import {
  backupHelp,
  pruneHelp,
  runBackup,
  runPrune,
  runStatus,
  runVerify,
  statusHelp,
  verifyHelp
} from "./cli/BackupCommands"
import { doctorHelp, runDoctorCommand } from "./cli/DoctorCommand"
import { restoreHelp, runRestore } from "./cli/RestoreCommand"
import { rotateKeyHelp, runRotateKey } from "./cli/RotateKeyCommand"
import { bootstrapHelp, runBootstrap } from "./cli/BootstrapCommand"
import { migrateHelp, runMigrate } from "./cli/MigrateCommand"
import { exportHelp, importHelp, runExport, runImport } from "./cli/PortabilityCommands"
import { openClawConfigHelp, runOpenClawConfig } from "./cli/OpenClawConfigCommand"
import { hostStatusHelp, runHostStatus } from "./cli/StatusCommand"
import { runService, serviceHelp } from "./cli/ServiceCommands"
import { rollbackHelp, runRollback, runUpgrade, upgradeHelp } from "./cli/UpgradeCommand"

interface Command {
  readonly summary: string
  readonly help: string
  readonly run: (argv: ReadonlyArray<string>) => number | Promise<number>
}

const commands: Record<string, Command> = {
  bootstrap: {
    summary: "create or complete the env file and provision its database",
    help: bootstrapHelp,
    run: runBootstrap
  },
  status: { summary: "show the running host's status on one screen", help: hostStatusHelp, run: runHostStatus },
  service: {
    summary: "install, inspect or remove the host as a launchd agent or systemd user unit",
    help: serviceHelp,
    run: runService
  },
  upgrade: {
    summary: "back up, build a release beside this one, migrate, smoke-test it, switch",
    help: upgradeHelp,
    run: runUpgrade
  },
  rollback: { summary: "switch back to the release before the last upgrade", help: rollbackHelp, run: runRollback },
  migrate: { summary: "apply pending database migrations", help: migrateHelp, run: runMigrate },
  backup: { summary: "write an encrypted, verified backup of the env's database", help: backupHelp, run: runBackup },
  "backup:prune": { summary: "delete old backups by the retention rules", help: pruneHelp, run: runPrune },
  "backup:status": { summary: "show each env's newest backup and its age", help: statusHelp, run: runStatus },
  "backup:verify": { summary: "check that a backup file is intact and complete", help: verifyHelp, run: runVerify },
  restore: { summary: "restore a backup into an empty database", help: restoreHelp, run: runRestore },
  "rotate-key": {
    summary: "re-seal every stored secret under a new master key",
    help: rotateKeyHelp,
    run: runRotateKey
  },
  doctor: { summary: "check this install against the threat model", help: doctorHelp, run: runDoctorCommand },
  "openclaw-config": {
    summary: "print the JSON to merge into OpenClaw's config for this host",
    help: openClawConfigHelp,
    run: runOpenClawConfig
  },
  "api-keys:create": { summary: "create a host API key (printed once)", help: createHelp, run: runCreate },
  "api-keys:list": { summary: "list the host API keys", help: listHelp, run: runList },
  "api-keys:revoke": { summary: "revoke a host API key", help: revokeHelp, run: runRevoke },
  import: { summary: "import a vault, Markdown folder or export (zip or folder)", help: importHelp, run: runImport },
  export: { summary: "export a workspace in open formats (zip or folder)", help: exportHelp, run: runExport }
}

/** The longest command name and two spaces, so every summary starts in the same column. */
const NAME_WIDTH = Math.max(...Object.keys(commands).map((name) => name.length)) + 2

const usage = () =>
  [
    "usage: carabase <command> [options]",
    "",
    "commands:",
    ...Object.entries(commands).map(([name, command]) => `  ${name.padEnd(NAME_WIDTH)}${command.summary}`),
    "",
    "Run `carabase <command> --help` for a command's options."
  ].join("\n")

const main = async (argv: ReadonlyArray<string>): Promise<number> => {
  const [name, ...rest] = argv
  if (name === undefined) {
    process.stderr.write(`${usage()}\n`)
    return 2
  }
  if (name === "help" || name === "--help" || name === "-h") {
    process.stdout.write(`${usage()}\n`)
    return 0
  }
  const command = commands[name]
  if (command === undefined) {
    process.stderr.write(`carabase: unknown command "${name}"\n\n${usage()}\n`)
    return 2
  }
  try {
    return await command.run(rest)
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`carabase ${name}: ${error.message}\n\n${command.help}\n`)
      return 2
    }
    process.stderr.write(`carabase ${name}: ${error instanceof Error ? error.message : String(error)}\n`)
    return 1
  }
}

process.exitCode = await main(process.argv.slice(2))
