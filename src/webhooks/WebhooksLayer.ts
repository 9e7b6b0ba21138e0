// The services behind channels and inbound webhooks, composed for the host: the channels service and the reply
// worker that answers stored messages through the gateway.
import { Layer } from "effect"
import * as Channels from "../channels/Channels"
import * as ReplyWorker from "./ReplyWorker"

export const layer = ReplyWorker.layer.pipe(Layer.provideMerge(Channels.layer))
