// Everything that talks to the agent gateway: the gateway client, chat, model routes and agent tasks, composed
// into one layer for the host (placeholder until implemented).
import { Layer } from "effect"

export const layer = Layer.empty
