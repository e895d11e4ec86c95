import { afterEach, describe, expect, it } from 'vitest';

import { forgetSecretsForTests, registerSecret } from '../util/secrets.js';
import { gitHubFailure, gitHubRetry } from './github-api-errors.js';
import { RetriesExhausted } from './retry.js';

/** What Octokit throws: a RequestError with the status, the message from the body, the response headers. */
const apiError = (status: number, message: string, headers: Record<string, string> = {}) =>
  Object.assign(new Error(message), { status, response: { headers } });
const NOW = Date.parse('2026-01-01T00:00:00Z');

describe('gitHubRetry: what is worth another attempt, after how long', () => {
  it('5xx (and a network failure, status 500 in Octokit): yes, with backoff alone', () => {
    for (const status of [500, 502, 503, 504]) expect(gitHubRetry(apiError(status, 'Server Error'), NOW)).toEqual({});
  });
  it('429 and a 403 rate limit: after retry-after (seconds or a date), the primary limit reset, or a minute', () => {
    expect(gitHubRetry(apiError(429, 'x', { 'retry-after': '7' }), NOW)).toEqual({ afterMs: 7000 });
    expect(gitHubRetry(apiError(403, 'x', { 'Retry-After': 'Thu, 01 Jan 2026 00:00:30 GMT' }), NOW)).toEqual({ afterMs: 30_000 });
    const reset = String(NOW / 1000 + 42);
    expect(
      gitHubRetry(apiError(403, 'API rate limit exceeded', { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }), NOW),
    ).toEqual({
      afterMs: 42_000,
    });
    expect(gitHubRetry(apiError(403, 'You have exceeded a secondary rate limit.'), NOW)).toEqual({ afterMs: 60_000 });
    // the primary limit's message without its headers (a proxy that drops them): still a rate limit
    expect(gitHubRetry(apiError(403, 'API rate limit exceeded for installation ID 1.'), NOW)).toEqual({ afterMs: 60_000 });
  });
  it('401, a 403 that is a permission, 404, 422: no (retrying changes nothing)', () => {
    for (const [status, message] of [
      [401, 'Bad credentials'],
      [403, 'Resource not accessible by integration'],
      [404, 'Not Found'],
      [422, 'No ref found for: x'],
    ] as const) {
      expect(gitHubRetry(apiError(status, message, { 'x-ratelimit-remaining': '4999' }), NOW)).toBeUndefined();
    }
    expect(gitHubRetry(new TypeError('a bug'), NOW)).toBeUndefined();
  });
});

describe('gitHubFailure: the hint that fits the status, the input at fault', () => {
  afterEach(() => forgetSecretsForTests());
  const context = { repository: 'o/r' };
  const failure = (e: unknown, ref?: string) => gitHubFailure('Reading the ledger (L)', e, { ...context, ref });

  it('401: an invalid or expired token, github-token', () => {
    const e = failure(apiError(401, 'Bad credentials - https://docs.github.com/rest'));
    expect(e.message).toBe('Reading the ledger (L) failed: HTTP 401: Bad credentials - https://docs.github.com/rest.');
    expect([e.input, e.hint]).toEqual([
      'github-token',
      "GitHub does not accept the token in github-token: it is invalid or expired (a personal access token past its expiry date, or revoked?). The default, the workflow's own token (${{ github.token }}), is valid while the job runs.",
    ]);
  });
  it('403: permissions or a fork; 404: the repository; 422 creating a deployment: the ref, input commit', () => {
    expect(failure(apiError(403, 'Resource not accessible by integration')).hint).toContain('`permissions: deployments: write`');
    expect(failure(apiError(404, 'Not Found')).hint).toBe(
      'GitHub found no repository o/r (GITHUB_REPOSITORY), or no such deployment, for this token. A token without access to a private repository gets 404, not 403 (a fine-grained token for other repositories?).',
    );
    const ref = failure(apiError(422, 'No ref found for: abc'), 'abc');
    expect([ref.input, ref.hint]).toEqual([
      'commit',
      "GitHub could not create a deployment of abc: it must be a commit, branch or tag of o/r (input commit; default: the run's commit) — a commit only in a fork is unknown here.",
    ]);
    expect(failure(apiError(422, 'Invalid state')).input).toBeUndefined();
  });
  it('retries exhausted: ledger-timeout, with what was tried', () => {
    const e = failure(new RetriesExhausted(apiError(503, 'Service Unavailable'), 9, 58_300));
    expect(e.message).toBe(
      'Reading the ledger (L) failed: HTTP 503: Service Unavailable (gave up after 9 attempts over 58.3 s, input ledger-timeout).',
    );
    expect(e.input).toBe('ledger-timeout');
    expect(failure(new RetriesExhausted(apiError(429, 'x', { 'retry-after': '60' }), 2, 60_000)).hint).toContain("GitHub's rate limit");
  });
  it("quotes GitHub's message with this run's secrets redacted", () => {
    registerSecret('ghp_secret0123456789');
    expect(failure(apiError(401, 'token ghp_secret0123456789 is expired')).message).toContain('HTTP 401: token *** is expired.');
  });
});
