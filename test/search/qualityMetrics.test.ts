// The scorer of `pnpm bench:search-quality` (test/bench/quality): nDCG@10 and recall@10 against hand-computed values,
// the SciFact abstract and CSV readers, the zip reader, and the keyword-set rule, so a figure in RESULTS.md means what
// it says.
import { deflateRawSync } from "node:zlib"
import { describe, expect, it } from "@effect/vitest"
import { readCsv } from "../bench/quality/Csv"
import { keywordQueries } from "../bench/quality/KeywordSet"
import { ndcgAt, percentile, recallAt } from "../bench/quality/Metrics"
import { abstractText } from "../bench/quality/SciFact"
import { unzip } from "../bench/quality/Zip"

const grades = (entries: Record<string, number>) => new Map(Object.entries(entries))

describe("nDCG@10 and recall@10", () => {
  it("scores relevant documents at ranks 2 and 4 of three labelled ones as computed by hand", () => {
    // DCG = 1/log2(3) + 1/log2(5) = 1.0616; ideal = 1 + 1/log2(3) + 1/log2(4) = 2.1309; nDCG = 0.4982.
    const ranked = ["x", "a", "y", "b", "z1", "z2", "z3", "z4", "z5", "z6", "c"]
    const judged = grades({ a: 1, b: 1, c: 1 })
    expect(ndcgAt(10, ranked, judged)).toBeCloseTo(0.4982, 4)
    expect(recallAt(10, ranked, judged)).toBeCloseTo(2 / 3, 10)
  })

  it("is 1 for the ideal order and 0 when nothing relevant is in the first ten", () => {
    expect(ndcgAt(10, ["a", "b", "x"], grades({ a: 1, b: 1 }))).toBe(1)
    const late = [...Array.from({ length: 10 }, (_, i) => `x${i}`), "a"]
    expect(ndcgAt(10, late, grades({ a: 1 }))).toBe(0)
    expect(recallAt(10, late, grades({ a: 1 }))).toBe(0)
  })

  it("uses the grade as the gain (trec_eval's linear gain) and counts a repeated document once", () => {
    // DCG = 1 + 2/log2(3) = 2.2619; ideal = 2 + 1/log2(3) = 2.6309.
    expect(ndcgAt(10, ["b", "a"], grades({ a: 2, b: 1 }))).toBeCloseTo(0.8597, 4)
    expect(ndcgAt(10, ["a", "a"], grades({ a: 1, b: 1 }))).toBeCloseTo(1 / (1 + 1 / Math.log2(3)), 10)
  })

  it("takes the nearest-rank percentile", () => {
    const values = Array.from({ length: 20 }, (_, i) => 20 - i)
    expect(percentile(values, 50)).toBe(10)
    expect(percentile(values, 95)).toBe(19)
    expect(percentile([7], 95)).toBe(7)
  })
})

describe("SciFact readers", () => {
  it("joins the printed sentence array of an abstract, with Python escapes undone", () => {
    const column = `['First sentence.'\n 'It\\'s 5\\u2032 and caf\\xe9.'\n "The patients' \\\\ data." '']`
    expect(abstractText(column)).toBe("First sentence. It's 5′ and café. The patients' \\ data.")
  })

  it("reads quoted CSV fields with commas, doubled quotes and line breaks", () => {
    const rows = readCsv(`id,claim,cited_doc_ids\n3,"1,000 ""genomes""\nproject",[14717500]\n`)
    expect(rows).toEqual([{ id: "3", claim: '1,000 "genomes"\nproject', cited_doc_ids: "[14717500]" }])
  })

  it("unpacks a deflated zip entry", () => {
    const data = Buffer.from("doc_id,title\n1,A\n")
    const packed = deflateRawSync(data)
    const name = Buffer.from("scifact/corpus_train.csv")
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(8, 8)
    local.writeUInt32LE(packed.length, 18)
    local.writeUInt32LE(data.length, 22)
    local.writeUInt16LE(name.length, 26)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE(8, 10)
    central.writeUInt32LE(packed.length, 20)
    central.writeUInt32LE(data.length, 24)
    central.writeUInt16LE(name.length, 28)
    central.writeUInt32LE(0, 42)
    const centralStart = local.length + name.length + packed.length
    const end = Buffer.alloc(22)
    end.writeUInt32LE(0x06054b50, 0)
    end.writeUInt16LE(1, 8)
    end.writeUInt16LE(1, 10)
    end.writeUInt32LE(central.length + name.length, 12)
    end.writeUInt32LE(centralStart, 16)
    const archive = Buffer.concat([local, name, packed, central, name, end])
    expect(unzip(archive).get("scifact/corpus_train.csv")?.toString()).toBe(data.toString())
  })
})

describe("the keyword set", () => {
  const corpus = [
    { id: "10", title: "Rapamycin extends the lifespan of mice", text: "Mice lived longer." },
    { id: "11", title: "Effects of exercise on mice and the heart", text: "Exercise helps the heart." },
    { id: "12", title: "Exercise, mice and rapamycin: heart rate variability", text: "Heart rate was measured." },
    { id: "13", title: "Of the and", text: "Only stop words in the title." }
  ]

  it("takes 1, 2, then 3 of the title's rarest non-stop words (ties to the earlier), in title order", () => {
    expect(keywordQueries(corpus)).toEqual([
      { id: "kw-10", text: "extends", relevant: ["10"] },
      { id: "kw-11", text: "effects exercise", relevant: ["11"] },
      { id: "kw-12", text: "exercise rate variability", relevant: ["12"] }
    ])
  })
})
