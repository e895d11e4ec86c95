// In-process tests of actions/smoke-test/src (run() called directly with the runner's
// environment) against the example model server (examples/model-server/server.mjs) on loopback:
// they test the source, whether or not dist/ was rebuilt. Expected numbers come from
// test/fixtures/smoke/expected.json (numpy on the ONNX files' weights), never from the code under test.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fixture, readJson } from '../../../test/fixtures.js';
import { answering, closeServer, listenOnLoopback } from '../../../test/loopback.js';
import { expectNoStackTrace, readReport, runInProcess, type ActionRun } from '../../../test/run-action.js';
import { run } from '../src/main.js';
import { startModelServer, type RunningServer } from './model-server.js';

const NEW = fixture('multiclass', 'new.onnx');
const expected = readJson<{ rows: number }>('smoke', 'expected.json');
const SECRET = 'in-process-s3cret-token';

let server: RunningServer;
let scratch: string;
const standIns: Server[] = [];

beforeAll(async () => {
  server = await startModelServer({ model: NEW });
  scratch = await mkdtemp(join(tmpdir(), 'smoke-test-in-process-'));
});
afterAll(async () => {
  await server?.stop();
  await Promise.all(standIns.map(closeServer));
});

/** A loopback server answering every request with `handler`; its base URL. */
async function standIn(handler: (req: IncomingMessage, res: ServerResponse) => Promise<void> | void): Promise<string> {
  const s = answering(async (req, res) => handler(req, res));
  standIns.push(s);
  return listenOnLoopback(s);
}

/** Bad input: exit 1, one annotation naming the input (never an internal error), a report with status error. */
async function expectUserError(r: ActionRun, input: string): Promise<any> {
  expect(r.exitCode, r.stdout).toBe(1);
  expect(r.errors, r.stdout).toHaveLength(1);
  expect(r.errors[0].message).not.toMatch(/^Internal error/);
  expect(r.errors[0].message).toContain(input);
  expectNoStackTrace(r);
  const report = await readReport(r);
  expect(report.status).toBe('error');
  expect(report.error.input).toBe(input);
  return report;
}

/** A failed check or an unanswered server: exit 1, one annotation 'Smoke test failed: ...', a report with status failed. */
async function expectFailure(r: ActionRun): Promise<any> {
  expect(r.exitCode, r.stdout).toBe(1);
  expect(r.errors, r.stdout).toHaveLength(1);
  expect(r.errors[0].message).toMatch(/^Smoke test failed: /);
  expectNoStackTrace(r);
  const report = await readReport(r);
  expect(report.status).toBe('failed');
  return report;
}

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

describe('fail closed: user regular expressions run in linear time', () => {
  const aaa = () => standIn((_req, res) => void res.end(`${'a'.repeat(40)}!`));

  it('expect-body /^(a+)+$/ against forty a and a !, retried under retry-on checks: timeout 5s ends the step within the deadline', async () => {
    const url = await aaa();
    const t0 = performance.now();
    const r = await smokeTest({ url, 'expect-body': '/^(a+)+$/', timeout: '5s', 'retry-on': 'checks', requests: '0' });
    const wall = performance.now() - t0;
    const report = await expectFailure(r);
    expect(r.errors[0].message).toContain('Gave up after 5 s (timeout)');
    expect(r.errors[0].message).toContain('body matches /^(a+)+$/');
    expect(report.timedOut).toBe(true);
    expect(report.elapsedMs).toBeLessThanOrEqual(5000);
    expect(wall).toBeLessThan(5000 + 1500);
    expect(Number(r.outputs.attempts)).toBeGreaterThan(2);
  });

  it('without retry-on checks it fails at the first attempt', async () => {
    const r = await smokeTest({ url: await aaa(), 'expect-body': '/^(a+)+$/', timeout: '5s' });
    const report = await expectFailure(r);
    expect(report.attempts).toBe(1);
    expect(report.checks.find((c: any) => c.name === 'expect-body')).toMatchObject({ passed: false });
  });

  it('a backreference or a lookahead is refused naming the input, saying why (linear time); the server is not contacted', async () => {
    let hits = 0;
    const url = await standIn((_req, res) => void (hits++, res.end('ok')));
    const body = await expectUserError(await smokeTest({ url, 'expect-body': '/(a)\\1/' }), 'expect-body');
    expect(body.error.message).toBe(
      'Input expect-body: /(a)\\1/ uses a backreference (\\1), which the linear-time matcher (RE2) does not support: patterns run in time linear in the text, so that no answer can hang the step past its timeout.',
    );
    const json = await expectUserError(await smokeTest({ url, 'expect-json': '$.a =~ /x(?=y)/' }), 'expect-json');
    expect(json.error.message).toContain('line 1: /x(?=y)/ uses a lookahead ((?=), which the linear-time matcher (RE2) does not support');
    expect(hits).toBe(0);
  });
});

