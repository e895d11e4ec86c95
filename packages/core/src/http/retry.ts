/** Retrying an operation with exponential backoff and jitter, never past a deadline. */

export interface BackoffOptions {
  /** The first delay (ms); each next one doubles, up to maxDelayMs. */
  baseDelayMs: number;
  /** Default: 8 × baseDelayMs. */
  maxDelayMs?: number;
  /** Relative jitter: a delay d becomes a uniform value in [d(1 - j), d(1 + j)]. Default 0.25. */
  jitter?: number;
}

/**
 * The delay before retry number `retry` (1 for the first retry), not counting the deadline:
 * min(maxDelay, base × 2^(retry-1)), scaled by a factor in [1 - jitter, 1 + jitter] drawn from
 * `random()` (a value in [0, 1)).
 */
export function backoffDelay(retry: number, options: BackoffOptions, random: () => number = Math.random): number {
  const max = options.maxDelayMs ?? options.baseDelayMs * 8;
  const jitter = options.jitter ?? 0.25;
  const nominal = Math.min(max, options.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return nominal * (1 - jitter + 2 * jitter * random());
}

/** What one attempt came to. */
export type AttemptOutcome<T> =
  | { kind: 'done'; value: T }
  /** Worth another try (not ready yet, a connection error, a 5xx...). */
  | { kind: 'retry'; reason: string }
  /** Final: retrying will not help. */
  | { kind: 'fail'; reason: string };

export interface AttemptRecord {
  attempt: number;
  /** ms since the start. */
  atMs: number;
  durationMs: number;
  outcome: 'done' | 'retry' | 'fail';
  reason?: string;
}

export interface RetryResult<T> {
  outcome: AttemptOutcome<T>;
  attempts: number;
  /** True when the deadline ended the retries (outcome is then the last retryable one). */
  timedOut: boolean;
  elapsedMs: number;
  log: AttemptRecord[];
}

export interface RetryOptions extends BackoffOptions {
  /** Absolute deadline, in the clock's milliseconds. */
  deadline: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  onAttempt?: (record: AttemptRecord) => void;
}

/** The least time left for which another attempt is started. */
export const MIN_ATTEMPT_MS = 50;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Calls `attempt` until it is done or fails, or the deadline passes. Sleeps between attempts are
 * cut short so that the next attempt starts before the deadline; no attempt starts after it.
 * `attempt` gets the time left (ms), to bound its own requests by.
 */
export async function retryUntilDeadline<T>(
  attempt: (remainingMs: number) => Promise<AttemptOutcome<T>>,
  options: RetryOptions,
): Promise<RetryResult<T>> {
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const start = now();
  const log: AttemptRecord[] = [];
  for (let n = 1; ; n++) {
    const t0 = now();
    const outcome = await attempt(options.deadline - t0);
    const t1 = now();
    const record: AttemptRecord = {
      attempt: n,
      atMs: t0 - start,
      durationMs: t1 - t0,
      outcome: outcome.kind,
      ...(outcome.kind === 'done' ? {} : { reason: outcome.reason }),
    };
    log.push(record);
    options.onAttempt?.(record);
    if (outcome.kind !== 'retry') return { outcome, attempts: n, timedOut: false, elapsedMs: t1 - start, log };
    // the next attempt gets at least MIN_ATTEMPT_MS before the deadline, or does not start
    const remaining = options.deadline - t1;
    if (remaining < MIN_ATTEMPT_MS) return { outcome, attempts: n, timedOut: true, elapsedMs: t1 - start, log };
    await sleep(Math.min(backoffDelay(n, options, random), remaining - MIN_ATTEMPT_MS));
  }
}
