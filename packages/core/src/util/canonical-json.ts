/**
 * JSON with every object's keys in one order (sorted by name; JavaScript puts integer-like names
 * first, ascending, whatever the insertion order), so that equal values give equal text and equal
 * hashes.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
