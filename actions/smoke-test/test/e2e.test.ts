// End-to-end tests of the COMMITTED bundle actions/smoke-test/dist/index.js, run the way the GitHub
// runner runs it (test/run-action.ts), against the example model server
// (examples/model-server/server.mjs) on 127.0.0.1, started with fault injection per test.
//
// As in evaluate-baseline's e2e tests, the bundle runs from a copy of action.yml + dist/ with no
// node_modules above it and ONNXRUNTIME_NODE_PATH unset: the first run with a `model` (beforeAll)
// downloads onnxruntime-node from the npm registry into a tool cache shared by the later runs.
//
// Expected numbers come from test/fixtures/smoke/expected.json (numpy on the ONNX files' weights,
// written by test/fixtures/generate.py), never from the code under test.
import { copyFile, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fixture, readJson } from '../../../test/fixtures.js';
import { answering, closeServer, listenOnLoopback } from '../../../test/loopback.js';
import {
  expectErrorAnnotation,
  expectNoStackTrace,
  readReport,
  runAction,
  type ActionRun,
  type RunActionOptions,
} from '../../../test/run-action.js';
import { startModelServer, type ModelServerOptions, type RunningServer } from './model-server.js';

const ACTION_SOURCE = fileURLToPath(new URL('..', import.meta.url));
const NEW = fixture('multiclass', 'new.onnx');
const BASELINE = fixture('multiclass', 'baseline.onnx');
const SAMPLE = fixture('smoke', 'sample.npy');
const expected = readJson<{ rows: number; new_vs_baseline_max_abs_diff: number; class_mismatches: number }>('smoke', 'expected.json');
const SECRET = 'Bearer e2e-s3cret-token-value';

let root: string;
let action: string;
let toolCache: string;
let firstRun: ActionRun;
let healthy: RunningServer;
const servers: RunningServer[] = [];
const standIns: HttpServer[] = [];

/** A loopback server answering every request with `handler`; its base URL. */
async function standIn(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const s = answering((req, res) => Promise.resolve(handler(req, res)));
  standIns.push(s);
  return listenOnLoopback(s);
}

async function server(o: Partial<ModelServerOptions> = {}): Promise<RunningServer> {
  const s = await startModelServer({ model: NEW, ...o });
  servers.push(s);
  return s;
}

function run(inputs: Record<string, string>, options: Partial<RunActionOptions> = {}): Promise<ActionRun> {
  return runAction({
    action,
    toolCache,
    tempDir: root,
    timeoutMs: 60_000,
    ...options,
    inputs,
    env: { ONNXRUNTIME_NODE_PATH: undefined, ONNXRUNTIME_NODE_REGISTRY: undefined, NO_PROXY: '*', no_proxy: '*', ...options.env },
  });
}

const oip = (url: string, extra: Record<string, string> = {}) => ({
  url,
  protocol: 'open-inference',
  'model-name': 'demo',
  sample: SAMPLE,
  'retry-delay': '200ms',
  timeout: '30s',
  requests: '3',
  ...extra,
});

/** A failed check: exit 1, one error annotation with these words, a report with status failed. */
async function expectFailure(r: ActionRun, ...words: (string | RegExp)[]): Promise<any> {
  expect(r.exitCode, r.stdout + r.stderr).toBe(1);
  expect(r.errors, r.stdout).toHaveLength(1);
  expect(r.errors[0].properties.title).toBe('smoke-test');
  expect(r.errors[0].message).toMatch(/^Smoke test failed: /);
  for (const w of words) {
    if (typeof w === 'string') expect(r.errors[0].message).toContain(w);
    else expect(r.errors[0].message).toMatch(w);
  }
  expectNoStackTrace(r);
  expect(r.outputs.passed).toBe('false');
  const report = await readReport(r);
  expect(report.status).toBe('failed');
  expect(r.summary.startsWith('## ❌ Smoke test failed')).toBe(true);
  return report;
}

