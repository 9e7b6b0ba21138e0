// Opens a folio commit found by search: the hit names the commit and its folio by name, so this finds the folio's id
// and moves on to the folio's page with the commit marked.
import { useEffect, useState } from "preact/hooks"
import { call } from "../api"
import { queryParam } from "../components/Found"
import { ErrorMessage, Page, errorText } from "../components/ui"
import { href, navigate } from "../router"

export const OpenFolioCommit = ({ commitId }: { commitId: string }) => {
  const [error, setError] = useState<string>()
  useEffect(() => {
    const name = queryParam("folio")
    call((api) => api.folios.list({ urlParams: {} })).then(
      ({ folios }) => {
        const folio = folios.find((candidate) => candidate.name === name)
        if (folio === undefined) return setError(`The folio "${name ?? ""}" is gone (renamed or deleted).`)
        navigate(`folios/${folio.id}?commit=${encodeURIComponent(commitId)}`, { replace: true })
      },
      (failure: unknown) => setError(errorText(failure))
    )
  }, [commitId])
  return (
    <Page title="Opening the folio commit">
      <ErrorMessage message={error} />
      {error === undefined ? (
        <p class="muted">Finding its folio…</p>
      ) : (
        <p>
          See <a href={href("folios")}>all folios</a>.
        </p>
      )}
    </Page>
  )
}
