// Voice notes sent to a Telegram bot or a WhatsApp number: the step the reply worker takes before it answers an event.
// Each voice note's audio is fetched from the platform with the channel's bot token (InboundMedia), stored as an
// artifact of the channel's workspace (source `channel:<kind>`: kept, downloadable, searchable by its transcript) and
// linked from the message's card in the day's note; storing it queues its transcription through the workspace's
// `transcription` route (the artifacts' background queue). The event records each stored artifact by message, so a
// retry or a restarted host never fetches one twice. Once the transcript is there the card shows it, and the message
// is answered with the transcript (after its caption) as its text.
import { Effect, Either, Option, Schedule } from "effect"
import { Artifacts, maxUploadBytes } from "../artifacts/Artifacts"
import type { ArtifactId } from "../artifacts/ArtifactsApi"
import type { ClaimedEvent, ChannelsShape, OutboundChannel } from "../channels/Channels"
import { captureKey } from "../channels/Channels"
import { captureText, type InboundMessage, type VoiceCard } from "../channels/InboundPayload"
import { localDate } from "../notes/NoteDate"
import type { NotesShape } from "../notes/Notes"
import type { CurrentWorkspace } from "../platform/CurrentWorkspace"
import { Writer } from "../platform/Writer"
import { toStorableText } from "../schema/StorableText"
import { fetchAudio } from "./InboundMedia"
import type { OutboundConfig } from "./Outbound"

/** The most of a transcript a reply is asked about (in tokens of four characters). */
const TRANSCRIPT_TOKENS = 4_000

/** What the worker does with an event once its voice notes were looked at. */
export type Prepared =
  /** Answer: the text of each message (by position), or undefined for one not to answer (`unanswered` says why). */
  | {
      readonly _tag: "Ready"
      readonly texts: ReadonlyArray<string | undefined>
      readonly unanswered: string | undefined
    }
  /** A transcript is not there yet: look again later, without using up an attempt. */
  | { readonly _tag: "Wait"; readonly reason: string }
  /** Fetching failed in a way a later attempt may mend: an attempt used up. */
  | { readonly _tag: "Retry"; readonly reason: string }
  /** The event ends here. */
  | { readonly _tag: "End"; readonly status: "failed" | "captured"; readonly reason: string }

const ready = (texts: ReadonlyArray<string | undefined>, unanswered: string | undefined): Prepared => ({
  _tag: "Ready",
  texts,
  unanswered
})

