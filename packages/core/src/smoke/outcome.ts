// How a failed attempt is classed: retried (the server may be starting, or rolling out) or final.
import { describeStatusRanges } from '../http/status.js';
import { RequestError, type HttpResponse } from '../http/request.js';
import type { AttemptOutcome } from '../http/retry.js';
import { truncate } from '../http/text.js';
import type { SmokeTestOptions } from './smoke-options.js';
import { describeStatus, statusRetried } from './status-hints.js';

export type Outcome = AttemptOutcome<true>;

export const retry = (reason: string): Outcome => ({ kind: 'retry', reason });
export const fail = (reason: string): Outcome => ({ kind: 'fail', reason });
export const done: Outcome = { kind: 'done', value: true };

/** Whether a value an attempt step returns is its outcome (the attempt ends) rather than its result. */
export const isOutcome = <T extends object>(x: T | Outcome): x is Outcome => 'kind' in x;

/**
 * No HTTP response to `what`: a request that cannot be sent or a redirect that cannot be followed
 * is final (retrying cannot help); a connection error or timeout is retried under retry-on
 * connection. Anything but a RequestError is a bug, rethrown.
 */
export function transportOutcome(o: SmokeTestOptions, e: unknown, what: string): Outcome {
  if (!(e instanceof RequestError)) throw e;
  const reason = `${what}: ${e.message}`;
  // the same server would send the same endless body again
  if (e.kind === 'too-large') return fail(`${reason} (input max-response-bytes; raise it if the server is meant to answer this much)`);
  if (e.kind === 'redirect' || e.kind === 'invalid') return fail(reason);
  return o.retryOn.has('connection') ? retry(reason) : fail(reason);
}

/**
 * A status expected-status does not accept, with what it says of the input at fault: retried
 * under retry-on 5xx, 4xx (by its class; 429 by either) or status.
 */
export function statusOutcome(o: SmokeTestOptions, res: HttpResponse, what: string): Outcome {
  const reason = `${what} answered ${describeStatus(o, res.status, 'request')}, expected ${describeStatusRanges(o.expectedStatus)}${res.body ? `: ${truncate(res.body, 200)}` : ''}`;
  return statusRetried(o, res.status) ? retry(reason) : fail(reason);
}

/** Content checks that failed: retried only under retry-on checks. */
export function checksOutcome(o: SmokeTestOptions, failed: string[]): Outcome {
  if (failed.length === 0) return done;
  const reason = failed.join('; ');
  return o.retryOn.has('checks') ? retry(reason) : fail(reason);
}
