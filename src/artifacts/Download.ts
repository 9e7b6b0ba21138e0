// How an artifact's bytes go out: always as an attachment under a filename no client can misread (no quotes, line
// breaks, path separators, control or direction-changing characters), never as something a browser would run on this
// host's origin. An uploaded HTML, SVG, XML or script file is served as application/octet-stream, and every download
// carries nosniff and a sandboxing Content-Security-Policy, so a page in the owner's browser gets no script execution
// here through an artifact.

/** Types a browser renders as a document or runs as script: XML (SVG, XHTML, XSLT) and JavaScript included. */
const ACTIVE =
  /^(text\/html|text\/xml|text\/xsl|application\/xml|application\/xhtml\+xml|image\/svg\+xml|[a-z0-9.+-]+\/[a-z0-9.-]+\+xml|[a-z0-9.+-]+\/(x-)?(java|ecma)script|text\/jscript|text\/livescript|application\/x-shockwave-flash|text\/cache-manifest|multipart\/.*)$/

/** A media type as the HTTP grammar allows it (type/subtype tokens), and nothing else. */
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/

/**
 * The Content-Type to send for a stored type: itself (with its charset, the one parameter kept), unless it is
 * malformed or active content.
 */
export const servedContentType = (stored: string): string => {
  const [head, ...parameters] = stored.split(";")
  const type = head!.trim().toLowerCase()
  if (!MEDIA_TYPE.test(type) || ACTIVE.test(type)) return "application/octet-stream"
  const charset = parameters.map((p) => /^\s*charset=([a-z0-9._-]+)\s*$/i.exec(p)?.[1]).find((c) => c !== undefined)
  return charset === undefined ? type : `${type}; charset=${charset.toLowerCase()}`
}

/* eslint-disable no-control-regex */
/** C0 and C1 controls, DEL, and the bidirectional overrides and isolates that can disguise an extension. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g
/* eslint-enable no-control-regex */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

/** The name as the client should save it: one path segment of visible characters, not hidden, never empty. */
const safeName = (filename: string): string => {
  const name = filename
    .replace(LONE_SURROGATE, "\ufffd")
    .replace(UNSAFE, "")
    .replace(/[\\/]/g, "_")
    .trim()
    .replace(/^\.+/, (dots) => "_".repeat(dots.length))
  return name === "" ? "download" : name
}

/** RFC 8187 value characters; everything else is percent-encoded UTF-8 (encodeURIComponent leaves `'()*` bare). */
const encodeExtValue = (value: string) =>
  encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)

/**
 * `attachment; filename="<ASCII stand-in>"; filename*=UTF-8''<the name, percent-encoded>`: the quoted form for old
 * clients (anything outside printable ASCII, and `"`, `\`, `%` and `;`, become `_`), the encoded form for the rest.
 */
export const contentDisposition = (filename: string): string => {
  const name = safeName(filename)
  const ascii = name.replace(/[^\x20-\x7e]|["\\%;]/g, "_")
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeExtValue(name)}`
}

/** Every header of a download but its length. */
export const downloadHeaders = (file: { readonly filename: string; readonly mimeType: string }) => ({
  "content-type": servedContentType(file.mimeType),
  "content-disposition": contentDisposition(file.filename),
  "x-content-type-options": "nosniff",
  "content-security-policy": "sandbox; default-src 'none'",
  "cross-origin-resource-policy": "same-origin",
  "cache-control": "private, no-cache"
})
