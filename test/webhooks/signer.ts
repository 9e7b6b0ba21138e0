// A webhook signer for tests, written from the platforms' documentation and independent of src/webhooks, so a test
// that signs here and verifies there checks the scheme rather than echoing the code under test.
import { createHmac } from "node:crypto"

const mac = (key: string | Buffer, message: string | Buffer) => createHmac("sha256", key).update(message)

export const nowSeconds = () => Math.floor(Date.now() / 1000)

/** Slack: v0=hex(HMAC-SHA256(signing secret, "v0:" + timestamp + ":" + body)). */
export const slackHeaders = (secret: string, body: string, timestamp = nowSeconds()) => ({
  "x-slack-request-timestamp": String(timestamp),
  "x-slack-signature": `v0=${mac(secret, Buffer.concat([Buffer.from(`v0:${timestamp}:`), Buffer.from(body)])).digest("hex")}`
})

/** Meta and GitHub: sha256=hex(HMAC-SHA256(app secret, body)). */
export const hubSignature = (secret: string, body: string | Buffer) => `sha256=${mac(secret, body).digest("hex")}`

/** Standard Webhooks: v1,base64(HMAC-SHA256(base64-decoded whsec_ key, id + "." + timestamp + "." + body)). */
export const standardSignature = (secret: string, id: string, timestamp: number, body: string) =>
  `v1,${mac(Buffer.from(secret.replace(/^whsec_/, ""), "base64"), `${id}.${timestamp}.${body}`).digest("base64")}`

export const standardHeaders = (secret: string, id: string, body: string, timestamp = nowSeconds()) => ({
  "webhook-id": id,
  "webhook-timestamp": String(timestamp),
  "webhook-signature": standardSignature(secret, id, timestamp, body)
})
