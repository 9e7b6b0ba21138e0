// The pure parts of an import: clock readings at the start of a line, a daily note's text as cards, frontmatter,
// links and tags, daily-notes date formats, and which kind of vault a list of paths is.
import { describe, expect, it } from "@effect/vitest"
import { dailyCards, splitTime } from "../../src/portability/DailyFile"
import { dateFormatPattern, detectFormat, planVault } from "../../src/portability/VaultLayout"
import { inlineTags, parseFrontmatter, wikiLinks } from "../../src/portability/VaultText"

describe("a leading clock reading", () => {
  it("reads 24-hour and AM/PM times as a card's hh:mm AM, and leaves other text alone", () => {
    expect(splitTime("09:30 Standup")).toEqual({ timestamp: "09:30 AM", rest: "Standup" })
    expect(splitTime("14:05 - Review")).toEqual({ timestamp: "02:05 PM", rest: "Review" })
    expect(splitTime("0:10 late")).toEqual({ timestamp: "12:10 AM", rest: "late" })
    expect(splitTime("12:00 PM lunch")).toEqual({ timestamp: "12:00 PM", rest: "lunch" })
    expect(splitTime("7.45am run")).toEqual({ timestamp: "07:45 AM", rest: "run" })
    expect(splitTime("25:00 nope")).toBeUndefined()
    expect(splitTime("13:00 PM nope")).toBeUndefined()
    expect(splitTime("2026 was a year")).toBeUndefined()
  })
})

describe("a daily note's text as cards", () => {
  it("starts a card at each heading and at each paragraph before the first, keeping fenced code whole", () => {
    const cards = dailyCards(
      "08:00 Coffee #morning\n\nNo time here\n\n## 10:00 Work\n```\n# not a heading\n```\nDone",
      {
        fileTags: ["daily"],
        exported: false
      }
    )
    expect(cards).toEqual([
      { timestamp: "08:00 AM", tags: ["daily", "morning"], folios: [], markdown: "Coffee #morning" },
      { timestamp: "12:00 AM", tags: ["daily"], folios: [], markdown: "No time here" },
      { timestamp: "10:00 AM", tags: ["daily"], folios: [], markdown: "## Work\n```\n# not a heading\n```\nDone" }
    ])
  })

  it("reads an export's card headings back exactly, a card's own headings staying inside it", () => {
    const cards = dailyCards("## 09:30 AM [#work] #deep [Alpha] [Beta]\n## Notes\nText\n\n## Log\nUntimed", {
      fileTags: [],
      exported: true
    })
    expect(cards).toEqual([
      { timestamp: "09:30 AM", tags: ["work", "deep"], folios: ["Alpha", "Beta"], markdown: "## Notes\nText" },
      { timestamp: "", tags: [], folios: [], markdown: "Untimed" }
    ])
  })
})

describe("frontmatter, links and tags", () => {
  it("reads the frontmatter shapes vaults use and gives body line numbers in the file", () => {
    const front = parseFrontmatter('---\ntags: [a, "b c"]\naliases:\n  - One\n  - Two\ntitle: x\n---\nBody [[Link]]')
    expect(front.fields.get("tags")).toEqual(["a", "b c"])
    expect(front.fields.get("aliases")).toEqual(["One", "Two"])
    expect(wikiLinks(front.body, front.lineOffset)).toEqual([{ target: "Link", line: 8, embed: false }])
  })

  it("takes a link's page without its alias or heading, and marks embeds", () => {
    expect(wikiLinks("[[Page|shown]] and [[Other#Heading]] and ![[file.pdf]]")).toEqual([
      { target: "Page", line: 1, embed: false },
      { target: "Other", line: 1, embed: false },
      { target: "file.pdf", line: 1, embed: true }
    ])
  })

  it("finds inline tags, not headings, numbers or URL fragments", () => {
    expect(inlineTags("# Heading\nA #tag and #nested/tag, #[[two words]], issue #12, http://x.org/#frag")).toEqual([
      "tag",
      "nested/tag",
      "two words"
    ])
  })
})

describe("vault layouts", () => {
  it("turns a daily-notes format into a pattern", () => {
    expect(dateFormatPattern("YYYY/MM/DD-dddd").source).toContain("(?<year>")
    expect(dateFormatPattern("D.M.YYYY").exec("5.3.2026")?.groups).toEqual({ day: "5", month: "3", year: "2026" })
  })

  it("recognises each kind of vault from its paths", () => {
    expect(detectFormat(["carabase-export.json", "notes/2026-01-01.md"])).toBe("carabase")
    expect(detectFormat([".obsidian/app.json", "a.md"])).toBe("obsidian")
    expect(detectFormat(["journals/2026_01_01.md", "pages/a.md"])).toBe("logseq")
    expect(detectFormat(["Page 0123456789abcdef0123456789abcdef.md"])).toBe("notion")
    expect(detectFormat(["notes.md", "2026-01-01.md"])).toBe("obsidian")
  })

  it("strips the archive's one top folder, leaves hidden files out and puts attachments first", () => {
    const plan = planVault([
      { path: "Vault/2026-01-02.md", size: 1 },
      { path: "Vault/Page.md", size: 1 },
      { path: "Vault/img.png", size: 1 },
      { path: "Vault/.obsidian/app.json", size: 1 },
      { path: "Vault/2026-02-30.md", size: 1 }
    ])
    expect(plan.files.map((file) => [file.path, file.role.kind])).toEqual([
      ["img.png", "attachment"],
      ["2026-02-30.md", "page"],
      ["Page.md", "page"],
      ["2026-01-02.md", "daily"]
    ])
  })
})
