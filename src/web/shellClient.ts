// The shell's and Today's way to the API: the client derived from the part of the declaration they call
// (src/ShellApi.ts), which keeps the first chunk small. A call outside that part does not type-check here: use api.ts
// from a page loaded on its first visit.
import { ShellApi } from "../ShellApi"
import { callsFor } from "./client"

export * from "./client"

export const { call, callAt } = callsFor(ShellApi)
