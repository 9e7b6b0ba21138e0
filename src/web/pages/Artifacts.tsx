// Artifacts: uploaded and harvested files, newest first, a page at a time; download one (through the typed client, so
// the workspace and API key go with it) or delete it to the trash with an undo toast.
import * as Schema from "effect/Schema"
import { useState } from "preact/hooks"
import { call } from "../api"
import { offerUndo } from "../components/Undo"
import { ErrorMessage, Loading, Page, errorText, formatTime, useLoad } from "../components/ui"
import { href } from "../router"
import { downloadArtifact, sizeText } from "./ArtifactDetail"
import { ArtifactCursor, type ArtifactPosition, type ArtifactSummary } from "../../artifacts/ArtifactsApi"

export const ArtifactsPage = () => {
  const [cursors, setCursors] = useState<ReadonlyArray<ArtifactPosition>>([])
  const cursor = cursors[cursors.length - 1]
  const artifacts = useLoad(
    () => call((api) => api.artifacts.list({ urlParams: cursor === undefined ? {} : { cursor } })),
    [cursor]
  )
  const [error, setError] = useState<string>()

  const download = async (artifact: ArtifactSummary) => {
    setError(undefined)
    try {
      await downloadArtifact(artifact)
    } catch (failure) {
      setError(errorText(failure))
    }
  }

  const remove = async (artifact: ArtifactSummary) => {
    setError(undefined)
    try {
      const { trashId } = await call((api) => api.artifacts.remove({ path: { id: artifact.id } }))
      offerUndo(`Artifact deleted: ${artifact.filename}`, trashId, artifacts.reload)
    } catch (failure) {
      setError(errorText(failure))
    } finally {
      artifacts.reload()
    }
  }

  const list = artifacts.data?.artifacts
  return (
    <Page title="Artifacts">
      <Loading when={artifacts.loading && list === undefined} />
      <ErrorMessage message={artifacts.error} />
      <ErrorMessage message={error} />
      {list !== undefined && list.length === 0 ? <p class="empty">No artifacts yet.</p> : null}
      <ul class="list" aria-label="artifacts">
        {list?.map((artifact) => (
          <li key={artifact.id}>
            <strong>
              <a href={href(`artifacts/${artifact.id}`)}>{artifact.filename}</a>
            </strong>{" "}
            <span class="chip">{artifact.kind}</span>
            <small class="muted">
              {artifact.mimeType} · {sizeText(artifact.size)} · {formatTime(artifact.createdAt)}
              {artifact.kind === "harvested" ? ` · ${artifact.source}` : ""}
            </small>
            <span class="item-actions">
              <button
                type="button"
                class="secondary small"
                aria-label={`Download ${artifact.filename}`}
                onClick={() => void download(artifact)}
              >
                Download
              </button>
              <button
                type="button"
                class="secondary small"
                aria-label={`Delete ${artifact.filename}`}
                onClick={() => void remove(artifact)}
              >
                Delete
              </button>
            </span>
          </li>
        ))}
      </ul>
      <div class="toolbar">
        {cursors.length === 0 ? null : (
          <button type="button" class="secondary" onClick={() => setCursors(cursors.slice(0, -1))}>
            Newer
          </button>
        )}
        {artifacts.data?.nextCursor == null ? null : (
          <button
            type="button"
            class="secondary"
            onClick={() => setCursors([...cursors, Schema.decodeSync(ArtifactCursor)(artifacts.data!.nextCursor!)])}
          >
            Older
          </button>
        )}
      </div>
    </Page>
  )
}
