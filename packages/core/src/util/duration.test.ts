import { describe, expect, it } from 'vitest';

import { formatDuration, parseDuration } from './duration.js';

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