/** Bad input: exit 1, one error annotation naming the input, no stack trace, a report with status error. */
async function expectUserError(r: ActionRun, input: string, ...words: (string | RegExp)[]): Promise<any> {
  const error = expectErrorAnnotation(r, 'smoke-test', input, ...words);
  expect(r.outputs.passed).toBe('false');
  const report = await readReport(r);
  expect(report.status).toBe('error');
  expect(report.error.input).toBe(input);
  expect(report.error.message).toBe(error.message);
  expect(r.summary.startsWith('## ⚠️ Smoke test could not run')).toBe(true);
  return report;
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'smoke-test-e2e-'));
  action = join(root, 'action');
  toolCache = join(root, 'tool-cache');
  await mkdir(toolCache);
  await mkdir(action);
  await copyFile(join(ACTION_SOURCE, 'action.yml'), join(action, 'action.yml'));
  await cp(join(ACTION_SOURCE, 'dist'), join(action, 'dist'), { recursive: true });
  healthy = await server();
  firstRun = await run(
    oip(healthy.url, {
      model: NEW,
      'expected-model-version': '2',
      headers: `Authorization: ${SECRET}\nX-Trace: e2e`,
      'expect-json': '$.model_name == "demo"\n$.outputs[0].shape == [16, 3]',
      'latency-p95-ms': '5000',
      requests: '5',
    }),
  );
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await Promise.all(standIns.map(closeServer));
  if (root) await rm(root, { recursive: true, force: true });
});

