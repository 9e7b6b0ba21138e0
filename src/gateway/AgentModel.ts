// OpenClaw's agent ids and the `model` values its OpenAI-compatible endpoints accept, as OpenClaw defines them: an id
// is a letter or digit then letters, digits, '_' or '-', at most 64 in all, case-insensitive, no dots; a model is
// `openclaw` or `openclaw/default` (the default agent), `openclaw/<id>` (the form /v1/models lists), `openclaw:<id>` or
// `agent:<id>`. The host also takes a bare `<id>`, which it sends as `openclaw:<id>`.
import { Option } from "effect"

export const AGENT_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/i

export const isAgentId = (text: string) => AGENT_ID_PATTERN.test(text)

/** The agent id OpenClaw resolves `openclaw` and `openclaw/default` to. */
export const DEFAULT_AGENT = "default"

export interface AgentModel {
  /** What goes in the request's `model`. */
  readonly model: string
  /** The agent it names (`default` for the default agent). */
  readonly agentId: string
}

const PREFIXES = ["openclaw/", "openclaw:", "agent:"] as const

/** Reads any form OpenClaw accepts (or a bare id); None when the text is none of them. */
export const parseAgentModel = (text: string): Option.Option<AgentModel> => {
  const trimmed = text.trim()
  if (trimmed.toLowerCase() === "openclaw") return Option.some({ model: trimmed, agentId: DEFAULT_AGENT })
  for (const prefix of PREFIXES) {
    if (trimmed.toLowerCase().startsWith(prefix)) {
      const id = trimmed.slice(prefix.length)
      return isAgentId(id) ? Option.some({ model: trimmed, agentId: id }) : Option.none()
    }
  }
  return isAgentId(trimmed) ? Option.some({ model: `openclaw:${trimmed}`, agentId: trimmed }) : Option.none()
}

/** `main` → `openclaw:main`; a model already in one of OpenClaw's forms is kept as written. */
export const openClawModel = (agentOrModel: string) =>
  Option.match(parseAgentModel(agentOrModel), {
    onNone: () => `openclaw:${agentOrModel}`,
    onSome: (parsed) => parsed.model
  })

/** The agent a model names (`openclaw/main` → `main`, `openclaw` → `default`). */
export const agentIdOfModel = (model: string) =>
  Option.match(parseAgentModel(model), {
    onNone: () => model.replace(/^(openclaw[:/]|agent:)/i, ""),
    onSome: (parsed) => parsed.agentId
  })
