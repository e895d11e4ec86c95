import { describe, expect, it } from 'vitest';

import { describeStatusRanges, parseStatusRanges, statusMatches, type StatusRange } from './status.js';

describe('status ranges', () => {
  const ranges = (t: string) => (parseStatusRanges(t) as { value: StatusRange[] }).value;
  it('parses codes, ranges and classes, separated by commas, spaces or newlines', () => {
    expect(parseStatusRanges('200')).toEqual({ ok: true, value: [{ from: 200, to: 200 }] });
    expect(ranges('200-299')).toEqual([{ from: 200, to: 299 }]);
    expect(ranges('2xx, 304')).toEqual([
      { from: 200, to: 299 },
      { from: 304, to: 304 },
    ]);
    expect(ranges('200 204\n301-302')).toEqual([
      { from: 200, to: 200 },
      { from: 204, to: 204 },
      { from: 301, to: 302 },
    ]);
    expect(ranges('4XX')).toEqual([{ from: 400, to: 499 }]);
  });
  it('matches inclusive bounds only', () => {
    const r = ranges('200-204, 5xx');
    for (const s of [200, 201, 204, 500, 599]) expect(statusMatches(s, r), String(s)).toBe(true);
    for (const s of [199, 205, 404, 499, 600]) expect(statusMatches(s, r), String(s)).toBe(false);
  });
  it('rejects what is not a status, with the offending item', () => {
    expect(parseStatusRanges('ok')).toEqual({ ok: false, error: expect.stringContaining("'ok'") });
    expect(parseStatusRanges('200, 2000')).toEqual({ ok: false, error: expect.stringContaining("'2000'") });
    expect(parseStatusRanges('99')).toEqual({ ok: false, error: expect.stringContaining("'99'") });
    expect(parseStatusRanges('600')).toEqual({ ok: false, error: expect.stringContaining('outside 100-599') });
    expect(parseStatusRanges('299-200')).toEqual({ ok: false, error: expect.stringContaining('empty range') });
    expect(parseStatusRanges('6xx')).toMatchObject({ ok: false, error: expect.any(String) });
    expect(parseStatusRanges(' , ')).toEqual({ ok: false, error: 'it is empty' });
  });
  it('describes ranges as written', () => {
    expect(describeStatusRanges(ranges('2xx,304,301-302'))).toBe('2xx, 304, 301-302');
  });
});