describe('a healthy server', () => {
  it('passes: ready, the expected version, parity with the local model, latency within budget', async () => {
    const r = firstRun;
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.errors).toEqual([]);
    expect(r.stdout).toContain('Downloading onnxruntime-node@1.30.0'); // provisioned like on a runner
    expect(r.outputs.passed).toBe('true');
    expect(r.outputs.status).toBe('200');
    expect(r.outputs.attempts).toBe('1');
    expect(Number(r.outputs['latency-p50-ms'])).toBeGreaterThan(0);
    expect(Number(r.outputs['latency-p95-ms'])).toBeGreaterThanOrEqual(Number(r.outputs['latency-p50-ms']));
    const report = await readReport(r);
    expect(report.status).toBe('passed');
    expect(report.checks.map((c: any) => [c.name, c.passed])).toEqual([
      ['server ready', true],
      ['model ready', true],
      ['model metadata', true],
      ['infer', true],
      ['model version', true],
      ['expect-json', true],
      ['expect-json', true],
      ['parity', true],
      ['latency', true],
    ]);
    expect(report.server).toMatchObject({ modelName: 'demo', modelVersion: '2', versions: ['2'] });
    expect(report.server.inputs).toEqual([{ name: 'features', datatype: 'FP32', shape: [-1, 8] }]);
    expect(report.request.sample.arrays).toEqual([{ shape: [expected.rows, 8], dtype: 'float64 (little-endian)' }]);
    expect(report.parity.outputs).toHaveLength(1);
    expect(report.parity.outputs[0]).toMatchObject({ name: 'scores', shape: [16, 3], mismatches: 0, elements: 48 });
    expect(report.parity.outputs[0].maxAbsDiff).toBeLessThanOrEqual(1e-6);
    expect(report.latency).toMatchObject({ requested: 5, count: 5, failed: 0, budgetMs: 5000 });
    expect(report.elapsedMs).toBeLessThan(30_000);
    // the job summary: request, response status, latencies and each check
    expect(r.summary.startsWith(`## ✅ Smoke test passed: ${healthy.url}`)).toBe(true);
    for (const s of [
      '| response | HTTP 200',
      '| parity | ✅',
      '| latency | ✅',
      '5 of 5 requests',
      '`Authorization`, `X-Trace` (values hidden)',
      `| infer | POST ${healthy.url}/v2/models/demo/infer`,
    ])
      expect(r.summary).toContain(s);
  });

  it('masks header values and keeps them out of the report and the summary', async () => {
    const masks = firstRun.commands.filter((c) => c.command === 'add-mask').map((c) => c.message);
    expect(masks).toContain(SECRET);
    expect(masks).toContain('e2e-s3cret-token-value');
    expect(masks).toContain('e2e');
    const reportText = await readFile(resolve(firstRun.workspace, firstRun.outputs['report-path']), 'utf8');
    for (const text of [reportText, firstRun.summary]) expect(text).not.toContain('s3cret');
    expect(JSON.parse(reportText).request.headers).toEqual(['Authorization', 'X-Trace']);
  });

  it('a token in the URL query (?code=, ?api_key=) is masked and shown as *** in the log, report and summary', async () => {
    const token = 'fn-key-s3cret-0123456789';
    const r = await run({ url: `${healthy.url}/v2/health/ready?code=${token}&api_key=k3y-s3cret`, requests: '1', timeout: '10s' });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    const masks = r.commands.filter((c) => c.command === 'add-mask').map((c) => c.message);
    expect(masks).toEqual(expect.arrayContaining([token, 'k3y-s3cret']));
    const reportText = await readFile(resolve(r.workspace, r.outputs['report-path']), 'utf8');
    const log = r.stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n');
    for (const text of [reportText, r.summary, log]) expect(text).not.toContain('s3cret');
    const report = JSON.parse(reportText);
    expect(report.request.url).toBe(`${healthy.url}/v2/health/ready?code=***&api_key=***`);
    expect(report.response.url).toBe(`${healthy.url}/v2/health/ready?code=***&api_key=***`);
    expect(r.summary).toContain('?code=\\*\\*\\*');
  });

  it("a token in the URL query stays hidden in failed attempts' reasons too", async () => {
    const port = await closedPort();
    const r = await run({ url: `http://127.0.0.1:${port}/ready?api_key=k3y-s3cret-value`, timeout: '1s', 'retry-delay': '200ms' });
    const report = await expectFailure(r, `http://127.0.0.1:${port}/ready?api_key=***`);
    const log = r.stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n');
    for (const text of [JSON.stringify(report), r.summary, log]) expect(text).not.toContain('s3cret');
    expect(report.attemptLog[0].reason).toContain('?api_key=***');
  });

  it('parity by class passes too, without a model: no parity check and no runtime', async () => {
    const r = await run(oip(healthy.url, { model: NEW, parity: 'class', requests: '0' }));
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).not.toContain('Downloading'); // the tool cache of the first run
    const report = await readReport(r);
    expect(report.parity.outputs[0]).toMatchObject({ mismatches: 0, rows: 16 });
    const without = await run(oip(healthy.url));
    expect(without.exitCode, without.stdout + without.stderr).toBe(0);
    expect((await readReport(without)).parity).toBeUndefined();
  });

  it('an .npz sample and an infer request as .json work as well', async () => {
    for (const sample of [fixture('smoke', 'sample.npz'), fixture('smoke', 'sample_request.json')]) {
      const r = await run(oip(healthy.url, { sample, model: NEW, requests: '1' }));
      expect(r.exitCode, r.stdout + r.stderr).toBe(0);
      expect((await readReport(r)).parity.passed).toBe(true);
    }
  });
});

