// Everything that talks to the agent gateway, composed into one layer for the host: the gateway client (its
// configuration is checked here, so a refused OPENCLAW_GATEWAY_URL stops the boot before the server binds), model
// routing, chat and agent tasks.
import { Layer } from "effect"
import * as Chat from "../chat/Chat"
import * as Gateway from "../gateway/Gateway"
import * as ModelRoutes from "../models/ModelRoutes"
import * as AgentTasks from "./AgentTasks"

/** The gateway client and model routing: what other services need to reach a model. */
export const routingLayer = ModelRoutes.layer.pipe(Layer.provideMerge(Gateway.layer))

export const layer = Layer.mergeAll(Chat.layer, AgentTasks.layer).pipe(Layer.provideMerge(routingLayer))
