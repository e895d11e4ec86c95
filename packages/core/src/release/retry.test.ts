import { describe, expect, it } from 'vitest';

import { backoffDelay, RetriesExhausted, withRetries } from './retry.js';

/** A fake clock: sleeping moves it on, and records each wait. */
function clock() {
  let t = 0;
  const waits: number[] = [];
  return { waits, now: () => t, sleep: (ms: number) => ((t += ms), waits.push(ms), Promise.resolve()) };
}

describe('backoffDelay: equal jitter over an exponential window', () => {
  it('stays in the upper half of a window that doubles from 250 ms up to 10 s', () => {
    expect([1, 2, 3, 7, 20].map((n) => backoffDelay(n, {}, () => 0))).toEqual([125, 250, 500, 5000, 5000]);
    expect([1, 2, 3, 7, 20].map((n) => backoffDelay(n, {}, () => 1))).toEqual([250, 500, 1000, 10_000, 10_000]);
    expect(backoffDelay(1, { baseDelayMs: 1000, maxDelayMs: 1500 }, () => 0.5)).toBe(750);
  });
});

describe('withRetries', () => {
  const stale = new Error('stale');
  const slowDown = new Error('slow down');
  const retryable = (e: unknown) => (e === stale ? {} : e === slowDown ? { afterMs: 3000 } : undefined);

  it('retries what is retryable until it succeeds, with growing waits', async () => {
    const c = clock();
    let calls = 0;
    const value = await withRetries(
      (n) => (++calls < 4 ? Promise.reject(new Error(`#${n}`)) : Promise.resolve(`ok after ${n}`)),
      () => ({}),
      { deadlineMs: 60_000, random: () => 1, ...c },
    );
    expect(value).toBe('ok after 4');
    expect(c.waits).toEqual([250, 500, 1000]);
  });

  it('honours the wait the server asks for, when longer than the backoff', async () => {
    const c = clock();
    const answers = [slowDown, stale];
    await withRetries(() => (answers.length ? Promise.reject(answers.shift()!) : Promise.resolve()), retryable, {
      deadlineMs: 60_000,
      random: () => 0,
      ...c,
    });
    expect(c.waits).toEqual([3000, 250]);
  });

  it('throws what is not retryable at once', async () => {
    const c = clock();
    await expect(withRetries(() => Promise.reject(new Error('forbidden')), retryable, { deadlineMs: 60_000, ...c })).rejects.toThrow(
      'forbidden',
    );
    expect(c.waits).toEqual([]);
  });

  it('gives up rather than start a wait that would end past the deadline: the last error, the attempts, the time', async () => {
    const c = clock();
    const e = await withRetries(() => Promise.reject(stale), retryable, { deadlineMs: 2000, random: () => 1, ...c }).catch(
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(RetriesExhausted);
    const x = e as RetriesExhausted;
    expect([x.last, x.attempts, x.elapsedMs, c.waits]).toEqual([stale, 4, 1750, [250, 500, 1000]]);
    expect(x.message).toBe('gave up after 4 attempts over 1.75 s');
    // a server asking for a wait past the deadline: no wait at all
    const y = await withRetries(() => Promise.reject(slowDown), retryable, { deadlineMs: 2000, ...clock() }).catch((z: unknown) => z);
    expect((y as RetriesExhausted).attempts).toBe(1);
  });
});