describe('waiting for a rollout', () => {
  it('a server that is not ready for 6 s: retried until ready, then passes', async () => {
    // 6 s: longer than the action takes to start even on a loaded machine, so its first request
    // finds the server not ready
    const s = await server({ notReadyFor: 6 });
    const r = await run(oip(s.url, { model: NEW, 'expected-model-version': '2' }));
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(Number(r.outputs.attempts)).toBeGreaterThan(1);
    const report = await readReport(r);
    expect(report.attemptLog[0].outcome).toBe('retry');
    expect(report.attemptLog[0].reason).toContain('not ready');
    expect(report.attemptLog[0].reason).toContain('503');
    expect(report.attemptLog.at(-1).outcome).toBe('done');
    expect(report.elapsedMs).toBeGreaterThan(1000);
  });

  it('500s for the first 3 requests, then healthy: retries pass (protocol http)', async () => {
    const s = await server({ failFirst: 3 });
    const r = await run({
      url: `${s.url}/v2/models/demo`,
      'retry-delay': '100ms',
      timeout: '20s',
      requests: '2',
      'expect-json': '$.versions[0] == "2"\n$.inputs[0].shape == [-1, 8]\n$.outputs[0].name =~ /^scores$/',
    });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.outputs.attempts).toBe('4');
    expect(r.outputs.status).toBe('200');
    const report = await readReport(r);
    expect(report.attemptLog.slice(0, 3).map((a: any) => a.reason)).toEqual(Array(3).fill(expect.stringContaining('HTTP 500')));
    expect(report.checks.filter((c: any) => c.name === 'expect-json').every((c: any) => c.passed)).toBe(true);
  });

  it('500s with retry-on none: fails at the first attempt', async () => {
    const s = await server({ failFirst: 3 });
    const r = await run({ url: `${s.url}/v2/health/ready`, 'retry-on': 'none', timeout: '20s' });
    const report = await expectFailure(r, 'HTTP 500', 'expected 200');
    expect(r.outputs.attempts).toBe('1');
    expect(r.outputs.status).toBe('500');
    expect(report.timedOut).toBe(false);
  });

  it('connections refused until the deadline: fails within the timeout with a clear message', async () => {
    const port = await closedPort();
    const t0 = performance.now();
    const r = await run({ url: `http://127.0.0.1:${port}/v2/health/ready`, timeout: '2s', 'retry-delay': '200ms' });
    const wall = performance.now() - t0;
    const report = await expectFailure(r, 'Gave up after 2 s (timeout)', 'connection refused', `127.0.0.1:${port}`);
    expect(report.timedOut).toBe(true);
    expect(report.elapsedMs).toBeLessThanOrEqual(2000);
    expect(report.elapsedMs).toBeGreaterThan(1500);
    expect(Number(r.outputs.attempts)).toBeGreaterThan(2);
    expect(r.outputs.status).toBe('');
    // the process too: the deadline plus node's start-up, not a hanging request
    expect(wall).toBeLessThan(2000 + 1500);
  });
});

describe('failing checks', () => {
  it("serving another model (the baseline): parity fails, with numpy's difference", async () => {
    const s = await server({ model: BASELINE });
    const r = await run(oip(s.url, { model: NEW }));
    const report = await expectFailure(r, 'parity', 'does NOT compute what', 'scores');
    expect(report.parity.passed).toBe(false);
    expect(report.parity.outputs[0].maxAbsDiff).toBeCloseTo(expected.new_vs_baseline_max_abs_diff, 4);
    expect(report.checks.find((c: any) => c.name === 'parity').passed).toBe(false);
    expect(r.outputs.attempts).toBe('1'); // checks are not retried by default
    expect(r.summary).toContain('| parity | ❌');
  });

  it('serving another model, parity class: the rows whose class differs (numpy: 3 of 16)', async () => {
    const s = await server({ model: BASELINE });
    const r = await run(oip(s.url, { model: NEW, parity: 'class' }));
    const report = await expectFailure(r, `${expected.class_mismatches} of 16 rows get another class`);
    expect(report.parity.outputs[0].mismatches).toBe(expected.class_mismatches);
  });

  it('an old model version: waits for expected-model-version until the timeout', async () => {
    const s = await server({ version: '1' });
    const r = await run(oip(s.url, { 'expected-model-version': '2', timeout: '1500ms' }));
    const report = await expectFailure(r, 'Gave up after 1.5 s', 'model version 1, waiting for 2');
    expect(report.timedOut).toBe(true);
    expect(report.elapsedMs).toBeLessThanOrEqual(1500);
  });

  it('slow answers: the p95 latency budget fails', async () => {
    const s = await server({ latencyMs: 150 });
    const r = await run(oip(s.url, { 'latency-p95-ms': '50', requests: '3' }));
    const report = await expectFailure(r, 'latency', 'over the p95 budget of 50 ms');
    expect(report.latency.p95Ms).toBeGreaterThanOrEqual(150);
    expect(Number(r.outputs['latency-p95-ms'])).toBeGreaterThanOrEqual(150);
    expect(report.checks.filter((c: any) => !c.passed).map((c: any) => c.name)).toEqual(['latency']);
  });

  it('wrong expect-json: names the path, the expected and the actual value', async () => {
    const r = await run({ url: `${healthy.url}/v2/models/demo`, 'expect-json': '$.name == "demo"\n$.versions[0] == 2\n$.platform' });
    const report = await expectFailure(r, 'expect-json line 2', '$.versions[0] == 2', 'got "2"');
    expect(report.checks.filter((c: any) => c.name === 'expect-json').map((c: any) => c.passed)).toEqual([true, false, true]);
  });

  it('expect-body and expected-status', async () => {
    const ok = await run({
      url: `${healthy.url}/v2/health/ready`,
      'expect-body': '/"ready":\\s*true/',
      'expected-status': '2xx',
      requests: '0',
    });
    expect(ok.exitCode, ok.stdout).toBe(0);
    const missing = await run({ url: `${healthy.url}/v2/models/nope`, 'expected-status': '200-299, 304' });
    await expectFailure(missing, 'HTTP 404', 'expected 2xx, 304');
  });
});

