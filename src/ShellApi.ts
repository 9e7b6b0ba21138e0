// The part of the API (src/Api.ts) that the admin UI's shell and its landing page, Today, call: the workspaces, the
// daily notes and tasks, the trash (undo) and the backup badge. The whole API is these groups and the rest; the UI's
// first chunk derives its client from this part alone (src/web/shellClient.ts), so a cold load of Today does not download
// and build the declarations of every other page's routes.
import { HttpApi } from "@effect/platform"
import { BackupsApi } from "./backups/BackupsApi"
import { NotesApi } from "./notes/NotesApi"
import { TasksApi } from "./tasks/TasksApi"
import { TrashApi } from "./trash/TrashApi"
import { WorkspacesApi } from "./workspaces/WorkspacesApi"
import { strictInputs } from "./StrictApi"

/** The groups as declared (the whole API adds the others to this). */
export const shellGroups = HttpApi.make("carabase")
  .add(WorkspacesApi)
  .add(NotesApi)
  .add(TasksApi)
  .add(TrashApi)
  .add(BackupsApi)

export class ShellApi extends strictInputs(shellGroups) {}
