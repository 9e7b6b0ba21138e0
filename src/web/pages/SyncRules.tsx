// Sync rules: per integration (github, or a harvester device's connector), the ordered rules that filter harvested
// items and route them. The form is generated from the declared rule schema (src/connectors/SyncRulesApi.ts) by
// walking its AST: strings, booleans, numbers, lists of strings, literals (as selects or checkboxes) and nested structs. The
// whole document is validated with the same schema before it is sent.
import * as AST from "effect/SchemaAST"
import { useEffect, useRef, useState } from "preact/hooks"
import { call, validate } from "../api"
import { ErrorMessage, Form, Loading, Page, Select, errorText, splitList, useLoad } from "../components/ui"
import { SyncRule, SyncRulesDocument } from "../../connectors/SyncRulesApi"

/** What the form can edit, read off the schema's encoded side (refinements and trimming are checked by validate). */
export type Node =
  | { readonly kind: "string" }
  | { readonly kind: "boolean" }
  | { readonly kind: "number" }
  | { readonly kind: "literal"; readonly options: ReadonlyArray<string> }
  | { readonly kind: "strings" }
  | { readonly kind: "literals"; readonly options: ReadonlyArray<string> }
  | { readonly kind: "struct"; readonly fields: ReadonlyArray<{ readonly name: string; readonly node: Node }> }
  | { readonly kind: "unsupported"; readonly what: string }

const literalsOf = (ast: AST.AST): ReadonlyArray<string> | undefined => {
  if (AST.isLiteral(ast)) return [String(ast.literal)]
  if (AST.isUnion(ast)) {
    const literals = ast.types.filter(AST.isLiteral)
    if (literals.length === ast.types.length) return literals.map((type) => String(type.literal))
  }
  return undefined
}

const walk = (ast: AST.AST): Node => {
  if (AST.isUnion(ast)) {
    const types = ast.types.filter((type) => !AST.isUndefinedKeyword(type))
    if (types.length === 1) return walk(types[0]!)
    const options = literalsOf(AST.Union.make(types))
    return options === undefined ? { kind: "unsupported", what: "union" } : { kind: "literal", options }
  }
  if (AST.isStringKeyword(ast)) return { kind: "string" }
  if (AST.isBooleanKeyword(ast)) return { kind: "boolean" }
  if (AST.isNumberKeyword(ast)) return { kind: "number" }
  const options = literalsOf(ast)
  if (options !== undefined) return { kind: "literal", options }
  if (AST.isTupleType(ast) && ast.elements.length === 0 && ast.rest.length === 1) {
    const element = walk(ast.rest[0]!.type)
    if (element.kind === "string") return { kind: "strings" }
    if (element.kind === "literal") return { kind: "literals", options: element.options }
    return { kind: "unsupported", what: "list" }
  }
  if (AST.isTypeLiteral(ast)) {
    return {
      kind: "struct",
      fields: ast.propertySignatures.map((property) => ({ name: String(property.name), node: walk(property.type) }))
    }
  }
  return { kind: "unsupported", what: ast._tag }
}

/** The form for one rule, generated from the declared SyncRule schema. */
export const RULE_FORM = walk(AST.encodedAST(SyncRule.ast))

/** Raw form state: text for strings and lists of strings, "" | option for selects, chosen options for checkboxes. */
type Raw = string | ReadonlyArray<string> | { readonly [name: string]: Raw }
type RawStruct = { readonly [name: string]: Raw }

const toRaw = (node: Node, value: unknown): Raw => {
  switch (node.kind) {
    case "string":
      return typeof value === "string" ? value : ""
    case "boolean":
    case "number":
    case "literal":
      return value === undefined ? "" : String(value)
    case "strings":
      return Array.isArray(value) ? value.join(", ") : ""
    case "literals":
      return Array.isArray(value) ? value.map(String) : []
    case "struct": {
      const record = typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {}
      return Object.fromEntries(node.fields.map((field) => [field.name, toRaw(field.node, record[field.name])]))
    }
    case "unsupported":
      return ""
  }
}

