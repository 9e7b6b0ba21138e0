// A Gmail message (`format=full`) read for the owner: its headers (From, To, Cc, Subject, Date), the people in it,
// its text (the first text/plain part, else the HTML part without its tags) and its attachments. Bodies arrive
// base64url-encoded. Pure.
import { htmlToText } from "../../artifacts/Markup"
import type { Message, MessagePart } from "./GoogleClient"

export interface Address {
  readonly address: string
  readonly name: string | undefined
}

export interface MailAttachment {
  /** The part's position in the message (`1.2`): stable, unlike Gmail's attachmentId, which changes per fetch. */
  readonly partId: string
  readonly filename: string
  readonly mimeType: string
  readonly attachmentId: string
  readonly size: number
}

export interface Mail {
  readonly id: string
  readonly subject: string
  readonly from: Address | undefined
  readonly to: ReadonlyArray<Address>
  readonly cc: ReadonlyArray<Address>
  /** When Gmail received it (internalDate), else the Date header. */
  readonly receivedAt: Date | undefined
  readonly text: string
  readonly attachments: ReadonlyArray<MailAttachment>
}

const header = (part: MessagePart | undefined, name: string) =>
  part?.headers?.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value

/** `"Alice Chen" <alice@example.org>, bob@example.org`: the addresses of an address-list header (RFC 5322). */
export const parseAddresses = (value: string | undefined): ReadonlyArray<Address> => {
  if (value === undefined) return []
  const parts: Array<string> = []
  let current = ""
  let quoted = false
  let angle = false
  for (const c of value) {
    if (c === '"') quoted = !quoted
    else if (c === "<" && !quoted) angle = true
    else if (c === ">" && !quoted) angle = false
    if (c === "," && !quoted && !angle) {
      parts.push(current)
      current = ""
    } else current += c
  }
  parts.push(current)
  return parts.flatMap((raw) => {
    const text = raw.trim()
    if (text === "") return []
    const match = /^(.*)<([^<>\s]+@[^<>\s]+)>\s*$/.exec(text)
    if (match !== null) {
      const name = match[1]!
        .trim()
        .replace(/^"(.*)"$/, "$1")
        .trim()
      return [{ address: match[2]!.toLowerCase(), name: name === "" ? undefined : name }]
    }
    return /^[^\s@]+@[^\s@]+$/.test(text) ? [{ address: text.toLowerCase(), name: undefined }] : []
  })
}

export const decodeBase64Url = (data: string) => Buffer.from(data.replace(/-/g, "+").replace(/_/g, "/"), "base64")

const walk = (part: MessagePart | undefined): ReadonlyArray<MessagePart> =>
  part === undefined ? [] : [part, ...(part.parts ?? []).flatMap(walk)]

const isAttachment = (part: MessagePart) => (part.filename ?? "") !== "" && part.body?.attachmentId !== undefined

const bodyText = (parts: ReadonlyArray<MessagePart>) => {
  const inline = parts.filter((p) => !isAttachment(p) && p.body?.data !== undefined)
  const plain = inline.find((p) => (p.mimeType ?? "").toLowerCase() === "text/plain")
  if (plain !== undefined) return decodeBase64Url(plain.body!.data!).toString("utf8").trim()
  const html = inline.find((p) => (p.mimeType ?? "").toLowerCase() === "text/html")
  if (html !== undefined) return htmlToText(decodeBase64Url(html.body!.data!).toString("utf8"))
  return ""
}

export const readMail = (message: Message): Mail => {
  const parts = walk(message.payload)
  const internal = Number(message.internalDate)
  const dateHeader = Date.parse(header(message.payload, "Date") ?? "")
  return {
    id: message.id,
    subject: (header(message.payload, "Subject") ?? "").trim() || "(no subject)",
    from: parseAddresses(header(message.payload, "From"))[0],
    to: parseAddresses(header(message.payload, "To")),
    cc: parseAddresses(header(message.payload, "Cc")),
    receivedAt:
      Number.isFinite(internal) && internal > 0
        ? new Date(internal)
        : Number.isFinite(dateHeader)
          ? new Date(dateHeader)
          : undefined,
    text: bodyText(parts),
    attachments: parts.filter(isAttachment).map((p, index) => ({
      partId: p.partId ?? `#${index}`,
      filename: p.filename!,
      mimeType: p.mimeType ?? "application/octet-stream",
      attachmentId: p.body!.attachmentId!,
      size: p.body?.size ?? 0
    }))
  }
}

const who = (a: Address) => (a.name === undefined ? a.address : `${a.name} <${a.address}>`)

/** The text a mail is searchable by: its headers, then its body. */
export const mailText = (mail: Mail): string =>
  [
    mail.subject,
    `From: ${mail.from === undefined ? "(unknown)" : who(mail.from)}`,
    mail.to.length === 0 ? "" : `To: ${mail.to.map(who).join(", ")}`,
    mail.cc.length === 0 ? "" : `Cc: ${mail.cc.map(who).join(", ")}`,
    mail.receivedAt === undefined ? "" : `Date: ${mail.receivedAt.toISOString()}`,
    mail.attachments.length === 0 ? "" : `Attachments: ${mail.attachments.map((a) => a.filename).join(", ")}`,
    mail.text
  ]
    .filter((line) => line !== "")
    .join("\n")