/** A server that writes 64 KiB chunks as fast as they are read, without end. */
const endless = () =>
  standIn((_req, res) => {
    const chunk = Buffer.alloc(64 * 1024, 'x');
    res.writeHead(200, { 'content-type': 'application/json' });
    const pump = () => {
      while (!res.destroyed && res.write(chunk));
      if (!res.destroyed) res.once('drain', pump);
    };
    pump();
  });

describe('fail closed: response bodies are read up to max-response-bytes', () => {
  it('a server streaming without end fails the attempt at the default cap (10 MiB), at once, naming the cap and the input', async () => {
    const url = await endless();
    const t0 = performance.now();
    const r = await smokeTest({ url: `${url}/stream`, timeout: '20s' });
    expect(performance.now() - t0).toBeLessThan(10_000);
    const report = await expectFailure(r);
    expect(r.errors[0].message).toBe(
      `Smoke test failed: GET ${url}/stream: the response from ${url}/stream is larger than 10.00 MiB; reading stopped there (input max-response-bytes; raise it if the server is meant to answer this much).`,
    );
    expect(report).toMatchObject({ attempts: 1, timedOut: false });
    expect(report.settings.maxResponseBytes).toBe(10 * 1024 * 1024);
    expect(r.outputs.status).toBe('');
  });

  it('max-response-bytes sets the cap: a 1 KiB cap fails a bigger answer, a larger cap passes it', async () => {
    const url = await standIn((_req, res) => void res.end('y'.repeat(4096)));
    const small = await smokeTest({ url, 'max-response-bytes': '1KiB', requests: '0' });
    await expectFailure(small);
    expect(small.errors[0].message).toContain('is larger than 1.0 KiB; reading stopped there (input max-response-bytes');
    const enough = await smokeTest({ url, 'max-response-bytes': '4096', requests: '0' });
    expect(enough.exitCode, enough.stdout).toBe(0);
  });

  it('open-inference: the infer response is capped too', async () => {
    // a server whose readiness and metadata are fine, and whose infer answer never ends
    const meta = { name: 'demo', versions: ['2'], inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, 8] }], outputs: [] };
    const base = await endless();
    const url = await standIn((req, res) => {
      if (req.method === 'GET') return void res.end(JSON.stringify(req.url === '/v2/models/demo' ? meta : { ready: true }));
      res.writeHead(307, { location: `${base}/infer` }).end();
    });
    const r = await smokeTest({
      url,
      protocol: 'open-inference',
      'model-name': 'demo',
      sample: fixture('smoke', 'sample.npy'),
      'max-response-bytes': '1MiB',
    });
    await expectFailure(r);
    expect(r.errors[0].message).toContain('is larger than 1.00 MiB; reading stopped there (input max-response-bytes');
  });

  it('a cap that is not a size is refused naming the input', async () => {
    const report = await expectUserError(
      await smokeTest({ url: `${server.url}/v2/health/ready`, 'max-response-bytes': 'lots' }),
      'max-response-bytes',
    );
    expect(report.error.message).toBe(
      "Input max-response-bytes is 'lots': it is not a size; expected a size such as 10MiB, 512KiB, 1GB or 1048576 (bytes), at most 512MiB.",
    );
  });
});

describe('fail closed: secrets a server echoes stay out of the report, the summary and the outputs', () => {
  const TOKEN = 'echo-s3cret-bearer-token-zq7xwv9';
  const KEY = 'k3y-s3cret-api';
  const QUERY = 'q-s3cret-query-token';
  /** A server that answers the request's headers and URL as JSON, with the status the query asks for. */
  const echo = () =>
    standIn((req, res) => {
      const status = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('status') ?? 200);
      res.writeHead(status, { 'content-type': 'application/json' });
      // 78 characters of padding: the 120-character excerpt of expect-body's detail ends inside the token
      res.end(JSON.stringify({ padding: 'p'.repeat(78), auth: req.headers.authorization, headers: req.headers, url: req.url }));
    });

  it('headers, the token after Bearer and URL query tokens are registered before the request; every file is redacted, excerpts included', async () => {
    const url = await echo();
    for (const status of ['200', '500']) {
      const r = await smokeTest({
        url: `${url}/echo?status=${status}&api_key=${QUERY}`,
        headers: `Authorization: Bearer ${TOKEN}\nX-Api-Key: ${KEY}`,
        'expect-body': 'not in the answer',
        'expect-json': `$.headers.authorization == "x"\n$.headers["x-api-key"] == "x"\n$.url == "x"`,
        'retry-on': 'none',
        requests: '0',
      });
      await expectFailure(r);
      const masks = r.commands.filter((c) => c.command === 'add-mask').map((c) => c.message);
      expect(masks).toEqual(expect.arrayContaining([`Bearer ${TOKEN}`, TOKEN, KEY, QUERY]));
      // the add-masks come before anything the server answered is printed
      const firstMask = r.stdout.indexOf('::add-mask::');
      expect(firstMask).toBeGreaterThanOrEqual(0);
      expect(firstMask).toBeLessThan(r.stdout.indexOf('Smoke-testing'));
      const reportText = await readFile(resolve(r.workspace, r.outputs['report-path']), 'utf8');
      const report = JSON.parse(reportText);
      // the echo is in the report, redacted, and no excerpt cut a token in half
      expect(reportText).toContain('***');
      for (const text of [reportText, r.summary, JSON.stringify(r.outputs)]) {
        for (const part of ['s3cret', 'echo-s3', 'zq7xwv9']) expect(text, `${status}: ${part}`).not.toContain(part);
      }
      expect(report.request.headers).toEqual(['Authorization', 'X-Api-Key']);
    }
  });
});

