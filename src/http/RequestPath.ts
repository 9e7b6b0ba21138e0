// A request's path as the routes see it (the URL without its query), and whether it lies under a route prefix: the
// one reading the request guard, the API-key guard and the JSON error handler share.

export const pathOf = (url: string): string => url.split("?")[0] ?? ""

/** `/mcp` and `/mcp/...`, but not `/mcpx`. */
export const isUnder = (path: string, prefix: string): boolean => path === prefix || path.startsWith(`${prefix}/`)
