import { describe, expect, it } from 'vitest';

import { bodyMatches, parseBodyExpectation, type BodyExpectation } from './body-match.js';

describe('expect-body', () => {
  const expectation = (text: string) => (parseBodyExpectation(text) as { value: BodyExpectation }).value;
  it('a substring, or /regex/flags', () => {
    const sub = parseBodyExpectation('"ready":true');
    expect(sub).toEqual({ ok: true, value: { kind: 'substring', text: '"ready":true' } });
    expect(bodyMatches('{"ready":true}', expectation('"ready":true'))).toBe(true);
    const re = expectation('/READY"?:\\s*true/i');
    expect(bodyMatches('{"ready": true}', re)).toBe(true);
    expect(bodyMatches('{"ready": false}', re)).toBe(false);
    expect(parseBodyExpectation('/(/')).toMatchObject({ ok: false, error: expect.any(String) });
  });
  it('a regex runs in linear time (RE2): /^(a+)+$/ against forty a and a ! does not hang', () => {
    const re = expectation('/^(a+)+$/');
    const t0 = performance.now();
    expect(bodyMatches(`${'a'.repeat(40)}!`, re)).toBe(false);
    expect(performance.now() - t0).toBeLessThan(500);
  });
  it('a lookahead is refused, saying why; g and y are dropped (test() stays stateless over attempts)', () => {
    expect(parseBodyExpectation('/ready(?=:)/')).toEqual({
      ok: false,
      error:
        '/ready(?=:)/ uses a lookahead ((?=), which the linear-time matcher (RE2) does not support: patterns run in time linear in the text, so that no answer can hang the step past its timeout',
    });
    const re = expectation('/ok/gy');
    expect([bodyMatches('ok', re), bodyMatches('ok', re)]).toEqual([true, true]);
  });
});
