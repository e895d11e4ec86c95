import { describe, expect, it } from 'vitest';

import type { SmokeTestOptions } from './smoke-options.js';
import { describeStatus, statusHint, statusRetried } from './status-hints.js';

const options = (extra: Partial<SmokeTestOptions> = {}): SmokeTestOptions => ({
  protocol: 'http',
  url: 'http://127.0.0.1:1/healthz',
  method: 'GET',
  headers: [],
  expectedStatus: [{ from: 200, to: 200 }],
  expectJson: [],
  timeoutMs: 1000,
  retryDelayMs: 100,
  requestTimeoutMs: 1000,
  maxResponseBytes: 1024,
  retryOn: new Set(['connection', '5xx']),
  requests: 0,
  ...extra,
});
const oip = options({ protocol: 'open-inference', modelName: 'demo' });
const withToken = options({ headers: [{ name: 'Authorization', value: 'Bearer t' }] });

describe('the hint of a status names the input at fault', () => {
  it('401 and 403: the credentials in headers, or that none were given', () => {
    expect(statusHint(options(), 401, 'request')).toBe(
      'the server wants credentials: give them in input headers, e.g. "Authorization: Bearer ${{ secrets.TOKEN }}"',
    );
    expect(statusHint(withToken, 401, 'request')).toContain('did not accept the credentials: check the Authorization');
    expect(statusHint(withToken, 403, 'model')).toContain('refused these credentials (forbidden): check the token in input headers');
    expect(statusHint(options(), 403, 'request')).toContain('give them in input headers');
  });
  it('404: url (http, or the server readiness of open-inference), model-name (the model endpoints and infer)', () => {
    expect(statusHint(options(), 404, 'request')).toBe('nothing is served at this URL: check input url');
    expect(statusHint(oip, 404, 'server')).toContain("check input url, the server's base URL");
    expect(statusHint(oip, 404, 'model')).toBe("the server does not serve a model 'demo': check input model-name (and input url)");
    expect(statusHint(oip, 404, 'request')).toContain('check input model-name');
  });
  it('405 names method with protocol http; 400 and 418 get no hint', () => {
    expect(statusHint(options({ method: 'DELETE' }), 405, 'request')).toBe('the server does not take DELETE here: check input method');
    expect(statusHint(oip, 405, 'request')).toBeUndefined();
    expect(describeStatus(options(), 400, 'request')).toBe('HTTP 400');
    expect(describeStatus(options(), 418, 'request')).toBe('HTTP 418');
  });
  it('429, 503 and other 5xx: what they mean, and whether retry-on retries them (readiness is always waited for)', () => {
    expect(describeStatus(options(), 429, 'request')).toBe('HTTP 429 (rate-limited (Too Many Requests); retried until the timeout)');
    expect(statusHint(options(), 503, 'request')).toBe('not ready or overloaded (Service Unavailable); retried until the timeout');
    expect(statusHint(options(), 502, 'request')).toBe('a server error; retried until the timeout');
    const none = options({ retryOn: new Set() });
    expect(statusHint(none, 500, 'request')).toBe('a server error; not retried (input retry-on)');
    expect(statusHint(none, 503, 'server')).toContain('retried until the timeout');
  });
});

describe('statusRetried', () => {
  it('by class (429 under 4xx or 5xx), or any status under retry-on status', () => {
    const under = (...classes: string[]) => options({ retryOn: new Set(classes) as SmokeTestOptions['retryOn'] });
    expect(statusRetried(under('5xx'), 503)).toBe(true);
    expect(statusRetried(under('5xx'), 429)).toBe(true);
    expect(statusRetried(under('4xx'), 429)).toBe(true);
    expect(statusRetried(under('5xx'), 404)).toBe(false);
    expect(statusRetried(under('4xx'), 404)).toBe(true);
    expect(statusRetried(under('4xx'), 500)).toBe(false);
    expect(statusRetried(under('status'), 302)).toBe(true);
    expect(statusRetried(under(), 503)).toBe(false);
  });
});
