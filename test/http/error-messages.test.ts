// The sentences the API errors build from their fields, pinned word for word: clients and people read `message`, so a
// constructor that words it differently is a change on the wire.
import { describe, expect, it } from "@effect/vitest"
import { AgentTaskInvalid, AgentTaskNotFound } from "../../src/agent/AgentTasksApi"
import { ArtifactNotFound, UploadInvalid, UploadTooLarge } from "../../src/artifacts/ArtifactsApi"
import { ChannelNotFound } from "../../src/channels/ChannelsApi"
import { ChatSessionNotFound } from "../../src/chat/ChatApi"
import {
  ConnectionNotFound,
  ConnectionRevoked,
  OAuthAppExists,
  OAuthAppMissing,
  OAuthAppNotFound,
  OAuthProviderUnavailable,
  OAuthRejected,
  OAuthStateInvalid
} from "../../src/connectors/ConnectorsApi"
import { SuggestionDecided, SuggestionNotFound } from "../../src/curation/CurationApi"
import { FolioArtifactNotFound, FolioNameTaken, FolioNotFound } from "../../src/folios/FoliosApi"
import {
  GatewayMalformedStream,
  GatewayPasswordMismatch,
  GatewayRequestFailed,
  GatewayTimeout,
  GatewayUnconfigured,
  GatewayUnreachable
} from "../../src/gateway/GatewayErrors"
import { OPENCLAW_TIMEOUTS } from "../../src/gateway/Target"
import { EdgeEndpointNotFound, EntityNotFound, InvalidCanonicalLink } from "../../src/graph/GraphApi"
import { DeviceNotFound, DeviceUnauthorized, PairingCodeInvalid } from "../../src/harvester/HarvesterApi"
import { UnknownJob } from "../../src/jobs/JobsApi"
import { ModelRouteInvalid, ModelRouteNotFound, ModelRouteUnusable } from "../../src/models/ModelRoutesApi"
import { InvalidInject, NoteTooLarge } from "../../src/notes/NotesApi"
import { TaskNotFound } from "../../src/tasks/TasksApi"
import { WorkspaceHeaderInvalid, WorkspaceNotFound } from "../../src/workspaces/WorkspacesApi"

const id = "6f1c1f47-35f5-4bd4-9bd9-1d1dbd0b7c6e"
const gateway = { provider: "openclaw", label: "gateway", display: "http://127.0.0.1:18789" }
const route = { provider: "ollama", label: "ollama provider of model route chat", display: "http://127.0.0.1:11434" }
const connection = { id, provider: "github" as const, accountLabel: "octocat" }

