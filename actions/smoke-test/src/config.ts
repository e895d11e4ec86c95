import { readFile } from 'node:fs/promises';
import * as core from '@actions/core';
import { UserError, fileProblem, inputValue } from '@ml-gate/core';
import { choiceInput, numberInput, optionalNumberInput, stringInput } from '@ml-gate/core/github';
import { parseBodyExpectation, type BodyExpectation } from '@ml-gate/core/smoke';
import { parseDuration } from '@ml-gate/core';
import { parseHeaderLines, type HeaderLine } from '@ml-gate/core/smoke';
import { querySecrets, redactUrl } from '@ml-gate/core/smoke';
import { parseJsonExpectations, type JsonExpectation } from '@ml-gate/core/smoke';
import { parseStatusRanges, type StatusRange } from '@ml-gate/core/smoke';
import type { ParityMode } from '@ml-gate/core/smoke';
import { RETRY_CLASSES, type RetryClass } from '@ml-gate/core/smoke';

/** The inputs of action.yml, parsed once and validated. */
export interface Config {
  url: string;
  protocol: 'http' | 'open-inference';
  method: string;
  headers: HeaderLine[];
  body?: string;
  /** Where the body came from: body or body-file. */
  bodySource?: string;
  expectedStatus: StatusRange[];
  expectedStatusText: string;
  expectBody?: BodyExpectation;
  expectJson: JsonExpectation[];
  timeoutMs: number;
  retryDelayMs: number;
  retryOn: Set<RetryClass>;
  requestTimeoutMs: number;
  modelName: string;
  expectedModelVersion: string;
  sample: string;
  model: string;
  parity: ParityMode;
  atol: number;
  rtol: number;
  requests: number;
  latencyP95Ms?: number;
  reportPath: string;
  onnxruntimePath: string;
}

/** Below this, retries hammer a server that is starting (retry-delay: 0 made 848 attempts in 2 s). */
const MIN_RETRY_DELAY_MS = 100;

/** The report path first, so that a bad value elsewhere still gets its report written. */
export function readReportPath(): string {
  return stringInput('report') || 'smoke_test_report.json';
}

function durationInput(name: string, fallback: string, min: number): number {
  const raw = stringInput(name) || fallback;
  const ms = parseDuration(raw);
  if (ms === undefined || ms < min) {
    const bound = min >= 100 ? ` of at least ${min}ms` : min > 0 ? ' above 0' : '';
    throw new UserError(`Input ${name} is '${raw}'; expected a duration${bound} such as 120s, 2m, 1m30s or 500ms (a bare number is seconds).`, {
      input: name,
    });
  }
  return ms;
}

function urlInput(protocol: string): string {
  const raw = stringInput('url', { required: true }).trim();
  // a token in the query string (?code=, ?api_key=, ?sig=) is masked, and the URL is only ever
  // shown redacted (redactUrl)
  for (const secret of querySecrets(raw)) core.setSecret(secret);
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new UserError(`Input url is '${redactUrl(raw)}', which is not an absolute URL; expected e.g. https://staging.example.com${protocol === 'http' ? '/healthz' : ''}.`, {
      input: 'url',
    });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new UserError(`Input url has the scheme ${u.protocol.replace(/:$/, '')}; expected http or https.`, { input: 'url' });
  }
  if (u.username || u.password) {
    core.setSecret(u.password);
    throw new UserError('Input url holds credentials (user:password@); they would be logged with the URL.', {
      input: 'url',
      hint: 'Put them in headers instead, e.g. "Authorization: Basic <base64>", and pass the value from a secret.',
    });
  }
  return u.href;
}

function headersInput(): HeaderLine[] {
  const raw = stringInput('headers');
  // never shown: a header line may hold a secret
  const parsed = inputValue('headers', parseHeaderLines(raw), { expected: "one 'Name: value' per line" });
  // every value may be a credential: masked before anything can print it, and also the token
  // after an auth scheme ("Bearer abc" -> "abc") in case it is printed alone
  for (const h of parsed) {
    if (!h.value) continue;
    core.setSecret(h.value);
    const scheme = /^\S+\s+(\S.*)$/.exec(h.value);
    if (scheme && scheme[1].length >= 6) core.setSecret(scheme[1]);
  }
  for (const h of parsed) {
    if (FETCH_CONTROLLED_HEADERS.has(h.name.toLowerCase())) {
      throw new UserError(`Input headers sets ${h.name}, which the HTTP client sets itself (or refuses to send).`, {
        input: 'headers',
        hint: `Remove it; headers may not set ${[...FETCH_CONTROLLED_HEADERS].join(', ')}.`,
      });
    }
  }
  return parsed;
}

/** Headers fetch refuses (undici: Transfer-Encoding, Expect, Keep-Alive, Upgrade) or manages itself (Host, Content-Length, Connection). */
const FETCH_CONTROLLED_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'expect', 'te', 'trailer']);
/** Methods fetch refuses to send. */
const FETCH_FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

