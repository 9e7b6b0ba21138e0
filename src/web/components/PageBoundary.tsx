// Where the shell shows the current page. Pages other than Today arrive as chunks on their first visit (lazyPages.ts):
// meanwhile a status line says the page is loading, and a chunk that cannot be fetched (the host was updated while the
// tab stayed open, so the old file names are gone; the connection dropped) shows why with a way to reload instead of
// an empty screen. A page that fails while rendering is caught here too, so the header and menu stay usable.
import { Component, type ComponentChildren } from "preact"
import { Suspense } from "preact/compat"
import { errorText } from "./ui"

const PageLoading = () => (
  <section class="page-loading" aria-busy="true">
    <p role="status">Loading the page…</p>
  </section>
)

export class PageBoundary extends Component<{ readonly children: ComponentChildren }, { readonly failure?: string }> {
  static override getDerivedStateFromError(error: unknown) {
    return { failure: errorText(error) }
  }

  override render() {
    const { failure } = this.state
    if (failure === undefined) return <Suspense fallback={<PageLoading />}>{this.props.children}</Suspense>
    return (
      <section aria-labelledby="page-title">
        <h1 id="page-title" tabIndex={-1}>
          This page could not be shown
        </h1>
        <p class="error" role="alert">
          {failure}
        </p>
        <p>If the host was just updated, reloading fetches its new version of the page.</p>
        <button type="button" onClick={() => location.reload()}>
          Reload
        </button>
      </section>
    )
  }
}

/**
 * Focuses the page's title (so screen readers announce the page and the next Tab starts in it) now, or as soon as it
 * is rendered when the page's chunk is still on its way. Returns what stops waiting (the route changed meanwhile).
 */
export const focusTitleWhenShown = (): (() => void) | undefined => {
  const focus = () => {
    const title = document.getElementById("page-title")
    title?.focus({ preventScroll: true })
    return title !== null
  }
  if (focus()) return undefined
  const observer = new MutationObserver(() => {
    if (focus()) observer.disconnect()
  })
  observer.observe(document.getElementById("main") ?? document.body, { childList: true, subtree: true })
  return () => observer.disconnect()
}
