import { describe, expect, it } from 'vitest';

import { MIN_ATTEMPT_MS, backoffDelay, retryUntilDeadline, type AttemptOutcome } from './retry.js';

describe('backoffDelay', () => {
  it('doubles from the base up to 8 x base, without jitter at random() = 0.5', () => {
    const d = (n: number) => backoffDelay(n, { baseDelayMs: 100 }, () => 0.5);
    expect([1, 2, 3, 4, 5, 6].map(d)).toEqual([100, 200, 400, 800, 800, 800]);
  });
  it('jitter stays within ±25%: random() 0 gives 0.75 d, random() -> 1 gives 1.25 d', () => {
    expect(backoffDelay(2, { baseDelayMs: 100 }, () => 0)).toBe(150);
    expect(backoffDelay(2, { baseDelayMs: 100 }, () => 0.999999)).toBeCloseTo(250, 3);
    for (let i = 0; i < 200; i++) {
      const v = backoffDelay(3, { baseDelayMs: 100, maxDelayMs: 1000 });
      expect(v).toBeGreaterThanOrEqual(300);
      expect(v).toBeLessThanOrEqual(500);
    }
  });
});

/** A fake clock: sleeping and attempts move time, nothing waits. */
function fakeClock(attemptMs = 0) {
  let t = 1000;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: (ms: number) => {
      sleeps.push(ms);
      t += ms;
      return Promise.resolve();
    },
    advance: (ms: number) => (t += ms),
    sleeps,
    attemptMs,
  };
}

describe('retryUntilDeadline', () => {
  it('returns the first success with the attempt count', async () => {
    const c = fakeClock();
    let n = 0;
    const r = await retryUntilDeadline<string>(
      () => Promise.resolve<AttemptOutcome<string>>(++n < 3 ? { kind: 'retry', reason: `try ${n}` } : { kind: 'done', value: 'ok' }),
      { deadline: c.now() + 10_000, baseDelayMs: 100, now: c.now, sleep: c.sleep, random: () => 0.5 },
    );
    expect(r.outcome).toEqual({ kind: 'done', value: 'ok' });
    expect(r.attempts).toBe(3);
    expect(r.timedOut).toBe(false);
    expect(c.sleeps).toEqual([100, 200]);
    expect(r.log.map((a) => [a.attempt, a.atMs, a.outcome, a.reason])).toEqual([
      [1, 0, 'retry', 'try 1'],
      [2, 100, 'retry', 'try 2'],
      [3, 300, 'done', undefined],
    ]);
  });

  it('stops at a final failure without sleeping', async () => {
    const c = fakeClock();
    const r = await retryUntilDeadline(() => Promise.resolve<AttemptOutcome<never>>({ kind: 'fail', reason: 'HTTP 404' }), {
      deadline: c.now() + 10_000,
      baseDelayMs: 100,
      now: c.now,
      sleep: c.sleep,
    });
    expect(r).toMatchObject({ attempts: 1, timedOut: false, outcome: { kind: 'fail', reason: 'HTTP 404' } });
    expect(c.sleeps).toEqual([]);
  });

  it('never passes the deadline: sleeps are cut short and every attempt starts before it', async () => {
    for (const random of [() => 0, () => 0.5, () => 0.99]) {
      const c = fakeClock();
      const start = c.now();
      const deadline = start + 1000;
      const remainingSeen: number[] = [];
      const r = await retryUntilDeadline(
        (remaining) => {
          remainingSeen.push(remaining);
          c.advance(30); // each attempt takes 30 ms
          return Promise.resolve<AttemptOutcome<never>>({ kind: 'retry', reason: 'refused' });
        },
        { deadline, baseDelayMs: 100, now: c.now, sleep: c.sleep, random },
      );
      expect(r.timedOut).toBe(true);
      expect(r.outcome).toEqual({ kind: 'retry', reason: 'refused' });
      expect(c.now()).toBeLessThanOrEqual(deadline);
      expect(r.elapsedMs).toBeLessThanOrEqual(1000);
      // every attempt got at least MIN_ATTEMPT_MS, and the last one ended within MIN_ATTEMPT_MS of the deadline
      expect(Math.min(...remainingSeen)).toBeGreaterThanOrEqual(MIN_ATTEMPT_MS);
      expect(deadline - c.now()).toBeLessThan(MIN_ATTEMPT_MS);
      expect(r.attempts).toBe(remainingSeen.length);
    }
  });

  it('a deadline already passed: one attempt, then timed out', async () => {
    const c = fakeClock();
    const r = await retryUntilDeadline(() => Promise.resolve<AttemptOutcome<never>>({ kind: 'retry', reason: 'x' }), {
      deadline: c.now() + 10,
      baseDelayMs: 100,
      now: c.now,
      sleep: c.sleep,
    });
    expect(r).toMatchObject({ attempts: 1, timedOut: true });
    expect(c.sleeps).toEqual([]);
  });
});
