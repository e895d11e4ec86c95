// In-process tests of actions/smoke-test/src (run() called directly with the runner's
// environment) against the example model server (examples/model-server/server.mjs) on loopback:
// they test the source, whether or not dist/ was rebuilt. Expected numbers come from
// test/fixtures/smoke/expected.json (numpy on the ONNX files' weights), never from the code under test.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fixture, readJson } from '../../../test/fixtures.js';
import { expectNoStackTrace, readReport, runInProcess, type ActionRun } from '../../../test/run-action.js';
import { run } from '../src/main.js';
import { startModelServer, type RunningServer } from './model-server.js';

const NEW = fixture('multiclass', 'new.onnx');
const expected = readJson<{ rows: number }>('smoke', 'expected.json');
const SECRET = 'in-process-s3cret-token';

let server: RunningServer;

beforeAll(async () => {
  server = await startModelServer({ model: NEW });
});
afterAll(() => server?.stop());

const smokeTest = (inputs: Record<string, string>) =>
  runInProcess(run, { name: 'smoke-test', inputs: { 'retry-delay': '200ms', timeout: '30s', ...inputs } });

/** The log as a reader sees it: without the add-mask commands (which carry the secrets to hide). */
const log = (r: ActionRun) =>
  r.stdout
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');

describe('smoke-test run(), in process', () => {
  it('passes an HTTP probe: status, expect-body, latency; the summary ends with the commit and the run', async () => {
    const r = await smokeTest({ url: `${server.url}/v2/health/ready`, 'expect-body': '/"ready":\\s*true/', requests: '3' });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.errors).toEqual([]);
    expect(r.outputs).toMatchObject({ passed: 'true', status: '200', attempts: '1' });
    expect(Number(r.outputs['latency-p95-ms'])).toBeGreaterThanOrEqual(Number(r.outputs['latency-p50-ms']));
    const report = await readReport(r);
    expect(report.status).toBe('passed');
    expect(report.checks.map((c: any) => [c.name, c.passed])).toEqual([
      ['status', true],
      ['expect-body', true],
      ['latency', true],
    ]);
    expect(report.latency).toMatchObject({ requested: 3, count: 3, failed: 0, budgetMs: null });
    expect(report.run.commitUrl).toBe(`https://github.com/owner/repo/commit/${r.env.GITHUB_SHA}`);
    // durations as the summary writes them: "timeout 30 s", not "timeout 30000 ms"
    expect(r.stdout).toContain(`Smoke-testing ${server.url}/v2/health/ready (http), timeout 30 s`);
    expect(r.summary.startsWith(`## ✅ Smoke test passed: ${server.url}/v2/health/ready`)).toBe(true);
    expect(r.summary).toContain('(timeout 30 s)');
    expect(r.summary.trimEnd().endsWith('[workflow run](https://github.com/owner/repo/actions/runs/1)</sub>')).toBe(true);
  });

  it('passes an Open Inference Protocol probe with parity against the local model', async () => {
    const r = await smokeTest({
      url: server.url,
      protocol: 'open-inference',
      'model-name': 'demo',
      sample: fixture('smoke', 'sample.npy'),
      model: NEW,
      'expected-model-version': '2',
      requests: '2',
    });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.outputs.passed).toBe('true');
    const report = await readReport(r);
    expect(report.checks.map((c: any) => c.name)).toEqual([
      'server ready',
      'model ready',
      'model metadata',
      'infer',
      'model version',
      'parity',
      'latency',
    ]);
    expect(report.checks.every((c: any) => c.passed)).toBe(true);
    expect(report.request.sample.arrays).toEqual([{ shape: [expected.rows, 8], dtype: 'float64 (little-endian)' }]);
    expect(report.parity).toMatchObject({ passed: true, mode: 'values', atol: 1e-4, rtol: 1e-3, model: NEW });
    expect(report.parity.outputs[0]).toMatchObject({
      name: 'scores',
      shape: [expected.rows, 3],
      mismatches: 0,
      elements: expected.rows * 3,
    });
    expect(report.parity.outputs[0].maxAbsDiff).toBeLessThanOrEqual(1e-6);
    expect(report.reason).toContain('serving model version 2');
    // the tolerance and the differences through formatNumber: atol 1e-4, never "0.00"
    expect(r.summary).toContain('**Parity** with');
    expect(r.summary).toContain('(atol 1e-4 + rtol 0.001)');
    expect(r.summary).not.toMatch(/\| 0\.00 \|/);
  });

  it('a wrong expected status fails: exit 1, one annotation, the report written', async () => {
    const r = await smokeTest({ url: `${server.url}/v2/models/nope`, 'expected-status': '200-299, 304', timeout: '5s' });
    expect(r.exitCode).toBe(1);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].properties.title).toBe('smoke-test');
    expect(r.errors[0].message).toMatch(/^Smoke test failed: /);
    expect(r.errors[0].message).toContain('HTTP 404');
    expect(r.errors[0].message).toContain('expected 2xx, 304');
    expectNoStackTrace(r);
    expect(r.outputs).toMatchObject({ passed: 'false', status: '404', attempts: '1' });
    const report = await readReport(r);
    expect(report.status).toBe('failed');
    expect(report.timedOut).toBe(false);
    expect(report.checks).toEqual([{ name: 'status', passed: false, detail: 'HTTP 404, expected 2xx, 304' }]);
    expect(r.summary.startsWith('## ❌ Smoke test failed')).toBe(true);
  });

  it('bad input: one annotation naming the input, a report with status error, the server not contacted', async () => {
    const r = await smokeTest({ url: `${server.url}/v2/health/ready`, 'expected-status': '2xx, ok' });
    expect(r.exitCode).toBe(1);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].message).toBe(
      "Input expected-status is '2xx, ok': 'ok' is not a status code, a range like 200-299 or a class like 2xx; expected codes, ranges or classes such as 200, 200-299, 2xx.",
    );
    expectNoStackTrace(r);
    const report = await readReport(r);
    expect(report).toMatchObject({
      status: 'error',
      passed: false,
      attempts: 0,
      error: { input: 'expected-status', message: r.errors[0].message },
    });
    expect(r.summary.startsWith('## ⚠️ Smoke test could not run')).toBe(true);
  });

  it('a secret in a header is masked and never printed: not in the log, the summary or the report', async () => {
    const r = await smokeTest({
      url: `${server.url}/v2/health/ready`,
      headers: `Authorization: Bearer ${SECRET}\nX-Trace: t1`,
      requests: '1',
    });
    expect(r.exitCode, r.stdout).toBe(0);
    const masks = r.commands.filter((c) => c.command === 'add-mask').map((c) => c.message);
    expect(masks).toEqual(expect.arrayContaining([`Bearer ${SECRET}`, SECRET]));
    const reportText = await readFile(resolve(r.workspace, r.outputs['report-path']), 'utf8');
    for (const text of [log(r), r.summary, reportText]) expect(text).not.toContain('s3cret');
    expect(r.summary).toContain('`Authorization`, `X-Trace` (values hidden)');
  });

  it('a malformed header line is refused without echoing it (it may hold the secret)', async () => {
    const r = await smokeTest({ url: `${server.url}/v2/health/ready`, headers: `X-Ok: 1\nAuthorization Bearer ${SECRET}` });
    expect(r.exitCode).toBe(1);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].message).toContain('Input headers');
    expect(r.errors[0].message).toContain('line 2');
    expect(r.errors[0].message).toContain("expected one 'Name: value' per line");
    for (const text of [log(r), r.summary]) expect(text).not.toContain('s3cret');
  });
});
