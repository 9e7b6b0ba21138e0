// The session keys the host sends OpenClaw (x-openclaw-session-key), one builder per kind of conversation. OpenClaw
// keeps one session, with its transcript fed back into every turn, per key: a chat session keeps one key for its whole
// life, while an agent task and each run of a job get keys of their own, so no run reads an earlier run's messages.
// Every key starts with `carabase:`, so none falls in the namespaces OpenClaw refuses (`cron:`, `subagent:`, `acp:`).
import * as crypto from "node:crypto"

export const RESERVED_SESSION_PREFIXES = ["cron:", "subagent:", "acp:"] as const

const carabase = (...parts: ReadonlyArray<string>) => `carabase:${parts.join(":")}`

/** One chat session of one workspace: stable across its turns, so the agent keeps the conversation. */
export const sessionKey = (workspaceId: string, chatSessionId: string) => carabase(workspaceId, chatSessionId)

/** One agent task: its own session. */
export const agentTaskSessionKey = (workspaceId: string, taskId: string) => carabase(workspaceId, "agent-task", taskId)

/** A fresh id for one run of a job, shared by the questions that run asks about one subject. */
export const newRunId = () => crypto.randomUUID()

/** One run of a job (and, for a job that asks about several subjects, one subject of it): a new session each run. */
export const jobSessionKey = (workspaceId: string, job: string, runId: string, subject?: string) =>
  carabase(workspaceId, job, ...(subject === undefined ? [] : [subject]), "run", runId)

export const isReservedSessionKey = (key: string) =>
  RESERVED_SESSION_PREFIXES.some((prefix) => key.toLowerCase().startsWith(prefix))
