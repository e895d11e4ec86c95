/**
 * Durations as action inputs write them: `120s`, `2m`, `1m30s`, `500ms`, `1.5s`, or a bare number
 * of seconds. Returns milliseconds, or undefined when the text is not a duration.
 */
export function parseDuration(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (t === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let rest = t;
  while (rest !== '') {
    const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*/.exec(rest);
    if (!m) return undefined;
    total += Number(m[1]) * unit[m[2]];
    rest = rest.slice(m[0].length);
  }
  return total;
}

/** 1234 -> "1.23 s", 250 -> "250 ms", 3.284 -> "3.28 ms", 0.0006 -> "0 ms", 90000 -> "90 s". */
export function formatDuration(ms: number): string {
  if (ms < 1) return `${Number(ms.toFixed(2))} ms`; // 0.000642 -> "0 ms", not "0.000642 ms"
  if (ms < 1000) return `${Number(ms.toPrecision(3))} ms`;
  return `${Number((ms / 1000).toPrecision(3))} s`;
}
