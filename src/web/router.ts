// Client-side routes under /admin/: the host answers every non-asset path there with index.html, so deep links and
// reloads land on the right page.
import { useEffect, useState } from "preact/hooks"

export const BASE = "/admin/"

/** The path below /admin/, without leading or trailing slashes ("" is the home page). */
export const routePath = () =>
  location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length).replace(/\/+$/, "") : ""

export const href = (path: string) => BASE + path

export const navigate = (path: string, options: { readonly replace?: boolean } = {}) => {
  if (options.replace === true) history.replaceState(null, "", href(path))
  else history.pushState(null, "", href(path))
  dispatchEvent(new PopStateEvent("popstate"))
}

export const useRoute = () => {
  const [path, setPath] = useState(routePath)
  useEffect(() => {
    const update = () => setPath(routePath())
    addEventListener("popstate", update)
    return () => removeEventListener("popstate", update)
  }, [])
  return path
}

/** Plain left clicks on in-app links change the route without reloading; modified clicks keep browser behaviour. */
export const onLinkClick = (event: MouseEvent) => {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey)
    return
  const anchor = (event.target as Element | null)?.closest?.("a")
  const target = anchor?.getAttribute("href")
  if (anchor === null || anchor === undefined || target === null || target === undefined) return
  if (!target.startsWith(BASE) || anchor.target !== "") return
  event.preventDefault()
  navigate(target.slice(BASE.length))
}