/** The value the raw state stands for; undefined leaves the (optional) property out. */
const fromRaw = (node: Node, raw: Raw): unknown => {
  switch (node.kind) {
    case "string":
      return raw === "" ? undefined : raw
    case "boolean":
      return raw === "" ? undefined : raw === "true"
    case "number":
      return raw === "" ? undefined : Number(raw)
    case "literal":
      return raw === "" ? undefined : raw
    case "strings": {
      const items = splitList(raw as string)
      return items.length === 0 ? undefined : items
    }
    case "literals":
      return (raw as ReadonlyArray<string>).length === 0 ? undefined : raw
    case "struct": {
      const record = raw as RawStruct
      const entries = node.fields
        .map((field) => [field.name, fromRaw(field.node, record[field.name] ?? "")] as const)
        .filter(([, value]) => value !== undefined)
      return entries.length === 0 ? undefined : Object.fromEntries(entries)
    }
    case "unsupported":
      return undefined
  }
}

const label = (name: string) => name.replace(/([A-Z])/g, " $1").toLowerCase()

let ids = 0

const NodeFields = (props: {
  readonly name: string
  readonly node: Node
  readonly raw: Raw
  readonly onRaw: (raw: Raw) => void
  readonly prefix: string
}): preact.JSX.Element => {
  const id = useRef(`r${++ids}`).current
  const { node, raw, onRaw, name } = props
  const text = `${props.prefix}${label(name)}`
  switch (node.kind) {
    case "string":
    case "strings":
      return (
        <div class="field">
          <label for={id}>{node.kind === "strings" ? `${text} (comma-separated)` : text}</label>
          <input id={id} value={raw as string} onInput={(e) => onRaw(e.currentTarget.value)} />
        </div>
      )
    case "number":
      return (
        <div class="field">
          <label for={id}>{text}</label>
          <input id={id} type="number" value={raw as string} onInput={(e) => onRaw(e.currentTarget.value)} />
        </div>
      )
    case "boolean":
    case "literal":
      return (
        <div class="field">
          <label for={id}>{text}</label>
          <select id={id} value={raw as string} onChange={(e) => onRaw(e.currentTarget.value)}>
            <option value="">(not set)</option>
            {(node.kind === "boolean" ? ["true", "false"] : node.options).map((option) => (
              <option key={option} value={option}>
                {node.kind === "boolean" ? (option === "true" ? "yes" : "no") : option}
              </option>
            ))}
          </select>
        </div>
      )
    case "literals": {
      const chosen = raw as ReadonlyArray<string>
      return (
        <fieldset class="field checks-inline">
          <legend>{text}</legend>
          {node.options.map((option) => (
            <label key={option}>
              <input
                type="checkbox"
                checked={chosen.includes(option)}
                onChange={(e) =>
                  onRaw(e.currentTarget.checked ? [...chosen, option] : chosen.filter((item) => item !== option))
                }
              />{" "}
              {option}
            </label>
          ))}
        </fieldset>
      )
    }
    case "struct": {
      const record = raw as RawStruct
      return (
        <fieldset class="rule-group">
          <legend>{text}</legend>
          <StructFields node={node} raw={record} onRaw={onRaw} prefix={`${text} `} />
        </fieldset>
      )
    }
    case "unsupported":
      return (
        <p class="muted">
          {text}: not editable here ({node.what})
        </p>
      )
  }
}

const StructFields = (props: {
  readonly node: Extract<Node, { kind: "struct" }>
  readonly raw: RawStruct
  readonly onRaw: (raw: RawStruct) => void
  readonly prefix: string
}) => (
  <div class="row">
    {props.node.fields.map((field) => (
      <NodeFields
        key={field.name}
        name={field.name}
        node={field.node}
        raw={props.raw[field.name] ?? toRaw(field.node, undefined)}
        onRaw={(value) => props.onRaw({ ...props.raw, [field.name]: value })}
        prefix={props.prefix}
      />
    ))}
  </div>
)