export const make = (channels: ChannelsShape, notes: NotesShape, config: OutboundConfig) =>
  Effect.gen(function* () {
    const artifacts = yield* Artifacts
    const maxBytes = yield* maxUploadBytes

    /** Rewrites the message's card in the day it was captured into (or today's); one the owner removed stays gone. */
    const showOnCard = (event: ClaimedEvent, index: number, message: InboundMessage, card: VoiceCard) =>
      Effect.gen(function* () {
        const key = captureKey(event.id, index)
        const content = toStorableText(captureText(event.kind, message, card))
        const captured = localDate(event.receivedAt.epochMillis)
        const today = (yield* notes.now).date
        for (const day of captured === today ? [today] : [captured, today]) {
          const edited = yield* notes.editEntry(day, key, { content }).pipe(
            Effect.as(true),
            Effect.catchTags({
              EntryNotFound: () => Effect.succeed(false),
              NoteTooLarge: (error) =>
                Effect.as(Effect.logWarning(`voice note not shown in the note: ${error.message}`), true)
            })
          )
          if (edited) return
        }
      }).pipe(Writer.as("channel", event.kind), Effect.orDie)

    /** Fetches and stores the audio of message `index`; answers its artifact, or how the event goes on. */
    const store = (event: ClaimedEvent, channel: OutboundChannel, index: number, message: InboundMessage) =>
      Effect.gen(function* () {
        const audio = message.audio!
        if (Option.isNone(channel.botToken)) {
          return Either.left<Prepared>({
            _tag: "End",
            status: "captured",
            reason: `in the note; the voice note was not fetched: the ${channel.kind} channel has no bot token`
          })
        }
        const fetched = yield* fetchAudio(config, channel.kind, channel.botToken.value, audio, maxBytes).pipe(
          Effect.retry({ times: 2, schedule: Schedule.exponential("1 second"), while: (error) => error.transient }),
          Effect.either
        )
        if (fetched._tag === "Left") {
          const reason = `the voice note could not be fetched: ${fetched.left.message}`
          return Either.left<Prepared>(
            fetched.left.transient ? { _tag: "Retry", reason } : { _tag: "End", status: "failed", reason }
          )
        }
        const media = fetched.right
        const stored = yield* artifacts.storeHarvested({
          source: `channel:${channel.kind}`,
          externalId: `${event.id}:${index}`,
          connectionId: null,
          title: media.filename,
          text: `${audio.voice ? "Voice note" : "Audio"} from ${message.senderId} on ${channel.kind}`,
          metadata: {
            channel: { id: channel.id, kind: channel.kind, event: event.id },
            conversationId: message.conversationId,
            senderId: message.senderId,
            ...(message.messageId === undefined ? {} : { messageId: message.messageId }),
            ...(audio.durationSeconds === undefined ? {} : { durationSeconds: audio.durationSeconds }),
            voice: audio.voice
          },
          file: { filename: media.filename, declaredType: media.mimeType ?? "", bytes: media.bytes }
        })
        yield* channels.recordMedia(event.id, index, stored.id)
        yield* showOnCard(event, index, message, { artifact: { id: stored.id, filename: media.filename } })
        return Either.right(stored.id)
      })

    /** The transcript of a stored voice note: its text, why it has none, or None while it is still being made. */
    const transcriptOf = (id: ArtifactId) =>
      Effect.gen(function* () {
        const artifact = yield* artifacts.get(id)
        const text = yield* artifacts.content(id, TRANSCRIPT_TOKENS)
        const card = { id, filename: artifact.filename }
        if (text.status === "pending") return { card, transcript: Option.none<VoiceCard["transcript"]>(), text }
        return {
          card,
          transcript: Option.some(text.status === "text" ? { text: text.content } : { missing: text.reason ?? "none" }),
          text
        }
      })

    const prepare = (
      event: ClaimedEvent,
      channel: OutboundChannel,
      messages: ReadonlyArray<InboundMessage>
    ): Effect.Effect<Prepared, never, CurrentWorkspace> =>
      Effect.gen(function* () {
        const texts: Array<string | undefined> = []
        let unanswered: string | undefined
        let waiting: string | undefined
        for (const [index, message] of messages.entries()) {
          if (message.audio === undefined) {
            texts.push(message.text)
            continue
          }
          let id = event.media[String(index)]
          if (id === undefined) {
            const outcome = yield* store(event, channel, index, message)
            if (Either.isLeft(outcome)) return outcome.left
            id = outcome.right
          }
          const found = yield* Effect.option(transcriptOf(id as ArtifactId))
          if (Option.isNone(found)) {
            texts.push(undefined)
            unanswered = "the voice note's audio was deleted"
            continue
          }
          const { card, transcript, text } = found.value
          if (Option.isNone(transcript)) {
            waiting = `waiting for the voice note's transcript: ${text.reason ?? "queued for transcription"}`
            texts.push(undefined)
            continue
          }
          yield* showOnCard(event, index, message, { artifact: card, transcript: transcript.value })
          const said = transcript.value
          if (said !== undefined && "text" in said) {
            texts.push(message.text.trim() === "" ? said.text : `${message.text}\n\n${said.text}`)
          } else {
            texts.push(message.text.trim() === "" ? undefined : message.text)
            if (message.text.trim() === "") unanswered = `the voice note has no transcript to answer (${text.reason})`
          }
        }
        return waiting !== undefined ? { _tag: "Wait", reason: waiting } : ready(texts, unanswered)
      })

    return { prepare }
  })
