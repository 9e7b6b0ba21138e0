// Master keys for tests: the fixed one every host and CLI of a suite shares (hostEnv), and fresh random ones where a
// test needs another key. None repeats one byte 32 times: the host refuses such a key.
import * as crypto from "node:crypto"

export const TEST_MASTER_KEY = "d1a0048b9af741705c85685b7da73d0cb591ebd8c11e6414eaa28f4e17a9ce96"

export const randomMasterKey = (): string => crypto.randomBytes(32).toString("hex")
