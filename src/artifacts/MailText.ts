// Text of an email message (.eml, RFC 5322 with MIME) through postal-mime: the headers a reader looks for (subject,
// from, to, cc, date), the plain body (else the HTML body as text), then each attachment's own text, extracted by the
// caller's extractor for its type.
import PostalMime, { type Address } from "postal-mime"
import { htmlToText, tidy } from "./Markup"

export interface AttachmentText {
  readonly filename: string
  readonly mimeType: string
  readonly bytes: Uint8Array
}

const addresses = (list: ReadonlyArray<Address> | undefined): string =>
  (list ?? [])
    .flatMap((address) => (address.group === undefined ? [address] : address.group))
    .map((mailbox) => (mailbox.name === "" ? mailbox.address : `${mailbox.name} <${mailbox.address}>`))
    .join(", ")

/** The message's text; `attachment` answers an attachment's text, or a bracketed line saying why it has none. */
export const mailText = async (
  bytes: Uint8Array,
  attachment: (file: AttachmentText) => Promise<string>
): Promise<string> => {
  const email = await PostalMime.parse(bytes, { maxNestingDepth: 32, maxPartCount: 500 })
  const header = [
    ["Subject", email.subject ?? ""],
    ["From", addresses(email.from === undefined ? undefined : [email.from])],
    ["To", addresses(email.to)],
    ["Cc", addresses(email.cc)],
    ["Date", email.date ?? ""]
  ]
    .filter(([, value]) => value !== "")
    .map(([name, value]) => `${name}: ${value}`)
  const body = tidy(email.text ?? (email.html === undefined ? "" : htmlToText(email.html)))
  const parts = [header.join("\n"), body]
  for (const file of email.attachments) {
    const content = file.content
    const fileBytes =
      typeof content === "string"
        ? new TextEncoder().encode(content)
        : content instanceof Uint8Array
          ? content
          : new Uint8Array(content)
    const filename = file.filename ?? "attachment"
    const text = await attachment({ filename, mimeType: file.mimeType, bytes: fileBytes })
    parts.push(`Attachment: ${filename} (${file.mimeType})\n${text}`)
  }
  return parts.filter((part) => part !== "").join("\n\n")
}