const messages: ReadonlyArray<readonly [{ readonly message: string }, string]> = [
  [AgentTaskNotFound.of(id), `no agent task ${id} in this workspace`],
  [AgentTaskInvalid.notACalendarDay("2026-02-30"), "2026-02-30 is not a real calendar day (YYYY-MM-DD)"],
  [ArtifactNotFound.of(id), `artifact ${id} does not exist`],
  [UploadTooLarge.of(1000), "the file is larger than this host accepts (0.0 MiB; CARABASE_MAX_UPLOAD_BYTES)"],
  [
    UploadTooLarge.of(25 * 1024 * 1024),
    "the file is larger than this host accepts (25 MiB; CARABASE_MAX_UPLOAD_BYTES)"
  ],
  [UploadInvalid.of("NotMultipart"), "send the file as multipart/form-data, in a field named `file`"],
  [UploadInvalid.of("FilenameEncoding"), "a part's filename* is not valid percent-encoded UTF-8 (RFC 5987)"],
  [UploadInvalid.of("Truncated"), "the multipart body ended before its closing boundary"],
  [UploadInvalid.of("NoFile"), "the multipart body has no file in a field named `file`"],
  [UploadInvalid.of("SeveralFiles"), "send exactly one file in the field `file`"],
  [UploadInvalid.unreadable("Parse"), "the multipart body could not be read (Parse)"],
  [ChannelNotFound.of(id), `no webhook channel ${id} in this workspace: list them with GET /webhook-channels`],
  [ChatSessionNotFound.of(id), `no chat session ${id} in this workspace`],
  [OAuthAppNotFound.of(id), `no OAuth app ${id} in this workspace: list them with GET /oauth-apps`],
  [
    OAuthAppExists.of("github"),
    "this workspace already has an OAuth app for github: DELETE /oauth-apps/<id> first to replace it"
  ],
  [
    OAuthAppMissing.of("google"),
    "this workspace has no OAuth app for google: POST /api/v1/oauth-apps with its clientId and clientSecret"
  ],
  [OAuthStateInvalid.of("Missing"), "the callback has no state: start again with GET /api/v1/auth/<provider>/start"],
  [OAuthStateInvalid.of("Malformed"), "the state is malformed: start again with GET /api/v1/auth/<provider>/start"],
  [
    OAuthStateInvalid.of("Unknown"),
    "the state is unknown or was already used: start again with GET /api/v1/auth/<provider>/start"
  ],
  [
    OAuthStateInvalid.of("Expired"),
    "the state expired (an attempt lasts 10 minutes): start again with GET /api/v1/auth/<provider>/start"
  ],
  [
    OAuthStateInvalid.issuedFor("google"),
    "the state was issued for google: start again with GET /api/v1/auth/<provider>/start"
  ],
  [OAuthRejected.providerError("github", "access_denied", undefined), "the provider answered access_denied"],
  [
    OAuthRejected.providerError("github", "x".repeat(150), "y".repeat(300)),
    `the provider answered ${"x".repeat(100)}: ${"y".repeat(200)}`
  ],
  [OAuthRejected.noCode("github"), "the callback has no code"],
  [
    OAuthRejected.refused("github", "the provider refused: bad_verification_code"),
    "the provider refused: bad_verification_code"
  ],
  [
    OAuthProviderUnavailable.of("google", "the provider's token endpoint timed out"),
    "the provider's token endpoint timed out"
  ],
  [ConnectionNotFound.of(id), `no connection ${id} in this workspace: list them with GET /connections`],
  [
    ConnectionNotFound.forAccount("github", "octocat"),
    "no connection octocat for github in this workspace: list them with GET /connections"
  ],
  [
    ConnectionRevoked.of(connection, "Revoked"),
    "the github connection octocat was revoked: connect it again with GET /api/v1/auth/github/start"
  ],
  [
    ConnectionRevoked.of(connection, "Expired"),
    "the github token of octocat expired and cannot be refreshed: connect it again"
  ],
  [
    ConnectionRevoked.of(connection, "RefreshRefused", "the provider refused: invalid_grant"),
    "the provider refused: invalid_grant; the github connection octocat is revoked: connect it again"
  ],
  [SuggestionNotFound.of(id), `curation suggestion ${id} does not exist`],
  [SuggestionDecided.already(id, "rejected"), `curation suggestion ${id} was already rejected`],
  [SuggestionDecided.entityMissing(id), "one of the two entities no longer exists"],
  [SuggestionDecided.mergeReversed(id, "Ada", "Ada L."), "Ada is itself an alias of Ada L.: merge the other way"],
  [FolioNotFound.of(id), `folio ${id} does not exist in this workspace`],
  [
    FolioNameTaken.of("Garden"),
    'a folio named "Garden" already exists in this workspace (names ignore case): pick another name'
  ],
  [
    FolioArtifactNotFound.of(id, "a1"),
    "artifact a1 does not exist in this workspace: upload it first or leave it out of artifactIds"
  ],
  [
    GatewayUnreachable.of(gateway),
    "gateway unreachable at http://127.0.0.1:18789: is OpenClaw running there? (OPENCLAW_GATEWAY_URL)"
  ],
  [GatewayUnreachable.of(route), "ollama provider of model route chat unreachable at http://127.0.0.1:11434"],
  [
    GatewayUnconfigured.of(),
    "the agent gateway is not configured: set OPENCLAW_GATEWAY_PASSWORD to OpenClaw's gateway.auth.password (pnpm bootstrap generates one), or route this role to another provider with PUT /api/v1/model-routes/:role"
  ],
  [GatewayPasswordMismatch.of(gateway, "the sentence of the target"), "the sentence of the target"],
  [
    GatewayTimeout.of(gateway, "NoAnswer", 500),
    "gateway at http://127.0.0.1:18789 did not answer within 500 ms (raise OPENCLAW_GATEWAY_TIMEOUT_MS if it needs longer)"
  ],
  [
    GatewayTimeout.of(gateway, "NotStarted", 500),
    "gateway at http://127.0.0.1:18789 did not start answering within 500 ms (raise OPENCLAW_GATEWAY_TIMEOUT_MS if it needs longer)"
  ],
  [
    GatewayTimeout.of(gateway, "Stalled", 500),
    "gateway at http://127.0.0.1:18789 sent nothing further within 500 ms (raise OPENCLAW_GATEWAY_TIMEOUT_MS if it needs longer)"
  ],
  [
    GatewayTimeout.of({ ...gateway, timeoutVariables: OPENCLAW_TIMEOUTS }, "NotStarted", 500),
    "gateway at http://127.0.0.1:18789 did not start answering within 500 ms (raise OPENCLAW_GATEWAY_FIRST_BYTE_TIMEOUT_MS if it needs longer)"
  ],
  [
    GatewayTimeout.of({ ...gateway, timeoutVariables: OPENCLAW_TIMEOUTS }, "Stalled", 500),
    "gateway at http://127.0.0.1:18789 sent nothing further within 500 ms (raise OPENCLAW_GATEWAY_IDLE_TIMEOUT_MS if it needs longer)"
  ],
  [
    GatewayRequestFailed.endpointDisabled(gateway),
    "OpenClaw's OpenAI-compatible endpoint is off (it is by default): set gateway.http.endpoints.chatCompletions.enabled to true in OpenClaw's config (~/.openclaw/openclaw.json; pnpm carabase openclaw-config prints it)"
  ],
  [
    GatewayTimeout.tooLong(gateway, 9000),
    "gateway at http://127.0.0.1:18789 was still answering after 9000 ms (raise OPENCLAW_GATEWAY_STREAM_MAX_MS if answers need longer)"
  ],
  [
    GatewayMalformedStream.of(gateway, "the answer has no body"),
    "gateway at http://127.0.0.1:18789 sent a malformed stream: the answer has no body"
  ],
  [GatewayRequestFailed.status(route, 500, ": boom"), `${route.label} at ${route.display} answered HTTP 500: boom`],
  [GatewayRequestFailed.brokeOff(route), `${route.label} at ${route.display} broke off its answer`],
  [GatewayRequestFailed.notJson(route, "models"), `${route.label} at ${route.display} answered models with non-JSON`],
  [
    GatewayRequestFailed.without(route, "embeddings", "a data array of embeddings"),
    `${route.label} at ${route.display} answered embeddings without a data array of embeddings`
  ],
  [
    GatewayRequestFailed.embeddingCount(route, 1, 2),
    `${route.label} at ${route.display} answered 1 embeddings for 2 inputs`
  ],
  [
    GatewayRequestFailed.errorMidAnswer(route, ": overloaded"),
    `${route.label} at ${route.display} reported an error mid-answer: overloaded`
  ],
  [GatewayRequestFailed.embedder("network: down"), "embeddings: network: down"],
  [EntityNotFound.of(id), `entity ${id} does not exist in this workspace`],
  [EntityNotFound.of(id, "canonical entity"), `canonical entity ${id} does not exist in this workspace`],
  [EntityNotFound.noMatch("Ada"), 'no entity matches "Ada"'],
  [
    InvalidCanonicalLink.of("Self", id, id),
    "an entity cannot be its own canonical entity: use canonicalId null to make it canonical"
  ],
  [
    InvalidCanonicalLink.of("Loop", id, "c1"),
    "linking to c1 would make a loop: that entity is already, directly or through others, an alias of this one"
  ],
  [
    EdgeEndpointNotFound.of("source", id),
    `source entity ${id} does not exist in this workspace: create it first or fix sourceId`
  ],
  [DeviceNotFound.of(id), `no harvester device ${id} in this workspace: list them with GET /harvester-devices`],
  [PairingCodeInvalid.of("Unknown"), "this pairing code is unknown or was already used: create a new one"],
  [PairingCodeInvalid.of("Expired"), "this pairing code expired (codes last 10 minutes): create a new one"],
  [
    DeviceUnauthorized.of("Missing"),
    "no device token: send Authorization: Bearer <the token the device got from claim>"
  ],
  [
    DeviceUnauthorized.of("Malformed"),
    "the device token is malformed: send Authorization: Bearer <the token the device got from claim>"
  ],
  [
    DeviceUnauthorized.of("Unknown"),
    "the device token is unknown or was revoked: send Authorization: Bearer <the token the device got from claim>"
  ],
  [UnknownJob.of("nope", ["backup", "harvest"]), 'no job named "nope"; jobs are backup, harvest'],
  [ModelRouteNotFound.of("chat"), "no model route for role chat"],
  [ModelRouteInvalid.of("NotHttp"), "baseUrl must be an http:// or https:// URL"],
  [
    ModelRouteInvalid.of("HasCredentials"),
    "baseUrl must not carry credentials: put the key in apiKey, which is stored sealed"
  ],
  [ModelRouteInvalid.of("Missing"), "an openai-compatible route needs baseUrl, e.g. https://api.openai.com/v1"],
  [
    ModelRouteInvalid.of("NotAgentId"),
    "an openclaw route's model is an OpenClaw agent id (a letter or digit, then letters, digits, '_' or '-', at most 64, no dots), bare or as openclaw/<id>, openclaw:<id> or agent:<id>; or openclaw or openclaw/default for the default agent"
  ],
  [
    ModelRouteInvalid.notLoopback("example.com"),
    "an openclaw route must point at this machine (127.0.0.1, ::1 or localhost), not example.com, unless the host runs with OPENCLAW_ALLOW_REMOTE=true"
  ],
  [
    ModelRouteInvalid.keyMustBeResent("a", "b"),
    "apiKey is required when baseUrl or provider changes where the key is sent (a -> b): a stored key never follows a new URL; send the key again, or apiKey: null to remove it"
  ],
  [
    ModelRouteUnusable.of("embeddings"),
    "the API key of model route embeddings does not open (it was altered, given for another base URL, or sealed under another HOST_MASTER_KEY): set it again with PUT /api/v1/model-routes/embeddings"
  ],
  [
    NoteTooLarge.of("2026-03-01", 3000000),
    "the note for 2026-03-01 would be 3000000 bytes of JSON; a note holds at most 2097152 bytes (2 MiB): write to another day or trim this one"
  ],
  [
    InvalidInject.keysDiffer(),
    "idempotencyKey and block.attrs.idempotencyKey differ: send the key once, in either place, or send the same value"
  ],
  [
    TaskNotFound.of("2026-03-05", "2026-03-05:7", "NoSuchTask"),
    "no task 2026-03-05:7: the note of 2026-03-05 has no such task; list tasks (GET /api/v1/tasks) for current ids"
  ],
  [WorkspaceHeaderInvalid.of("Missing"), "missing x-workspace-id header: send the workspace's id"],
  [WorkspaceHeaderInvalid.of("NotUuid"), "x-workspace-id must be a UUID"],
  [
    WorkspaceHeaderInvalid.of("QueryOnWrite"),
    "?workspace= names the workspace only on GET requests: send the x-workspace-id header"
  ],
  [WorkspaceNotFound.of(id), `workspace ${id} does not exist`]
]

describe("API error messages", () => {
  it("are built from the fields with the same words as before the fields existed", () => {
    for (const [error, expected] of messages) expect(error.message).toBe(expected)
  })
})
