// Lint rules: typescript-eslint's type-aware recommended set, tuned for Effect code, and the rules that keep src/'s
// imports pointing one way (README, Layout: "Which way the arrows point").
import js from "@eslint/js"
import tseslint from "typescript-eslint"

// The import rules match the import's text, so each is written for where its files sit: platform, http and schema
// files directly in their folder, API declarations directly in a feature folder (or src/Api.ts).

/** Handlers are faces: only the server composition wires them in. */
const handlerFile = {
  regex: "^\\.{1,2}/(.+/)?[A-Za-z]*Http$",
  caseSensitive: true,
  message:
    "only src/HttpApp.ts imports a *Http.ts file (handlers are faces; two faces never share code through each " +
    "other): move what both need into the feature's service module (e.g. workspaces/ResolveWorkspace.ts)"
}

/** src/platform imports no feature, and nothing outside src/platform. */
const outsidePlatform = {
  regex: "^\\.\\./(?!platform/)",
  message:
    "src/platform imports no feature (nor src/http, src/schema or the composition root): move the shared piece " +
    "into src/platform, or have the feature pass it in"
}

/** src/http is the HTTP platform: request guards, errors, raw bodies, host names. It imports only src/platform. */
const outsideHttpPlatform = {
  regex: "^\\.\\./(?!platform/)",
  message:
    "src/http (request-level infrastructure) imports only src/platform and libraries, never a feature: move " +
    "feature code into its feature folder (as apikeys/ApiKeyGuard.ts)"
}

/** src/schema is neutral: the storable-text checks every declaration uses. */
const outsideSchema = {
  regex: "^(?!(effect(/.*)?|\\./[A-Za-z]+)$)",
  message: "src/schema imports only effect and its own files: the API declarations and the web UI bundle it"
}

/**
 * What an API declaration (*Api.ts) may import, so the web UI can bundle it and derive its client: effect,
 * @effect/platform, other *Api.ts files, src/schema, and these declaration-only modules, which obey the same rule.
 */
const declarationModules = [
  "src/notes/Document.ts",
  "src/notes/LogCard.ts",
  "src/notes/NoteDate.ts",
  "src/gateway/GatewayErrors.ts",
  "src/platform/CurrentWorkspace.ts",
  "src/platform/Writer.ts"
]
const declarationImports = {
  regex:
    "^(?!(" +
    [
      "(effect|@effect/platform)(/.*)?",
      "\\.{1,2}/([A-Za-z]+/)?[A-Za-z]+Api",
      "\\.{1,2}/schema/[A-Za-z]+",
      "(\\.|\\.\\./notes)/(Document|LogCard|NoteDate)",
      "\\.\\./gateway/GatewayErrors",
      "\\.\\./platform/(CurrentWorkspace|Writer)"
    ].join("|") +
    ")$)",
  caseSensitive: true,
  message:
    "an API declaration (*Api.ts, or a declaration-only module it uses) imports only effect, @effect/platform, " +
    "other *Api.ts files, src/schema and the declaration-only modules listed in eslint.config.js: the web UI " +
    "bundles it. Move service code out of the declaration, or list a new declaration-only module there"
}

/** A feature's layer provides what it needs and exports only its own service; merging features is the root's job. */
const featureComposition = {
  selector: "CallExpression[callee.object.name='Layer'][callee.property.name=/^(mergeAll|provideMerge)$/]",
  message:
    "only the composition root (src/Host.ts, src/Server.ts) merges layers: a feature's layer states its needs with " +
    "Layer.provide(OtherFeature.layer) in its own file and exports only its own service (README, Layout)"
}

/** SQL is written one way: rows are decoded with a Schema (SqlSchema), never cast with a type argument. */
const typedSqlCast = {
  selector: "TaggedTemplateExpression[typeArguments]",
  message:
    "a tagged template with a type argument (sql<Row>`...`) casts rows unchecked: decode them with SqlSchema " +
    "(findAll, findOne, single, void) and a row Schema, as src/notes/NotesRepo.ts does"
}

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", ".data/**", ".cache/**", "coverage/**", "test-results/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly", Buffer: "readonly" } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-namespace": "off",
      "@typescript-eslint/no-empty-object-type": "off",
      "no-console": ["error", { allow: ["error"] }]
    }
  },
  {
    // One rule name for both selectors: a later block's no-restricted-syntax replaces an earlier one's.
    files: ["src/**/*.{ts,tsx}"],
    rules: { "no-restricted-syntax": ["error", typedSqlCast] }
  },
  {
    files: ["src/**/*.{ts,tsx}"],
    ignores: ["src/HttpApp.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [handlerFile] }] }
  },
  {
    files: ["src/**/*.{ts,tsx}"],
    ignores: ["src/Host.ts", "src/Server.ts"],
    rules: { "no-restricted-syntax": ["error", typedSqlCast, featureComposition] }
  },
  {
    files: ["src/platform/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [outsidePlatform] }] }
  },
  {
    files: ["src/http/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [outsideHttpPlatform] }] }
  },
  {
    files: ["src/schema/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [outsideSchema] }] }
  },
  {
    // A second rule name, so a declaration-only module in src/platform obeys both its folder's rule and this one.
    files: ["src/**/*Api.ts", ...declarationModules],
    rules: { "@typescript-eslint/no-restricted-imports": ["error", { patterns: [declarationImports] }] }
  },
  {
    files: ["scripts/check-pins"],
    languageOptions: { sourceType: "module" }
  },
  {
    files: ["scripts/**", "test/**"],
    rules: { "no-console": "off" }
  }
)
