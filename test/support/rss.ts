// Resident memory of a process, read from /proc (Linux), in MB: what the benchmarks sample.
import * as fs from "node:fs"

export const rssMb = (pid: number) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024
