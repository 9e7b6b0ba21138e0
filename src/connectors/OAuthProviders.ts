// Where each OAuth provider lives and what the host asks it for. Every endpoint is configurable, so a test (or a
// GitHub Enterprise install) points the host at another authorization server and API.
import { Config } from "effect"
import type { Provider } from "./ConnectorsApi"

export interface ProviderEndpoints {
  readonly authorizeUrl: string
  readonly tokenUrl: string
  /** Answers who the access token belongs to (GitHub `GET /user`, Google's OpenID userinfo). */
  readonly identityUrl: string
  readonly scopes: ReadonlyArray<string>
}

export interface ProvidersConfig {
  readonly github: ProviderEndpoints
  readonly google: ProviderEndpoints
  /** GitHub's REST API base, for the sync job. */
  readonly githubApiUrl: string
  /** Google Calendar API v3 and Gmail API v1 bases, for the sync jobs. */
  readonly googleCalendarApiUrl: string
  readonly gmailApiUrl: string
}

/** What a Google connection can be asked to sync, and the read-only scope each adds (incremental authorization). */
export const GoogleServices = ["calendar", "gmail"] as const
export type GoogleService = (typeof GoogleServices)[number]
export const googleServiceScopes: Record<GoogleService, string> = {
  calendar: "https://www.googleapis.com/auth/calendar.readonly",
  gmail: "https://www.googleapis.com/auth/gmail.readonly"
}

/** Whether a connection's granted scopes include the service's. */
export const grants = (scopes: ReadonlyArray<string>, service: GoogleService) =>
  scopes.includes(googleServiceScopes[service])

const url = (name: string, fallback: string) =>
  Config.string(name).pipe(
    Config.withDefault(fallback),
    Config.map((value) => value.trim().replace(/\/+$/, "")),
    Config.validate({
      message: `${name} must be an http:// or https:// URL`,
      validation: (value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol)
    })
  )

export const providersConfig: Config.Config<ProvidersConfig> = Config.all({
  githubAuthorize: url("CARABASE_GITHUB_AUTHORIZE_URL", "https://github.com/login/oauth/authorize"),
  githubToken: url("CARABASE_GITHUB_TOKEN_URL", "https://github.com/login/oauth/access_token"),
  githubApi: url("CARABASE_GITHUB_API_URL", "https://api.github.com"),
  googleAuthorize: url("CARABASE_GOOGLE_AUTHORIZE_URL", "https://accounts.google.com/o/oauth2/v2/auth"),
  googleToken: url("CARABASE_GOOGLE_TOKEN_URL", "https://oauth2.googleapis.com/token"),
  googleUserinfo: url("CARABASE_GOOGLE_USERINFO_URL", "https://openidconnect.googleapis.com/v1/userinfo"),
  googleCalendarApi: url("CARABASE_GOOGLE_CALENDAR_API_URL", "https://www.googleapis.com/calendar/v3"),
  gmailApi: url("CARABASE_GMAIL_API_URL", "https://gmail.googleapis.com/gmail/v1")
}).pipe(
  Config.map((c) => ({
    github: {
      authorizeUrl: c.githubAuthorize,
      tokenUrl: c.githubToken,
      identityUrl: `${c.githubApi}/user`,
      scopes: ["repo", "read:user"]
    },
    google: {
      authorizeUrl: c.googleAuthorize,
      tokenUrl: c.googleToken,
      identityUrl: c.googleUserinfo,
      scopes: ["openid", "email", "profile"]
    },
    githubApiUrl: c.githubApi,
    googleCalendarApiUrl: c.googleCalendarApi,
    gmailApiUrl: c.gmailApi
  }))
)

export const endpointsOf = (config: ProvidersConfig, provider: Provider): ProviderEndpoints => config[provider]
