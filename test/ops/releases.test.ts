// How `carabase upgrade` describes a pending migration before applying it: every one is forward-only; "destructive"
// ones also drop, rename or rewrite what the running release reads.
import { describe, expect, it } from "vitest"
import { classifyMigration } from "../../src/cli/Releases"

describe("classifyMigration", () => {
  it.each([
    ["create table t (id int primary key);", "additive"],
    ["alter table t add column note text; create index t_note on t (note);", "additive"],
    ["-- drop table t was considered\ncreate table u (id int);", "additive"],
    ["drop table t;", "destructive"],
    ["alter table t drop column note;", "destructive"],
    ["alter table t rename column note to body;", "destructive"],
    ["alter table t alter column id type bigint;", "destructive"],
    ["update t set note = lower(note);", "destructive"],
    ["delete from t where note is null;", "destructive"],
    ["truncate t;", "destructive"]
  ])("%s is %s", (sql, kind) => {
    expect(classifyMigration(sql)).toBe(kind)
  })
})
