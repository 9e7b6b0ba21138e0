// The services behind channels and inbound webhooks, composed for the host (placeholder until implemented).
import { Layer } from "effect"

export const layer = Layer.empty