describe('fail closed: header values', () => {
  it('a value outside ASCII (X-Note: café) is a UserError naming headers, never echoing the value; the server is not contacted', async () => {
    let hits = 0;
    const url = await standIn((_req, res) => void (hits++, res.end('ok')));
    for (const value of ['café', '日本語']) {
      const report = await expectUserError(await smokeTest({ url, headers: `X-Ok: 1\nX-Note: ${value}` }), 'headers');
      expect(report.error.message).toBe(
        'Input headers: line 2: the value of X-Note has a character outside ASCII at character ' +
          (value === 'café' ? '4' : '1') +
          ", which a header cannot carry as text (the value is not shown: it may hold a secret); expected one 'Name: value' per line.",
      );
      expect(report.error.message).not.toContain(value);
    }
    expect(hits).toBe(0);
  });

  it('credentials in the URL are masked (the password, or a user without one, as written and decoded) before the input is refused', async () => {
    const r = await smokeTest({ url: 'https://user:p%40ss-s3cret@example.com/' });
    const report = await expectUserError(r, 'url');
    const masks = r.commands.filter((c) => c.command === 'add-mask').map((c) => c.message);
    expect(masks).toEqual(expect.arrayContaining(['p%40ss-s3cret', 'p@ss-s3cret']));
    expect(masks).not.toContain('user'); // a name, not a secret: masking it would redact the word everywhere
    expect(report.error.message).toBe(r.errors[0].message);
    const token = await smokeTest({ url: 'https://ghp-t0ken-s3cret@example.com/' });
    await expectUserError(token, 'url');
    expect(token.commands.filter((c) => c.command === 'add-mask').map((c) => c.message)).toContain('ghp-t0ken-s3cret');
  });
});

describe('fail closed: the sample against the served model and the local model, before the first infer request', () => {
  const request = async (name: string, datatype: string) => {
    const path = join(scratch, `${name}-${datatype}.json`);
    await writeFile(path, JSON.stringify({ inputs: [{ name, shape: [1, 8], datatype, data: [1, 2, 3, 4, 5, 6, 7, 8] }] }));
    return path;
  };
  const oip = (extra: Record<string, string>) =>
    smokeTest({ url: server.url, protocol: 'open-inference', 'model-name': 'demo', requests: '0', ...extra });

  it('a JSON sample naming an input the served model does not have: UserError naming sample, no infer request sent', async () => {
    const sample = await request('input_1', 'FP32');
    const report = await expectUserError(await oip({ sample }), 'sample');
    expect(report.error.message).toBe(
      `The sample ${sample} fills the input 'input_1', which the server's model does not have (the server's model takes 'features' FP32). Name each input of the infer request as the model names it. (input sample)`,
    );
    expect(report.checks.map((c: any) => c.name)).toEqual(['server ready', 'model ready', 'model metadata']);
  });

  it('a JSON sample declaring FP64 for an FP32 input: UserError naming sample', async () => {
    const sample = await request('features', 'FP64');
    const report = await expectUserError(await oip({ sample }), 'sample');
    expect(report.error.message).toContain(`declares the input 'features' as FP64; the server's model takes 'features' FP32.`);
    expect(report.checks.map((c: any) => c.name)).not.toContain('infer');
  });

  it('with model, the same sample fails against the local model before the server is contacted', async () => {
    const sample = await request('features', 'FP64');
    const report = await expectUserError(await oip({ sample, model: NEW }), 'sample');
    expect(report.error.message).toContain(`declares the input 'features' as FP64; the model ${NEW} takes 'features' FP32.`);
    expect(report.attempts).toBe(0);
    expect(report.checks).toEqual([]);
  });

  it('a model-name the ready server answers 404 for fails at once, listing the models it serves', async () => {
    const t0 = performance.now();
    const r = await oip({ 'model-name': 'nope', sample: fixture('smoke', 'sample.npy'), timeout: '20s' });
    expect(performance.now() - t0).toBeLessThan(5000);
    const report = await expectFailure(r);
    expect(report).toMatchObject({ attempts: 1, timedOut: false });
    expect(r.errors[0].message).toBe(
      `Smoke test failed: GET ${server.url}/v2/models/nope/ready answered HTTP 404 (the server does not serve a model 'nope': check input model-name (and input url)): {"error":"unknown model or endpoint: GET /v2/models/nope/ready"}; the server serves 'demo' version 2.`,
    );
  });

  it('a server without a repository index: says it cannot list its models', async () => {
    const url = await standIn((req, res) => {
      res.writeHead(req.url === '/v2/health/ready' ? 200 : 404, { 'content-type': 'application/json' });
      res.end('{}');
    });
    const r = await smokeTest({
      url,
      protocol: 'open-inference',
      'model-name': 'nope',
      sample: fixture('smoke', 'sample.npy'),
      timeout: '20s',
    });
    await expectFailure(r);
    expect(r.errors[0].message).toContain(
      'check input model-name (and input url)): {}; the server cannot tell which models it serves (POST /v2/repository/index answered HTTP 404).',
    );
  });
});

