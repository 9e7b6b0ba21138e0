// A small in-process cache of values that are known to hold for a while: each entry expires `ttlMs` after it was set,
// and at `max` entries the oldest set is dropped. What it does not hold is looked up again by its caller.
export interface TtlCache<V> {
  readonly get: (key: string) => V | undefined
  readonly set: (key: string, value: V) => void
  readonly delete: (key: string) => void
}

export const make = <V>(options: { readonly ttlMs: number; readonly max: number }): TtlCache<V> => {
  const entries = new Map<string, { readonly value: V; readonly until: number }>()
  return {
    get: (key) => {
      const entry = entries.get(key)
      if (entry === undefined) return undefined
      if (entry.until > Date.now()) return entry.value
      entries.delete(key)
      return undefined
    },
    set: (key, value) => {
      entries.delete(key)
      if (entries.size >= options.max) entries.delete(entries.keys().next().value!)
      entries.set(key, { value, until: Date.now() + options.ttlMs })
    },
    delete: (key) => {
      entries.delete(key)
    }
  }
}