interface Row {
  readonly key: number
  readonly raw: RawStruct
}

let rowKeys = 0
const row = (rule: unknown): Row => ({ key: ++rowKeys, raw: toRaw(RULE_FORM, rule) as RawStruct })

export const SyncRulesPage = () => {
  const integrations = useLoad(
    () =>
      call((api) => api.harvesterDevices.list()).then(({ devices }) => [
        "github",
        ...new Set(devices.map((device) => device.connector).filter((name) => name !== "github"))
      ]),
    []
  )
  const [integration, setIntegration] = useState("github")
  const [rows, setRows] = useState<ReadonlyArray<Row>>([])
  const [saved, setSaved] = useState<string>()
  const [loadError, setLoadError] = useState<string>()
  // The integration whose rules `rows` holds: until they have loaded there is no form, so rules typed in meanwhile
  // cannot be wiped by the answer arriving (or saved over rules the page never showed).
  const [loadedFor, setLoadedFor] = useState<string>()

  useEffect(() => {
    let current = true
    setSaved(undefined)
    setLoadError(undefined)
    setLoadedFor(undefined)
    call((api) => api.syncRules.get({ path: { integration } })).then(
      (answer) => {
        if (!current) return
        setRows(answer.rules.map(row))
        setLoadedFor(integration)
      },
      (failure: unknown) => current && setLoadError(errorText(failure))
    )
    return () => {
      current = false
    }
  }, [integration])

  if (RULE_FORM.kind !== "struct") return <Page title="Sync rules">The rule schema is not a struct.</Page>

  return (
    <Page title="Sync rules">
      <p>
        Rules run in order on every harvested item; each matching rule routes it to folios and tags, into the graph and
        onto the day&apos;s timeline. Empty fields are left out.
      </p>
      <Loading
        when={(integrations.loading && integrations.data === undefined) || (loadedFor !== integration && !loadError)}
      />
      <ErrorMessage message={integrations.error ?? loadError} />
      <Select
        label="Integration"
        value={integration}
        options={integrations.data ?? ["github"]}
        onValue={setIntegration}
      />
      {loadedFor !== integration ? null : (
        <Form
          label={`Sync rules of ${integration}`}
          submitLabel="Save rules"
          submit={async () => {
            setSaved(undefined)
            const input = validate(SyncRulesDocument, { rules: rows.map((r) => fromRaw(RULE_FORM, r.raw) ?? {}) })
            if (!input.ok) return input.message
            const answer = await call((api) => api.syncRules.put({ path: { integration }, payload: input.value }))
            setRows(answer.rules.map(row))
            setSaved(
              `Saved ${answer.rules.length} rule${answer.rules.length === 1 ? "" : "s"} for ${answer.integration}`
            )
          }}
        >
          {rows.length === 0 ? <p>No rules: every item is harvested without routing.</p> : null}
          {rows.map((r, index) => (
            <fieldset key={r.key} class="card" aria-label={`rule ${index + 1}`}>
              <legend>Rule {index + 1}</legend>
              <StructFields
                node={RULE_FORM}
                raw={r.raw}
                onRaw={(raw) => setRows(rows.map((other) => (other.key === r.key ? { key: r.key, raw } : other)))}
                prefix={`Rule ${index + 1} `}
              />
              <button type="button" class="secondary" onClick={() => setRows(rows.filter((other) => other !== r))}>
                Remove rule {index + 1}
              </button>
            </fieldset>
          ))}
          <p>
            <button type="button" class="secondary" onClick={() => setRows([...rows, row({})])}>
              Add a rule
            </button>
          </p>
        </Form>
      )}
      {saved === undefined ? null : (
        <p class="card" role="status">
          {saved}
        </p>
      )}
    </Page>
  )
}
