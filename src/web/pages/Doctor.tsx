// Doctor and backups: both read the host's files, env and database roles directly, which the HTTP API deliberately
// does not expose, so this page says what each command checks and how to run it.
import { Page } from "../components/ui"

export const DoctorPage = () => (
  <Page title="Doctor and backups">
    <h2>Doctor</h2>
    <p>
      Run <code>pnpm carabase doctor</code> (or <code>pnpm carabase doctor --json</code>) in a shell on the host. It
      checks the master key, the env file&apos;s mode, that <code>carabase_app</code> cannot bypass row-level security,
      that every workspace table has forced RLS, that migrations are current, the gateway URL and password, where the
      host listens and the newest backup&apos;s age: PASS, WARN or FAIL with a one-line fix each.
    </p>
    <h2>Backups</h2>
    <p>The nightly backup job runs at 01:30 and prunes old backups afterwards (see the Jobs page for its last run).</p>
    <ul>
      <li>
        <code>pnpm carabase backup:status</code>: each env&apos;s newest backup and its age (PASS under 30 h, WARN to 72
        h, FAIL beyond).
      </li>
      <li>
        <code>pnpm carabase backup</code>: an encrypted, verified backup now.
      </li>
      <li>
        <code>pnpm carabase backup:verify &lt;file&gt;</code>: reads a backup back completely.
      </li>
    </ul>
  </Page>
)
