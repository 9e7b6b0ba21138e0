// One statement under a workspace setting, in one round trip: a pg query that sends
// `SELECT set_config('app.workspace_id', $1, true)` and the statement as one extended-protocol pipeline (parse, bind,
// describe, execute for each) closed by a single Sync. Until that Sync both run in one implicit transaction, so the
// transaction-local setting is there for the statement and gone after it: committed at the Sync, or rolled back with
// the statement when either fails (PostgreSQL then skips to the Sync and executes nothing more). The id is a bound
// parameter, never spliced into the text. It overrides pg.Query's protocol steps, so package.json pins pg exactly
// (8.23.1, the version it was written against); test/db/pool-leakage.test.ts is the guard for any upgrade.
import pg from "pg"

/** The protocol writes of pg's connection that a query's `prepare` may use. */
interface Wire {
  parse(message: { readonly text: string }): void
  bind(message: { readonly values: ReadonlyArray<unknown> }): void
  describe(message: { readonly type: "P"; readonly name: string }): void
  execute(message: Record<string, never>): void
}

type Callback = (error: Error | null, results: pg.QueryResult | ReadonlyArray<pg.QueryResult>) => void

/** pg.Query as this file uses it: its constructor and the `prepare` step that writes a parameterised query. */
const Query = pg.Query as unknown as new (
  text: string,
  values: ReadonlyArray<unknown>,
  callback: Callback
) => { prepare(connection: Wire): void; requiresPreparation(): boolean }

const SET_WORKSPACE = "SELECT set_config('app.workspace_id', $1, true)"

class ScopedQuery extends Query {
  readonly #workspaceId: string
  constructor(workspaceId: string, text: string, values: ReadonlyArray<unknown>, callback: Callback) {
    super(text, values, callback)
    this.#workspaceId = workspaceId
  }
  /** Always the extended protocol (even without parameters), so the setting shares the statement's Sync. */
  override requiresPreparation() {
    return true
  }
  /** pg corks the socket around this, so the whole pipeline leaves in one write. */
  override prepare(connection: Wire) {
    connection.parse({ text: SET_WORKSPACE })
    connection.bind({ values: [this.#workspaceId] })
    connection.describe({ type: "P", name: "" })
    connection.execute({})
    super.prepare(connection)
  }
}

/**
 * Runs `text` with `values` on `client` as `workspaceId`; calls back with the statement's rows (the setting's own
 * result is dropped) or the error.
 */
export const queryAsWorkspace = (
  client: pg.ClientBase,
  workspaceId: string,
  text: string,
  values: ReadonlyArray<unknown>,
  callback: (error: Error | undefined, rows: ReadonlyArray<object>) => void
): void => {
  client.query(
    new ScopedQuery(workspaceId, text, values, (error, results) => {
      if (error) return callback(error, [])
      const all = Array.isArray(results) ? results : [results as pg.QueryResult]
      callback(undefined, all.at(-1)?.rows ?? [])
    }) as unknown as pg.Submittable
  )
}
