// The services behind channels and inbound webhooks, composed for the host.
import * as Channels from "../channels/Channels"

export const layer = Channels.layer
