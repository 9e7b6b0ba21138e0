// The extraction worker's entry (built to dist/extract-worker.js): it answers each file ExtractPool posts with its
// extraction. It runs in a worker thread under the pool's memory limits; the pool ends it when a file takes too long.
import { parentPort } from "node:worker_threads"
import { extractFile, type ExtractLimits } from "./Extract"

export interface ExtractJob {
  readonly id: number
  readonly mimeType: string
  readonly bytes: Uint8Array
  readonly limits: ExtractLimits
}

/** What the worker says once loaded, before any file: a file's time limit starts after it. */
export const READY = "ready"

const port = parentPort
if (port !== null) {
  port.on("message", (job: ExtractJob) => {
    void extractFile(job.mimeType, job.bytes, job.limits).then((result) => port.postMessage({ id: job.id, result }))
  })
  port.postMessage(READY)
}
