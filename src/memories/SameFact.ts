// When two memories state the same fact: the same words, ignoring case, spacing and a closing full stop or
// exclamation mark. One rule, written for TypeScript and for SQL over memories.content, so the two always agree.

/** A fact's identity: lower case, runs of spaces as one, no closing full stop or exclamation mark. */
export const sameFact = (fact: string) =>
  fact
    .toLowerCase()
    .replace(/[ \t\r\n\f\v]+/g, " ")
    .replace(/^ | $/g, "")
    .replace(/[.!]+$/, "")

/** The same rule in SQL, over memories.content (the whitespace class is the same six characters). */
export const SAME_FACT_SQL = String.raw`regexp_replace(btrim(regexp_replace(lower(content), '[ \t\r\n\f\v]+', ' ', 'g')), '[.!]+$', '')`