describe('bad input: one error naming the input, exit 1, no stack trace, a report', () => {
  const base = () => oip(healthy.url, { timeout: '5s' });
  it('url that is not a URL', async () => {
    await expectUserError(await run({ ...base(), url: 'staging.example.com/v2' }), 'url', 'not an absolute URL');
  });
  it('url with another scheme', async () => {
    await expectUserError(await run({ ...base(), url: 'ftp://example.com/' }), 'url', 'ftp', 'http or https');
  });
  it('url with credentials', async () => {
    const r = await run({ ...base(), url: 'https://user:pw-secret@example.com/' });
    await expectUserError(r, 'url', 'credentials', 'headers');
    expect(r.commands.filter((c) => c.command === 'add-mask').map((c) => c.message)).toContain('pw-secret');
  });
  it('malformed headers: the line, never the value', async () => {
    const r = await run({ ...base(), headers: 'X-Ok: 1\nAuthorization Bearer hidden-value' });
    const report = await expectUserError(r, 'headers', 'line 2', "'Name: value'");
    expect(r.errors[0].message).not.toContain('hidden-value');
    expect(JSON.stringify(report)).not.toContain('hidden-value');
  });
  it('malformed JSON path', async () => {
    await expectUserError(await run({ ...base(), 'expect-json': '$.outputs[0.name == "x"' }), 'expect-json', 'line 1', 'not a JSON path');
  });
  it('an operator without a value', async () => {
    await expectUserError(await run({ ...base(), 'expect-json': '$.a ==' }), 'expect-json', 'no value after ==');
  });
  it('a sample that does not exist', async () => {
    const missing = join(root, 'nowhere', 'sample.npy');
    const report = await expectUserError(await run({ ...base(), sample: missing }), 'sample', missing, 'does not exist');
    expect(report.attempts).toBe(0); // the server was not contacted
  });
  it('a sample that is not an .npy file', async () => {
    await expectUserError(await run({ ...base(), sample: fixture('npy', 'not_npy.npy') }), 'sample', 'not_npy.npy', /not a valid \.npy/);
  });
  it('a sample JSON that is not an infer request', async () => {
    const bad = join(root, 'bad-request.json');
    await writeFile(bad, '{"instances": [[1, 2]]}');
    await expectUserError(await run({ ...base(), sample: bad }), 'sample', 'not an Open Inference Protocol infer request');
  });
  it('a sample whose shape the server does not take', async () => {
    await expectUserError(
      await run({ ...base(), sample: fixture('multiclass', 'features_wrong_width.npy') }),
      'sample',
      '[1000, 7]',
      "'features' takes [-1, 8]",
    );
  });
  it('expected-status that is not a status', async () => {
    await expectUserError(await run({ ...base(), 'expected-status': '2xx, ok' }), 'expected-status', "'ok'");
  });
  it('timeout that is not a duration', async () => {
    await expectUserError(await run({ ...base(), timeout: 'soon' }), 'timeout', "'soon'", '120s');
  });
  it('retry-on with an unknown class', async () => {
    await expectUserError(await run({ ...base(), 'retry-on': 'connection, 503' }), 'retry-on', 'connection, 5xx, 4xx, status, checks');
  });
  it('open-inference without model-name', async () => {
    await expectUserError(await run({ ...base(), 'model-name': '' }), 'model-name', 'required');
  });
  it('retry-delay: 0 (hundreds of attempts a second) is refused, naming the input', async () => {
    await expectUserError(await run({ ...base(), 'retry-delay': '0' }), 'retry-delay', "'0'", 'at least 100ms');
    await expectUserError(await run({ ...base(), 'retry-delay': '50ms' }), 'retry-delay', "'50ms'");
  });
  it('a method fetch cannot send is refused, naming method (not retried as a connection error)', async () => {
    const r = await run({ url: `${healthy.url}/v2/health/ready`, method: 'TRACE', timeout: '5s' });
    const report = await expectUserError(r, 'method', 'TRACE');
    expect(report.attempts).toBe(0);
  });
  it('a header fetch refuses or sets itself is refused, naming headers, never echoing its value', async () => {
    for (const h of ['Transfer-Encoding: chunked', 'Expect: 100-continue', 'Host: other.example']) {
      const name = h.split(':')[0];
      const r = await run({ url: `${healthy.url}/v2/health/ready`, headers: `X-Ok: 1\n${h}`, timeout: '5s' });
      await expectUserError(r, 'headers', name);
    }
  });
  it('a model that does not exist', async () => {
    const missing = join(root, 'nowhere', 'model.onnx');
    await expectUserError(await run({ ...base(), model: missing }), 'model', 'does not exist');
  });
});

