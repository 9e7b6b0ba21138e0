// One artifact opened (from a search hit or the list): its name, kind and size, its extracted text, and its file to
// download (through the typed client, so the workspace and API key go with it).
import { useState } from "preact/hooks"
import { call } from "../api"
import { ErrorMessage, Loading, Page, errorText, formatTime, useLoad } from "../components/ui"
import { href } from "../router"
import type { ArtifactId } from "../../artifacts/ArtifactsApi"

export const sizeText = (bytes: number) =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1024 * 1024
      ? `${(bytes / 1024).toFixed(1)} KB`
      : `${(bytes / (1024 * 1024)).toFixed(1)} MB`

/** Fetches the stored bytes and hands them to the browser as a download named after the file. */
export const downloadArtifact = async (artifact: { id: string; filename: string; mimeType: string }) => {
  const bytes = await call((api) => api.artifacts.file({ path: { id: artifact.id as ArtifactId } }))
  const url = URL.createObjectURL(new Blob([new Uint8Array(bytes)], { type: artifact.mimeType }))
  const link = document.createElement("a")
  link.href = url
  link.download = artifact.filename
  link.click()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

export const ArtifactDetail = ({ id }: { id: string }) => {
  const artifact = useLoad(
    () =>
      Promise.all([
        call((api) => api.artifacts.get({ path: { id: id as ArtifactId } })),
        call((api) => api.artifacts.content({ path: { id: id as ArtifactId }, urlParams: {} }))
      ]),
    [id]
  )
  const [error, setError] = useState<string>()
  const [meta, text] = artifact.data ?? []
  return (
    <Page title={meta?.artifact.filename ?? "Artifact"}>
      <p>
        <a href={href("artifacts")}>All artifacts</a>
      </p>
      <Loading when={artifact.loading && artifact.data === undefined} />
      <ErrorMessage message={artifact.error} />
      <ErrorMessage message={error} />
      {meta === undefined || text === undefined ? null : (
        <>
          <p class="muted">
            {meta.artifact.mimeType} · {sizeText(meta.artifact.size)} · {formatTime(meta.artifact.createdAt)}
          </p>
          <button
            type="button"
            onClick={() => {
              setError(undefined)
              downloadArtifact(meta.artifact).catch((failure: unknown) => setError(errorText(failure)))
            }}
          >
            Download {meta.artifact.filename}
          </button>
          <h2>Text</h2>
          {text.truncated ? <p class="muted">Shortened: about {text.totalTokens} tokens in all.</p> : null}
          <pre class="artifact-text" tabIndex={0} aria-label={`Text of ${meta.artifact.filename}`}>
            {text.content}
          </pre>
        </>
      )}
    </Page>
  )
}
