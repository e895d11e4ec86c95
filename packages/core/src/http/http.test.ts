import { describe, expect, it } from 'vitest';

import { bodyMatches, parseBodyExpectation } from './body-match.js';
import { formatDuration, parseDuration } from '../util/duration.js';
import { parseHeaderLines } from './headers.js';
import { percentile, summarizeLatencies } from './stats.js';
import { describeStatusRanges, parseStatusRanges, statusMatches, type StatusRange } from './status.js';
import { truncate } from './text.js';

describe('status ranges', () => {
  const ranges = (t: string) => parseStatusRanges(t) as StatusRange[];
  it('parses codes, ranges and classes, separated by commas, spaces or newlines', () => {
    expect(ranges('200')).toEqual([{ from: 200, to: 200 }]);
    expect(ranges('200-299')).toEqual([{ from: 200, to: 299 }]);
    expect(ranges('2xx, 304')).toEqual([{ from: 200, to: 299 }, { from: 304, to: 304 }]);
    expect(ranges('200 204\n301-302')).toEqual([{ from: 200, to: 200 }, { from: 204, to: 204 }, { from: 301, to: 302 }]);
    expect(ranges('4XX')).toEqual([{ from: 400, to: 499 }]);
  });
  it('matches inclusive bounds only', () => {
    const r = ranges('200-204, 5xx');
    for (const s of [200, 201, 204, 500, 599]) expect(statusMatches(s, r), String(s)).toBe(true);
    for (const s of [199, 205, 404, 499, 600]) expect(statusMatches(s, r), String(s)).toBe(false);
  });
  it('rejects what is not a status, with the offending item', () => {
    expect(parseStatusRanges('ok')).toEqual({ error: expect.stringContaining("'ok'") });
    expect(parseStatusRanges('200, 2000')).toEqual({ error: expect.stringContaining("'2000'") });
    expect(parseStatusRanges('99')).toEqual({ error: expect.stringContaining("'99'") });
    expect(parseStatusRanges('600')).toEqual({ error: expect.stringContaining('outside 100-599') });
    expect(parseStatusRanges('299-200')).toEqual({ error: expect.stringContaining('empty range') });
    expect(parseStatusRanges('6xx')).toHaveProperty('error');
    expect(parseStatusRanges(' , ')).toEqual({ error: 'it is empty' });
  });
  it('describes ranges as written', () => {
    expect(describeStatusRanges(ranges('2xx,304,301-302'))).toBe('2xx, 304, 301-302');
  });
});

describe('durations', () => {
  it('reads units and bare seconds', () => {
    expect(parseDuration('120s')).toBe(120_000);
    expect(parseDuration('2')).toBe(2000);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration(' 10S ')).toBe(10_000);
  });
  it('rejects the rest', () => {
    for (const t of ['', 'soon', '-1s', '5 minutes', 's', '1d']) expect(parseDuration(t), t).toBeUndefined();
  });
  it('formats', () => {
    expect(formatDuration(250)).toBe('250 ms');
    expect(formatDuration(3.284)).toBe('3.28 ms');
    expect(formatDuration(0.000642)).toBe('0 ms');
    expect(formatDuration(1500)).toBe('1.5 s');
    expect(formatDuration(120_000)).toBe('120 s');
  });
});

describe('percentile (numpy linear interpolation), by hand', () => {
  it('one value is every percentile', () => {
    expect(percentile([7], 50)).toBe(7);
    expect(percentile([7], 95)).toBe(7);
  });
  it('[10, 20, 30, 40]: p50 = 25, p95 = 38.5, p0 = 10, p100 = 40', () => {
    // rank h = (n-1) p / 100: p50 -> 1.5 -> 20 + 0.5 * 10 = 25; p95 -> 2.85 -> 30 + 0.85 * 10 = 38.5
    const x = [40, 10, 30, 20];
    expect(percentile(x, 50)).toBeCloseTo(25, 12);
    expect(percentile(x, 95)).toBeCloseTo(38.5, 12);
    expect(percentile(x, 0)).toBe(10);
    expect(percentile(x, 100)).toBe(40);
  });
  it('1..20: p95 = 19.05 (rank 18.05)', () => {
    const x = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(percentile(x, 95)).toBeCloseTo(19.05, 12);
    expect(percentile(x, 50)).toBeCloseTo(10.5, 12);
  });
  it('does not reorder its input; summary has max and mean', () => {
    const x = [3, 1, 2];
    expect(summarizeLatencies(x)).toEqual({ count: 3, p50Ms: 2, p95Ms: 2.9, maxMs: 3, meanMs: 2 });
    expect(x).toEqual([3, 1, 2]);
    expect(summarizeLatencies([])).toBeUndefined();
  });
});

describe('headers', () => {
  it('parses Name: value lines, skipping blanks and comments; values may hold colons', () => {
    expect(parseHeaderLines('Authorization: Bearer a:b\n\n# note\nX-Api-Key:k1  \n')).toEqual([
      { name: 'Authorization', value: 'Bearer a:b' },
      { name: 'X-Api-Key', value: 'k1' },
    ]);
  });
  it('names the bad line and never echoes a value', () => {
    const e = parseHeaderLines('X-Ok: 1\nAuthorization Bearer secret-xyz') as { error: string };
    expect(e.error).toContain('line 2');
    expect(e.error).not.toContain('secret-xyz');
    expect(parseHeaderLines('Bad Name: v')).toEqual({ error: expect.stringContaining('not a valid header name') });
    expect(parseHeaderLines(': v')).toHaveProperty('error');
  });
  it('never echoes the text before the first colon of a malformed line (it may hold a secret)', () => {
    const e = parseHeaderLines('X-Ok: 1\nAuthorization Bearer sk-live-abc123:xyz') as { error: string };
    expect(e.error).toBe("line 2: the text before its first colon is not a valid header name (a header name has no spaces; the line is not shown, it may hold a secret)");
    expect(e.error).not.toContain('sk-live');
    expect(e.error).not.toContain('Authorization');
  });
});

describe('expect-body', () => {
  it('a substring, or /regex/flags', () => {
    const sub = parseBodyExpectation('"ready":true');
    expect(sub).toEqual({ kind: 'substring', text: '"ready":true' });
    expect(bodyMatches('{"ready":true}', sub as any)).toBe(true);
    const re = parseBodyExpectation('/READY"?:\\s*true/i');
    expect(bodyMatches('{"ready": true}', re as any)).toBe(true);
    expect(bodyMatches('{"ready": false}', re as any)).toBe(false);
    expect(parseBodyExpectation('/(/')).toHaveProperty('error');
  });
});

describe('truncate', () => {
  it('keeps short text, cuts long text and says how much was cut', () => {
    expect(truncate('a\n b')).toBe('a b');
    expect(truncate('x'.repeat(310), 300)).toBe(`${'x'.repeat(300)}… (10 more characters)`);
  });
});