describe('fail closed: every file input is a regular file', () => {
  it('a FIFO as sample, body-file or model fails at once, naming the input', async () => {
    const fifo = join(scratch, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const cases: [string, Record<string, string>, string][] = [
      ['sample', { protocol: 'open-inference', 'model-name': 'demo', sample: `${fifo}.json` }, 'The sample'],
      ['sample', { protocol: 'open-inference', 'model-name': 'demo', sample: `${fifo}.npy` }, 'is a FIFO (named pipe)'],
      [
        'body-file',
        { method: 'POST', 'body-file': fifo },
        `Input body-file ${fifo} is a FIFO (named pipe), expected a file holding the request body.`,
      ],
      [
        'model',
        { protocol: 'open-inference', 'model-name': 'demo', sample: fixture('smoke', 'sample.npy'), model: `${fifo}.onnx` },
        'is a FIFO (named pipe), expected an ONNX model file.',
      ],
    ];
    for (const name of ['pipe.json', 'pipe.npy', 'pipe.onnx']) execFileSync('mkfifo', [join(scratch, name)]);
    for (const [input, inputs, words] of cases) {
      const t0 = performance.now();
      const report = await expectUserError(await smokeTest({ url: server.url, timeout: '20s', ...inputs }), input);
      expect(performance.now() - t0, input).toBeLessThan(5000);
      expect(report.error.message).toContain(words);
      expect(report.attempts).toBe(0);
    }
  });
});

describe('fail closed: each status gets the hint that fits it, naming the input at fault', () => {
  const answeringStatus = (status: number) => standIn((_req, res) => void res.writeHead(status).end());
  for (const [status, extra, words, retried] of [
    [401, {}, 'the server wants credentials: give them in input headers', false],
    [
      401,
      { headers: 'Authorization: Bearer wrong-t0ken' },
      'the server did not accept the credentials: check the Authorization (or API key) header in input headers',
      false,
    ],
    [
      403,
      { headers: 'Authorization: Bearer wrong-t0ken' },
      'the server refused these credentials (forbidden): check the token in input headers',
      false,
    ],
    [404, {}, 'nothing is served at this URL: check input url', false],
    [405, { method: 'DELETE' }, 'the server does not take DELETE here: check input method', false],
    [429, {}, 'rate-limited (Too Many Requests); retried until the timeout', true],
    [503, {}, 'not ready or overloaded (Service Unavailable); retried until the timeout', true],
    [500, {}, 'a server error; retried until the timeout', true],
    [500, { 'retry-on': 'none' }, 'a server error; not retried (input retry-on)', false],
  ] as const) {
    it(`HTTP ${status}${Object.keys(extra).length ? ` with ${Object.keys(extra).join(', ')}` : ''}: ${words}`, async () => {
      const url = await answeringStatus(status);
      const r = await smokeTest({ url, timeout: '1500ms', requests: '0', ...extra });
      const report = await expectFailure(r);
      expect(r.errors[0].message).toContain(`answered HTTP ${status} (${words}`);
      expect(report.timedOut).toBe(retried);
      if (!retried) expect(report.attempts).toBe(1);
    });
  }

  it('open-inference: 401 from a readiness endpoint is final, naming headers', async () => {
    const url = await answeringStatus(401);
    const r = await smokeTest({
      url,
      protocol: 'open-inference',
      'model-name': 'demo',
      sample: fixture('smoke', 'sample.npy'),
      timeout: '5s',
    });
    const report = await expectFailure(r);
    expect(report.attempts).toBe(1);
    expect(r.errors[0].message).toContain('/v2/health/ready answered HTTP 401 (the server wants credentials: give them in input headers');
  });
});
