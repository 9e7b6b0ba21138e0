// Once per test run: make sure the test server has pgvector and the carabase_app role, and share its password with
// every worker through the environment.
import { prepareAppRole } from "./database"

export default async function setup() {
  process.env.CARABASE_TEST_APP_PASSWORD = await prepareAppRole()
}
