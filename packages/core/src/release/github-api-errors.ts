/**
 * What a GitHub REST API error means for the github-deployments ledger (pure): whether to try
 * again — a 5xx, a 429, a rate limit (util/github-api-error.ts isRateLimit), after the wait GitHub
 * asks for — and, when not, what the user can do about it: a hint that fits the status, and the
 * input at fault. GitHub's own message is quoted with this run's secrets redacted (readApiError).
 */
import { UserError } from '../errors.js';
import { INVALID_TOKEN_HINT, isRateLimit, NOT_FOUND_FOR_TOKEN_HINT, readApiError, type ApiError } from '../util/github-api-error.js';
import { RetriesExhausted } from './retry.js';

/**
 * The wait GitHub asks for before a retry (ms), as its documentation says to read it: retry-after
 * (seconds, or an HTTP date); else, x-ratelimit-remaining 0, until x-ratelimit-reset (epoch
 * seconds); else, for a secondary rate limit, at least a minute.
 */
function rateLimitWait(a: ApiError, now: number): number {
  const after = a.headers['retry-after'];
  if (after !== undefined) {
    const seconds = Number(after);
    return Number.isFinite(seconds) ? seconds * 1000 : Math.max(0, Date.parse(after) - now || 0);
  }
  if (a.headers['x-ratelimit-remaining'] === '0') return Math.max(0, Number(a.headers['x-ratelimit-reset']) * 1000 - now || 0);
  return 60_000;
}

/**
 * For a request that is not idempotent (creating a deployment): another attempt only when GitHub
 * refused the request (a rate limit) — after a 5xx or a dropped connection the deployment may
 * exist already, and a second one would be a second, wrong ledger entry.
 */
export function gitHubRetryRefusedOnly(e: unknown, now = Date.now()): { afterMs?: number } | undefined {
  const a = readApiError(e);
  return a.status !== undefined && isRateLimit(a) ? { afterMs: rateLimitWait(a, now) } : undefined;
}

/** Whether an API error is worth another attempt, and the least wait GitHub asked for. */
export function gitHubRetry(e: unknown, now = Date.now()): { afterMs?: number } | undefined {
  const a = readApiError(e);
  if (a.status === undefined) return undefined;
  if (isRateLimit(a)) return { afterMs: rateLimitWait(a, now) };
  return a.status >= 500 ? {} : undefined;
}

/** What the call was about, for the hints: the repository (GITHUB_REPOSITORY) and, creating a deployment, its ref. */
export interface ApiCallContext {
  repository: string;
  ref?: string;
}

/** The hint and the input at fault for a status that retrying does not change. */
function statusAdvice(status: number | undefined, c: ApiCallContext): { input?: string; hint?: string } {
  switch (status) {
    case 401:
      return {
        input: 'github-token',
        hint: INVALID_TOKEN_HINT,
      };
    case 403:
      return {
        input: 'github-token',
        hint: 'The token needs `permissions: deployments: write` (read for a dry run) on this repository; a pull request from a fork gets a read-only token, whatever `permissions:` says.',
      };
    case 404:
      return {
        input: 'github-token',
        hint: `GitHub found no repository ${c.repository} (GITHUB_REPOSITORY), or no such deployment, for this token. ${NOT_FOUND_FOR_TOKEN_HINT}`,
      };
    case 409:
    case 422:
      return c.ref
        ? {
            input: 'commit',
            hint: `GitHub could not create a deployment of ${c.ref}: it must be a commit, branch or tag of ${c.repository} (input commit; default: the run's commit) — a commit only in a fork is unknown here.`,
          }
        : {};
    default:
      return {};
  }
}

/** A transient error that outlasted ledger-timeout. */
function exhaustedAdvice(a: ApiError): { input: string; hint: string } {
  return {
    input: 'ledger-timeout',
    hint: isRateLimit(a)
      ? "GitHub's rate limit for this token was reached (runs that share a token share its limit): wait for it to reset, or give a longer ledger-timeout."
      : "GitHub's API kept failing (https://www.githubstatus.com): run the step again later, or give a longer ledger-timeout.",
  };
}

/** The UserError for a failed call: "WHAT failed: HTTP 401: Bad credentials.", the hint that fits, the input at fault. */
export function gitHubFailure(what: string, e: unknown, context: ApiCallContext): UserError {
  const exhausted = e instanceof RetriesExhausted ? e : undefined;
  const a = readApiError(exhausted ? exhausted.last : e);
  const gaveUp = exhausted ? ` (${exhausted.message}, input ledger-timeout)` : '';
  const advice = exhausted ? exhaustedAdvice(a) : statusAdvice(a.status, context);
  return new UserError(`${what} failed: ${a.status ? `HTTP ${a.status}: ` : ''}${a.message}${gaveUp}.`, {
    ...advice,
    cause: e,
  });
}
