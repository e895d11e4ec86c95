/**
 * Retrying a ledger operation that lost a race (a ConfigMap write whose resourceVersion went stale)
 * or met a transient failure (GitHub's 5xx, 429, a secondary rate limit): exponential backoff with
 * jitter, until a deadline (input ledger-timeout). Without backoff, writers that collided collide
 * again at once; without jitter, in step; without a deadline, forever. A wait the server asks for
 * (Retry-After) is honoured, and a wait that would end past the deadline is not started.
 */
import { formatDuration } from '../util/duration.js';
import { numberOutput } from '../util/format.js';

export interface RetryPolicy {
  /** How long an operation may keep retrying, from its first attempt (ms). */
  deadlineMs: number;
  /** The first wait's ceiling; each next one doubles, up to maxDelayMs. Default 250 ms. */
  baseDelayMs?: number;
  /** Default 10 s. */
  maxDelayMs?: number;
  /** For tests: the clock, the sleep and the jitter's randomness. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** Whether an error is worth another attempt, and the least wait the server asked for. */
export type Retryable = (e: unknown) => { afterMs?: number } | undefined;

/** The deadline ran out (or the next wait would end past it): the last error, and what was tried. */
export class RetriesExhausted extends Error {
  constructor(
    readonly last: unknown,
    readonly attempts: number,
    readonly elapsedMs: number,
  ) {
    super(`gave up after ${numberOutput(attempts)} attempts over ${formatDuration(elapsedMs)}`, { cause: last });
    this.name = 'RetriesExhausted';
  }
}

const sleepFor = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/**
 * The wait before attempt `attempt + 1` (pure): "equal jitter", a random point in the upper half
 * of an exponentially growing window, so that collided writers spread out but never retry at once.
 */
export function backoffDelay(attempt: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, random = Math.random): number {
  const window = Math.min(policy.maxDelayMs ?? 10_000, (policy.baseDelayMs ?? 250) * 2 ** (attempt - 1));
  return window / 2 + random() * (window / 2);
}

/**
 * Runs `attempt` until it succeeds; an error `retryable` accepts is retried after a backoff, until
 * the deadline; any other error is thrown as it is. Exhausted: a RetriesExhausted with the last error.
 */
export async function withRetries<T>(attempt: (n: number) => Promise<T>, retryable: Retryable, policy: RetryPolicy): Promise<T> {
  const now = policy.now ?? Date.now;
  const sleep = policy.sleep ?? sleepFor;
  const start = now();
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (e) {
      const retry = retryable(e);
      if (!retry) throw e;
      const wait = Math.max(backoffDelay(n, policy, policy.random), retry.afterMs ?? 0);
      if (now() + wait - start > policy.deadlineMs) throw new RetriesExhausted(e, n, now() - start);
      await sleep(wait);
    }
  }
}
