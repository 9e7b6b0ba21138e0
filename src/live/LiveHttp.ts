// The SSE endpoint: relays the workspace's change notices until the client leaves, the workspace is deleted or the
// host shuts down.
import { HttpApiBuilder, HttpServerResponse } from "@effect/platform"
import { Effect, Stream } from "effect"
import { CarabaseApi } from "../Api"
import { HttpListener } from "../platform/HttpListener"
import { CurrentWorkspace } from "../platform/CurrentWorkspace"
import { LiveUpdates, type ChangeNotice } from "./LiveUpdates"

const frame = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`

export const LiveHttpLive = HttpApiBuilder.group(CarabaseApi, "live", (handlers) =>
  Effect.gen(function* () {
    const live = yield* LiveUpdates
    const listener = yield* HttpListener
    return handlers.handleRaw("events", () =>
      Effect.map(CurrentWorkspace, (workspaceId) => {
        const notices = Stream.unwrapScoped(
          Effect.map(live.subscribe(workspaceId), (queue) =>
            Stream.concat(
              Stream.make(frame("ready", { workspace: workspaceId })),
              Stream.fromQueue(queue).pipe(
                // The workspace's deletion is its stream's last notice: nothing more will happen in it.
                Stream.takeUntil((notice) => notice.type === "workspace" && notice.action === "deleted"),
                Stream.map((notice: ChangeNotice) => frame("change", notice))
              )
            )
          )
        )
        const keepAlive = Stream.tick("15 seconds").pipe(
          Stream.drop(1),
          Stream.map(() => ": keep-alive\n\n")
        )
        return HttpServerResponse.stream(
          notices.pipe(
            Stream.merge(keepAlive, { haltStrategy: "left" }),
            Stream.interruptWhen(listener.draining),
            Stream.encodeText
          ),
          {
            contentType: "text/event-stream",
            headers: { "cache-control": "no-cache", "x-accel-buffering": "no" }
          }
        )
      })
    )
  })
)