function retryOnInput(): Set<RetryClass> {
  const raw = stringInput('retry-on') || 'connection, 5xx';
  const items = raw.split(/[\s,]+/).filter(Boolean).map((s) => s.toLowerCase());
  if (items.length === 1 && items[0] === 'none') return new Set();
  const bad = items.filter((i) => !(RETRY_CLASSES as readonly string[]).includes(i));
  if (bad.length || items.length === 0) {
    throw new UserError(`Input retry-on is '${raw}'; expected a comma-separated list of ${RETRY_CLASSES.join(', ')}, or none.`, { input: 'retry-on' });
  }
  return new Set(items as RetryClass[]);
}

async function bodyInput(): Promise<{ body?: string; source?: string }> {
  const body = stringInput('body');
  const file = stringInput('body-file');
  if (body && file) throw new UserError('Inputs body and body-file are both given; give one.', { input: 'body-file' });
  if (body) return { body, source: 'body' };
  if (!file) return {};
  try {
    return { body: await readFile(file, 'utf8'), source: 'body-file' };
  } catch (e) {
    throw new UserError(`Input body-file ${file} ${fileProblem(e)}.`, { input: 'body-file', file });
  }
}

export async function readConfig(): Promise<Config> {
  const headers = headersInput(); // first: mask the secrets before anything else is logged
  const protocol = choiceInput('protocol', ['http', 'open-inference'] as const, 'http');
  const url = urlInput(protocol);
  const method = (stringInput('method') || 'GET').toUpperCase();
  if (!/^[A-Z]+$/.test(method)) throw new UserError(`Input method is '${method}'; expected an HTTP method such as GET, POST or HEAD.`, { input: 'method' });
  if (FETCH_FORBIDDEN_METHODS.has(method)) {
    throw new UserError(`Input method is ${method}, which the HTTP client (fetch) refuses to send; expected a method such as GET, POST or HEAD.`, { input: 'method' });
  }
  const { body, source } = await bodyInput();

  const expectedStatusText = stringInput('expected-status') || '200';
  const expectedStatus = inputValue('expected-status', parseStatusRanges(expectedStatusText), {
    shown: expectedStatusText,
    expected: 'codes, ranges or classes such as 200, 200-299, 2xx',
  });
  const expectBodyRaw = stringInput('expect-body');
  const expectBody: BodyExpectation | undefined = expectBodyRaw ? inputValue('expect-body', parseBodyExpectation(expectBodyRaw)) : undefined;
  const expectJson: JsonExpectation[] = inputValue('expect-json', parseJsonExpectations(stringInput('expect-json')), {
    hint: 'Each line: a path like $.outputs[0].name, an operator (==, !=, =~, >, >=, <, <=) and a JSON value, e.g. $.model_name == "demo".',
  });

  const modelName = stringInput('model-name');
  const expectedModelVersion = stringInput('expected-model-version');
  const sample = stringInput('sample');
  const model = stringInput('model');
  if (protocol === 'http') {
    for (const [name, value] of [['model-name', modelName], ['expected-model-version', expectedModelVersion], ['sample', sample], ['model', model]]) {
      if (value) throw new UserError(`Input ${name} is only used with protocol open-inference (protocol is http).`, { input: name });
    }
    if (body && (method === 'GET' || method === 'HEAD')) {
      throw new UserError(`Input ${source} is given, but method ${method} sends no body.`, { input: source, hint: 'Set method: POST (or PUT, PATCH).' });
    }
  } else {
    if (!modelName) throw new UserError('Input model-name is required with protocol open-inference.', { input: 'model-name' });
    if (!sample && !body) {
      throw new UserError('Protocol open-inference sends a real infer request: give its inputs as sample (.npy, .npz or .json), or the request as body or body-file.', {
        input: 'sample',
      });
    }
    if (sample && body) throw new UserError(`Inputs sample and ${source} are both given; with open-inference the infer request comes from one of them.`, { input: source });
    if (model && !sample) throw new UserError('Input model (the parity check) needs sample: the local model runs on the same arrays.', { input: 'model' });
  }

  const latencyP95Ms = optionalNumberInput('latency-p95-ms', { min: 0, exclusiveMin: true });
  return {
    url,
    protocol,
    method,
    headers,
    body,
    bodySource: source,
    expectedStatus,
    expectedStatusText,
    expectBody,
    expectJson,
    timeoutMs: durationInput('timeout', '120s', 1),
    retryDelayMs: durationInput('retry-delay', '2s', MIN_RETRY_DELAY_MS),
    retryOn: retryOnInput(),
    requestTimeoutMs: durationInput('request-timeout', '30s', 1),
    modelName,
    expectedModelVersion,
    sample,
    model,
    parity: choiceInput('parity', ['values', 'class'] as const, 'values'),
    atol: numberInput('atol', 1e-4, { min: 0 }),
    rtol: numberInput('rtol', 1e-3, { min: 0 }),
    requests: numberInput('requests', 20, { min: 0, max: 10_000, integer: true }),
    latencyP95Ms,
    reportPath: readReportPath(),
    onnxruntimePath: stringInput('onnxruntime-path') || process.env.ONNXRUNTIME_NODE_PATH || '',
  };
}
