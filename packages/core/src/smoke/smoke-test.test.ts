// runSmokeTest against a loopback server: a request fetch refuses to send is a final failure
// (one attempt), never retried as a connection error until the timeout.
import { createServer, type Server } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';

import { DEFAULT_MAX_RESPONSE_BYTES } from '../http/body.js';
import { newSmokeTestReport } from './smoke-report.js';
import type { SmokeTestOptions } from './smoke-options.js';
import { runSmokeTest } from './smoke-test.js';

const servers: Server[] = [];
afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

async function serve(): Promise<{ url: string; hits: () => number }> {
  let hits = 0;
  const s = createServer((_req, res) => {
    hits++;
    res.end('ok');
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(s.address() as { port: number }).port}/ready?token=s3cret-tok`, hits: () => hits };
}

const options = (url: string, extra: Partial<SmokeTestOptions>): SmokeTestOptions => ({
  protocol: 'http',
  url,
  method: 'GET',
  headers: [],
  expectedStatus: [{ from: 200, to: 200 }],
  expectJson: [],
  timeoutMs: 3000,
  retryDelayMs: 100,
  requestTimeoutMs: 1000,
  maxResponseBytes: DEFAULT_MAX_RESPONSE_BYTES,
  retryOn: new Set(['connection', '5xx']),
  requests: 0,
  ...extra,
});

describe('runSmokeTest: requests fetch refuses', () => {
  for (const [what, extra] of [
    ['header Transfer-Encoding', { headers: [{ name: 'Transfer-Encoding', value: 'chunked' }] }],
    ['header Expect', { headers: [{ name: 'Expect', value: '100-continue' }] }],
    ['method TRACE', { method: 'TRACE' }],
  ] as const) {
    it(`${what}: fails at the first attempt, well before the timeout, the URL redacted`, async () => {
      const s = await serve();
      const report = newSmokeTestReport();
      const t0 = performance.now();
      await runSmokeTest(options(s.url, extra as Partial<SmokeTestOptions>), report);
      expect(performance.now() - t0).toBeLessThan(1500);
      expect(report.passed).toBe(false);
      expect(report.attempts).toBe(1);
      expect(report.timedOut).toBe(false);
      expect(report.reason).toContain('cannot be sent');
      expect(report.reason).toContain('/ready?token=***');
      expect(report.reason).not.toContain('s3cret');
      expect(s.hits()).toBe(0);
    });
  }
});