// Failing closed, as the runner sees it: the step ends within its deadline, whatever the server answers.
describe('fail closed, through the bundle', () => {
  it('expect-body /^(a+)+$/ against forty a and a !: timeout 5s ends the step within the deadline (RE2, linear time)', async () => {
    const url = await standIn((_req, res) => void res.end(`${'a'.repeat(40)}!`));
    const t0 = performance.now();
    const r = await run({ url, 'expect-body': '/^(a+)+$/', timeout: '5s', 'retry-on': 'checks', 'retry-delay': '200ms', requests: '0' });
    const wall = performance.now() - t0;
    const report = await expectFailure(r, 'Gave up after 5 s (timeout)', 'body matches /^(a+)+$/');
    expect(report.timedOut).toBe(true);
    expect(report.elapsedMs).toBeLessThanOrEqual(5000);
    // the deadline plus node's start-up, not a process stuck in a regular expression
    expect(wall).toBeLessThan(5000 + 3000);
  });

  it('a backreference in expect-body is refused naming the input, saying why', async () => {
    await expectUserError(
      await run({ url: `${healthy.url}/v2/health/ready`, 'expect-body': '/(a)\\1/' }),
      'expect-body',
      'linear-time matcher (RE2)',
    );
  });

  it('a server streaming without end: the attempt fails at the 10 MiB cap at once, naming the cap and max-response-bytes', async () => {
    const url = await standIn((_req, res) => {
      const chunk = Buffer.alloc(64 * 1024, 'x');
      res.writeHead(200);
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    const t0 = performance.now();
    const r = await run({ url, timeout: '30s' });
    expect(performance.now() - t0).toBeLessThan(15_000);
    const report = await expectFailure(r, 'is larger than 10.00 MiB; reading stopped there', 'input max-response-bytes');
    expect(report).toMatchObject({ attempts: 1, timedOut: false });
    const small = await run({ url, timeout: '30s', 'max-response-bytes': '256KiB' });
    await expectFailure(small, 'is larger than 256.0 KiB');
  });

  it("a header value outside ASCII is refused naming headers (under the runner's Node too), the value not shown", async () => {
    const r = await run({ url: `${healthy.url}/v2/health/ready`, headers: 'X-Note: café', timeout: '5s' });
    await expectUserError(r, 'headers', 'outside ASCII');
    expect(r.errors[0].message).not.toContain('café');
  });
});
