// The whole HTTP API, declared once. The server implements it, the web UI and tests derive their client from it.
import { HttpApi, OpenApi } from "@effect/platform"
import { MetaApi } from "../meta/MetaApi"

export class CarabaseApi extends HttpApi.make("carabase").add(MetaApi).annotate(OpenApi.Title, "Carabase host API") {}
