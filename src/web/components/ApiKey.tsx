// API-key mode: when the host answers 401 (CARABASE_API_KEYS_REQUIRED=true) the shell shows this prompt. The key is
// checked against the host before it is kept (sessionStorage, this tab only) and is never shown again.
import * as Schema from "effect/Schema"
import { useState } from "preact/hooks"
import { call, setApiKey, validate } from "../shellClient"
import { Field, Form } from "./ui"

const ApiKeyInput = Schema.Trim.pipe(
  Schema.minLength(1, { message: () => "paste the API key first" }),
  Schema.pattern(/^\S+$/, { message: () => "an API key has no spaces" })
)

export const ApiKeyPrompt = ({ onKey }: { readonly onKey: () => void }) => {
  const [key, setKey] = useState("")
  return (
    <Form
      label="API key"
      submitLabel="Use this key"
      submit={async () => {
        const input = validate(ApiKeyInput, key)
        if (!input.ok) return input.message
        setApiKey(input.value)
        try {
          await call((api) => api.workspaces.list(), undefined)
        } catch (failure) {
          setApiKey(undefined)
          throw failure
        }
        setKey("")
        onKey()
      }}
    >
      <h2>This host requires an API key</h2>
      <p>
        Paste a key created with <code>pnpm carabase api-keys:create</code>. It is kept for this browser tab only and
        sent with every request.
      </p>
      <Field label="API key" type="password" autoComplete="off" value={key} onValue={setKey} />
    </Form>
  )
}
