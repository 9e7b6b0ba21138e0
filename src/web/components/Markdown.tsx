// Markdown as the owner reads it (entries on Today, chat replies): marked turns it into HTML and DOMPurify keeps only
// a fixed set of formatting tags, so text from anyone (a webhook, the agent, a paste) cannot run script, style the
// page, load images or submit forms. Links open in a new tab without handing it this page.
import DOMPurify from "dompurify"
import { Marked } from "marked"

const marked = new Marked({ gfm: true, breaks: true, async: false })

const ALLOWED_TAGS = [
  "a",
  "p",
  "br",
  "strong",
  "em",
  "del",
  "s",
  "code",
  "pre",
  "blockquote",
  "ul",
  "ol",
  "li",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "hr",
  "table",
  "thead",
  "tbody",
  "tr",
  "th",
  "td"
]

let hooked = false
const sanitize = (html: string) => {
  if (!hooked) {
    hooked = true
    DOMPurify.addHook("afterSanitizeAttributes", (node) => {
      if (node.tagName === "A") {
        node.setAttribute("target", "_blank")
        node.setAttribute("rel", "noopener noreferrer")
      }
    })
  }
  return DOMPurify.sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR: ["href", "title", "start", "align"],
    ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|#)/i
  })
}

/** Sanitised HTML of a Markdown document (blocks: paragraphs, lists, code, tables). */
export const markdownHtml = (markdown: string) => sanitize((marked.parse(markdown) as string).trim())

/** Sanitised HTML of one line of inline Markdown (bold, italics, code, links), for text inside a block. */
export const inlineMarkdownHtml = (markdown: string) => sanitize(marked.parseInline(markdown) as string)

export const Markdown = ({ text, class: className }: { readonly text: string; readonly class?: string }) => (
  <div
    class={className === undefined ? "markdown" : `markdown ${className}`}
    dangerouslySetInnerHTML={{ __html: markdownHtml(text) }}
  />
)

/**
 * Text in which inline Markdown can mean nothing: no emphasis, code, strike, link, escape, entity, tag, line break or
 * autolink (URL, www., e-mail) can start. marked would return it as it is and DOMPurify keep it, so it is shown as
 * plain text without either; most entries' text is like this, and skipping both keeps Today's first render short.
 */
const MAY_BE_MARKDOWN = /[\\<>&[\]*_`~\n@]|:\/\/|www\./i

export const InlineMarkdown = ({ text }: { readonly text: string }) =>
  MAY_BE_MARKDOWN.test(text) ? (
    <span class="markdown-inline" dangerouslySetInnerHTML={{ __html: inlineMarkdownHtml(text) }} />
  ) : (
    <span class="markdown-inline">{text}</span>
  )
