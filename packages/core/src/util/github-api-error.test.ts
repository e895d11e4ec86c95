import { afterEach, describe, expect, it } from 'vitest';

import { readApiError, isRateLimit } from './github-api-error.js';
import { forgetSecretsForTests, registerSecret } from './secrets.js';

/** What Octokit throws: a RequestError with the status, the message from the body, the response headers. */
const requestError = (status: number, message: string, headers: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { status, response: { headers } });

describe('readApiError', () => {
  afterEach(() => forgetSecretsForTests());

  it('the status, the message with secrets redacted, the headers with lower-case names (strings and numbers only)', () => {
    registerSecret('ghs_secret0123456789');
    const read = readApiError(
      requestError(403, 'token ghs_secret0123456789 refused', { 'Retry-After': 60, 'X-RateLimit-Remaining': '0', 'set-cookie': ['a'] }),
    );
    expect(read).toEqual({ status: 403, message: 'token *** refused', headers: { 'retry-after': '60', 'x-ratelimit-remaining': '0' } });
  });

  it('what is not an answer has no status: a TypeError, a string, null, headers that are not an object', () => {
    expect(readApiError(new TypeError('x is undefined'))).toEqual({ status: undefined, message: 'x is undefined', headers: {} });
    expect(readApiError('boom')).toEqual({ status: undefined, message: 'boom', headers: {} });
    expect(readApiError(null)).toEqual({ status: undefined, message: 'null', headers: {} });
    expect(readApiError(Object.assign(new Error('m'), { status: '500', response: { headers: 'x' } }))).toEqual({
      status: undefined,
      message: 'm',
      headers: {},
    });
  });
});

describe('isRateLimit', () => {
  it.each([
    [429, 'Too Many Requests', {}, true],
    [403, 'x', { 'retry-after': '30' }, true],
    [403, 'API rate limit exceeded for installation', { 'x-ratelimit-remaining': '0' }, true],
    [403, 'API rate limit exceeded for installation', {}, true],
    [403, 'You have exceeded a secondary rate limit.', {}, true],
    [403, 'Resource not accessible by integration', { 'x-ratelimit-remaining': '4999' }, false],
    [401, 'Bad credentials', { 'x-ratelimit-remaining': '0' }, false],
    [500, 'rate limit', { 'retry-after': '5' }, false],
  ])('%i %j %j: %s', (status, message, headers, expected) => {
    expect(isRateLimit(readApiError(requestError(status, message, headers)))).toBe(expected);
  });
});
