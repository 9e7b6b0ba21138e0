// What `carabase service install` writes: a launchd agent on macOS and a systemd user unit on Linux, generated here
// from one spec (pure functions, so the files are tested without loading them). Both run `node dist/main.js` with the
// absolute Node binary that installed them, in the install's folder (where the host reads `.env.<env>`, as a
// foreground `node dist/main.js` does), with CARABASE_ENV set and nothing secret in the file itself.
import * as path from "node:path"

export type ServiceManager = "launchd" | "systemd"

export interface ServiceSpec {
  readonly env: string
  /** Absolute path of the Node binary (process.execPath of the install). */
  readonly node: string
  /** Absolute path of the host bundle to run. */
  readonly script: string
  /** The install's folder: the working directory, holding `.env.<env>`. */
  readonly workingDirectory: string
  /** PATH for the service: launchd and systemd start with a bare one, and backups need pg_dump. */
  readonly path: string
  readonly home: string
}

export const launchdLabel = (env: string) => `ai.carabase.host.${env}`
export const systemdUnitName = (env: string) => `carabase-${env}.service`

/** Where the manager's file goes, and (launchd) where the host's output is written. */
export const serviceFilePath = (manager: ServiceManager, env: string, home: string) =>
  manager === "launchd"
    ? path.join(home, "Library", "LaunchAgents", `${launchdLabel(env)}.plist`)
    : path.join(home, ".config", "systemd", "user", systemdUnitName(env))

export const launchdLogPaths = (env: string, home: string) => {
  const dir = path.join(home, "Library", "Logs", "Carabase")
  return { dir, out: path.join(dir, `host-${env}.log`), err: path.join(dir, `host-${env}.err.log`) }
}

const xml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")

const xmlString = (text: string) => `<string>${xml(text)}</string>`

/**
 * The launchd agent: started at login (RunAtLoad) and restarted whenever it exits (KeepAlive), given 40 s to stop
 * (the host exits within 30 s of SIGTERM), its output appended under ~/Library/Logs/Carabase/.
 */
export const launchdPlist = (spec: ServiceSpec): string => {
  const logs = launchdLogPaths(spec.env, spec.home)
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<!-- Written by \`carabase service install\`; \`carabase service uninstall\` removes it. -->
<plist version="1.0">
<dict>
  <key>Label</key>
  ${xmlString(launchdLabel(spec.env))}
  <key>ProgramArguments</key>
  <array>
    ${xmlString(spec.node)}
    ${xmlString(spec.script)}
  </array>
  <key>WorkingDirectory</key>
  ${xmlString(spec.workingDirectory)}
  <key>EnvironmentVariables</key>
  <dict>
    <key>CARABASE_ENV</key>
    ${xmlString(spec.env)}
    <key>PATH</key>
    ${xmlString(spec.path)}
  </dict>
  <key>RunAtLoad</key>
  <true/>
  <key>KeepAlive</key>
  <true/>
  <key>ThrottleInterval</key>
  <integer>10</integer>
  <key>ExitTimeOut</key>
  <integer>40</integer>
  <key>ProcessType</key>
  <string>Background</string>
  <key>StandardOutPath</key>
  ${xmlString(logs.out)}
  <key>StandardErrorPath</key>
  ${xmlString(logs.err)}
</dict>
</plist>
`
}

/** A word of a systemd command line: `%` and `$` escaped, quoted when it holds a space, quote or backslash. */
const systemdWord = (word: string) => {
  const escaped = word.replace(/%/g, "%%").replace(/\$/g, "$$$$")
  return /[\s"'\\]/.test(escaped) ? `"${escaped.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"` : escaped
}

/** A value on the right of `=` (WorkingDirectory): specifiers escaped. */
const systemdValue = (value: string) => value.replace(/%/g, "%%")

/** An Environment= assignment: specifiers escaped (no `$` expansion happens there), quoted when it holds a space. */
const systemdEnv = (assignment: string) => {
  const escaped = systemdValue(assignment)
  return /[\s"'\\]/.test(escaped) ? `"${escaped.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"` : escaped
}

/**
 * The systemd user unit: restarted on failure (not after a clean stop), 40 s to stop, output to the journal
 * (`journalctl --user -u carabase-<env>`), started with the user's session, or at boot with lingering enabled.
 */
export const systemdUnit = (
  spec: ServiceSpec
): string => `# Written by \`carabase service install\`; \`carabase service uninstall\` removes it.
[Unit]
Description=Carabase host (${spec.env})
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
WorkingDirectory=${systemdValue(spec.workingDirectory)}
Environment=${systemdEnv(`CARABASE_ENV=${spec.env}`)}
Environment=${systemdEnv(`PATH=${spec.path}`)}
ExecStart=${systemdWord(spec.node)} ${systemdWord(spec.script)}
Restart=on-failure
RestartSec=5
KillSignal=SIGTERM
TimeoutStopSec=40

[Install]
WantedBy=default.target
`
