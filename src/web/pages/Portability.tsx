// Import and export: send a zip (or a picked folder, zipped here) to POST /imports, follow the run's progress and
// read its per-file report, and download the workspace as a zip. The upload and the download are the two requests the
// typed client cannot make (a zip body, a zip answer); progress and reports go through it.
import { useEffect, useState } from "preact/hooks"
import { authHeaders, call, currentWorkspace } from "../api"
import { storedZip } from "../components/StoredZip"
import { ErrorMessage, Page, errorText, formatTime, useLoad } from "../components/ui"
import type { ImportFileReport, ImportStatus } from "../../portability/PortabilityApi"

const upload = async (zip: Blob, options: { dryRun: boolean; folios: boolean }): Promise<ImportStatus> => {
  const query = new URLSearchParams()
  if (options.dryRun) query.set("dryRun", "true")
  if (options.folios) query.set("folios", "folders")
  const response = await fetch(`/api/v1/imports${query.size === 0 ? "" : `?${query}`}`, {
    method: "POST",
    headers: { "content-type": "application/zip", "x-workspace-id": currentWorkspace() ?? "", ...authHeaders() },
    body: zip
  })
  const body = (await response.json()) as { import?: ImportStatus; message?: string }
  if (response.status !== 202 || body.import === undefined)
    throw new Error(body.message ?? `import refused (${response.status})`)
  return body.import
}

const folderZip = async (files: FileList) =>
  storedZip(
    await Promise.all(
      [...files].map(async (file) => ({
        path: file.webkitRelativePath === "" ? file.name : file.webkitRelativePath,
        bytes: new Uint8Array(await file.arrayBuffer())
      }))
    )
  )

const Progress = ({ run }: { run: ImportStatus }) => (
  <div class="card" aria-label="import progress">
    <p>
      <strong>{run.format}</strong> {run.dryRun ? "(dry run) " : ""}— {run.status}: {run.done} of {run.total} files
    </p>
    <progress value={run.done} max={Math.max(run.total, 1)} aria-label="files imported" />
    <p>
      {run.counts.created} created, {run.counts.updated} updated, {run.counts.unchanged} unchanged, {run.counts.skipped}{" "}
      skipped
    </p>
    {run.error === null ? null : <p role="alert">{run.error}</p>}
  </div>
)

const Report = ({ id }: { id: string }) => {
  const report = useLoad(
    () => call((api) => api.portability.importFiles({ path: { id }, urlParams: { limit: 5000 } })),
    [id]
  )
  return (
    <>
      <ErrorMessage message={report.error} />
      <table aria-label="per-file report">
        <thead>
          <tr>
            <th>File</th>
            <th>Outcome</th>
            <th>Became</th>
            <th>Reason</th>
          </tr>
        </thead>
        <tbody>
          {report.data?.files.map((file: ImportFileReport) => (
            <tr key={file.path}>
              <td>{file.path}</td>
              <td>{file.outcome}</td>
              <td>{file.kind}</td>
              <td>{file.reason ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  )
}

export const PortabilityPage = () => {
  const [zip, setZip] = useState<File>()
  const [folder, setFolder] = useState<FileList>()
  const [dryRun, setDryRun] = useState(false)
  const [folios, setFolios] = useState(false)
  const [run, setRun] = useState<ImportStatus>()
  const [error, setError] = useState<string>()
  const [busy, setBusy] = useState(false)
  const runs = useLoad(() => call((api) => api.portability.listImports()), [run?.status])

  useEffect(() => {
    if (run === undefined || run.status !== "running") return
    const timer = setTimeout(() => {
      call((api) => api.portability.getImport({ path: { id: run.id } })).then(
        (answer) => setRun(answer.import),
        (failure) => setError(errorText(failure))
      )
    }, 500)
    return () => clearTimeout(timer)
  }, [run])

  const start = async (event: Event) => {
    event.preventDefault()
    setError(undefined)
    if (zip === undefined && (folder === undefined || folder.length === 0))
      return setError("pick a zip file or a folder")
    setBusy(true)
    try {
      const body = zip ?? (await folderZip(folder!))
      setRun(await upload(body, { dryRun, folios }))
    } catch (failure) {
      setError(errorText(failure))
    } finally {
      setBusy(false)
    }
  }

  const download = async () => {
    setError(undefined)
    const response = await fetch("/api/v1/export", {
      headers: { "x-workspace-id": currentWorkspace() ?? "", ...authHeaders() }
    })
    if (!response.ok) return setError(`export failed (${response.status})`)
    const link = document.createElement("a")
    link.href = URL.createObjectURL(await response.blob())
    link.download = `carabase-export-${new Date().toISOString().slice(0, 10)}.zip`
    link.click()
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000)
  }

  return (
    <Page title="Import and export">
      <form class="card" aria-label="Import" onSubmit={start}>
        <p class="muted">
          An Obsidian vault, a folder of Markdown, a Logseq graph, a Notion export or a Carabase export. Importing the
          same files again changes nothing. For very large vaults, use <code>carabase import</code>.
        </p>
        <div class="field">
          <label for="import-zip">Zip file</label>
          <input
            id="import-zip"
            type="file"
            accept=".zip,application/zip"
            onChange={(e) => setZip(e.currentTarget.files?.[0])}
          />
        </div>
        <div class="field">
          <label for="import-folder">or a folder</label>
          <input
            id="import-folder"
            type="file"
            {...{ webkitdirectory: true, directory: true }}
            onChange={(e) => setFolder(e.currentTarget.files ?? undefined)}
          />
        </div>
        <label>
          <input type="checkbox" checked={dryRun} onChange={(e) => setDryRun(e.currentTarget.checked)} /> Dry run
          (report only)
        </label>
        <label>
          <input type="checkbox" checked={folios} onChange={(e) => setFolios(e.currentTarget.checked)} /> Each folder
          becomes a folio
        </label>
        <ErrorMessage message={error} />
        <button type="submit" disabled={busy}>
          {busy ? "Sending…" : "Import"}
        </button>
      </form>
      {run === undefined ? null : <Progress run={run} />}
      {run === undefined || run.status === "running" ? null : <Report id={run.id} />}
      <section class="card" aria-label="Export">
        <p>Everything in this workspace, in open formats: notes as Markdown, folios, memories, the graph, artifacts.</p>
        <button type="button" onClick={download}>
          Download export
        </button>
      </section>
      <h2>Recent imports</h2>
      <ul class="list" aria-label="recent imports">
        {runs.data?.imports.map((each) => (
          <li key={each.id}>
            {formatTime(each.startedAt)} — {each.format}, {each.status}: {each.counts.created} created,{" "}
            {each.counts.updated} updated, {each.counts.unchanged} unchanged, {each.counts.skipped} skipped
          </li>
        ))}
      </ul>
    </Page>
  )
}
