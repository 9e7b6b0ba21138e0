// Known answers: AES-256-GCM must be the published algorithm, and deriveKey must be HKDF-SHA256.
import { describe, expect, it } from "@effect/vitest"
import * as Aead from "../../src/platform/Aead"
import { hex } from "./helpers"

// McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)", Appendix B, test cases 13-16 (256-bit key).
// Checked against Bouncy Castle's GCMTest, GNU Nettle's gcm-test and several other independent copies.
const K_ZERO = "0000000000000000000000000000000000000000000000000000000000000000"
const K_FEFF = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308"
const IV_ZERO = "000000000000000000000000"
const IV_CAFE = "cafebabefacedbaddecaf888"
const P_64 =
  "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72" +
  "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255"
const C_64 =
  "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa" +
  "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad"

const vectors = [
  {
    name: "test case 13 (empty plaintext, no AAD)",
    k: K_ZERO,
    iv: IV_ZERO,
    p: "",
    a: "",
    c: "",
    t: "530f8afbc74536b9a963b4f1c4cb738b"
  },
  {
    name: "test case 14 (one zero block, no AAD)",
    k: K_ZERO,
    iv: IV_ZERO,
    p: "00000000000000000000000000000000",
    a: "",
    c: "cea7403d4d606b6e074ec5d3baf39d18",
    t: "d0d1c8a799996bf0265b98b5d48ab919"
  },
  {
    name: "test case 15 (four blocks, no AAD)",
    k: K_FEFF,
    iv: IV_CAFE,
    p: P_64,
    a: "",
    c: C_64,
    t: "b094dac5d93471bdec1a502270e3cc6c"
  },
  {
    name: "test case 16 (60 bytes, 20 bytes of AAD)",
    k: K_FEFF,
    iv: IV_CAFE,
    p: P_64.slice(0, 120),
    a: "feedfacedeadbeeffeedfacedeadbeefabaddad2",
    c: C_64.slice(0, 120),
    t: "76fc6ece0f4e1768cddf8853bb2d551b"
  }
] as const

describe("AES-256-GCM known answers (McGrew & Viega, Appendix B)", () => {
  for (const v of vectors) {
    it(`${v.name}: encrypt gives the published ciphertext and tag`, () => {
      const { ciphertext, tag } = Aead.encrypt(hex(v.k), hex(v.iv), hex(v.p), hex(v.a))
      expect(ciphertext.toString("hex")).toBe(v.c)
      expect(tag.toString("hex")).toBe(v.t)
    })

    it(`${v.name}: decrypt of the published ciphertext and tag gives the plaintext`, () => {
      const plaintext = Aead.decrypt(hex(v.k), hex(v.iv), hex(v.c), hex(v.t), hex(v.a))
      expect(plaintext?.toString("hex")).toBe(v.p)
    })

    it(`${v.name}: decrypt refuses a tag with its last bit flipped`, () => {
      const tag = hex(v.t)
      tag[15]! ^= 0x01
      expect(Aead.decrypt(hex(v.k), hex(v.iv), hex(v.c), tag, hex(v.a))).toBeNull()
    })

    it(`${v.name}: decrypt refuses the published tag cut to 12 bytes (a valid GCM tag length elsewhere)`, () => {
      expect(Aead.decrypt(hex(v.k), hex(v.iv), hex(v.c), hex(v.t).subarray(0, 12), hex(v.a))).toBeNull()
    })
  }

  it("decrypt refuses test case 16 when the associated data differs", () => {
    const v = vectors[3]!
    const aad = hex(v.a)
    aad[0]! ^= 0x01
    expect(Aead.decrypt(hex(v.k), hex(v.iv), hex(v.c), hex(v.t), aad)).toBeNull()
    expect(Aead.decrypt(hex(v.k), hex(v.iv), hex(v.c), hex(v.t), Buffer.alloc(0))).toBeNull()
  })

  it("decrypt refuses an IV that is not 12 bytes", () => {
    const v = vectors[2]!
    expect(Aead.decrypt(hex(v.k), hex(v.iv).subarray(0, 8), hex(v.c), hex(v.t), hex(v.a))).toBeNull()
  })
})

describe("deriveKey is HKDF-SHA256", () => {
  it("matches RFC 5869 test case 3 (zero-length salt and info), first 32 bytes of the OKM", () => {
    const okm = Aead.deriveKey(hex("0b".repeat(22)), "")
    expect(okm.toString("hex")).toBe("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d")
  })
})
