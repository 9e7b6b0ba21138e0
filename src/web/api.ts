// The pages' way to the API: the client derived from the whole declaration (src/Api.ts). Only pages loaded on their
// first visit import it, so its declarations arrive in their chunks; the shell and Today use shellClient.ts.
import { CarabaseApi } from "../Api"
import { callsFor } from "./client"

export * from "./client"

export const { call, callAt } = callsFor(CarabaseApi)
