// Inbound webhook endpoints, mounted as raw routes so bodies are verified exactly as received (placeholder).
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"

export const WebhooksHttpLive = HttpApiBuilder.Router.use(() => Effect.void)
