import { bodyMatches, describeBodyExpectation, type BodyExpectation } from '../http/body-match.js';
import { formatDuration } from '../util/duration.js';
import type { HeaderLine } from '../http/headers.js';
import { checkJsonExpectation, type JsonExpectation } from '../http/json-path.js';
import { redactUrl } from '../http/redact.js';
import { RequestError, sendRequest, type HttpResponse } from '../http/request.js';
import { MIN_ATTEMPT_MS, retryUntilDeadline, type AttemptOutcome, type AttemptRecord } from '../http/retry.js';
import { summarizeLatencies } from '../http/stats.js';
import { describeStatusRanges, statusMatches, type StatusRange } from '../http/status.js';
import { truncate } from '../http/text.js';
import { parseError } from '../errors.js';
import { buildInferRequest, parseInferResponse, parseModelMetadata, type OipInferResponse, type OipModelMetadata, type OipRequestTensor } from '../oip/protocol.js';
import { compareOutputs, describeParity, type ParityMode, type ParityTensor } from '../oip/parity.js';
import { buildInferInputs, type Sample } from '../oip/sample.js';
import type { SmokeCheck, SmokeTestReport } from './smoke-report.js';

/** What a failed attempt may be retried for. */
export const RETRY_CLASSES = ['connection', '5xx', '4xx', 'status', 'checks'] as const;
export type RetryClass = (typeof RETRY_CLASSES)[number];

export interface SmokeTestOptions {
  protocol: 'http' | 'open-inference';
  /** http: the URL to request; open-inference: the server's base URL. */
  url: string;
  method: string;
  headers: HeaderLine[];
  /** http: the request body; open-inference without a sample: the infer request, sent as is. */
  body?: string;
  expectedStatus: StatusRange[];
  expectBody?: BodyExpectation;
  expectJson: JsonExpectation[];
  timeoutMs: number;
  retryDelayMs: number;
  requestTimeoutMs: number;
  retryOn: ReadonlySet<RetryClass>;
  modelName?: string;
  expectedModelVersion?: string;
  sample?: Sample;
  parity?: {
    model: string;
    mode: ParityMode;
    atol: number;
    rtol: number;
    /** The local model's outputs for the inputs sent to the server. */
    run: (inputs: OipRequestTensor[]) => Promise<ParityTensor[]>;
  };
  requests: number;
  latencyP95Ms?: number;
  log?: (message: string) => void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** The base URL joined with an absolute path: http://h:8080/prefix + /v2/x = http://h:8080/prefix/v2/x. */
export function joinUrl(base: string, path: string): string {
  const u = new URL(base);
  u.pathname = `${u.pathname.replace(/\/+$/, '')}${path}`;
  return u.href;
}

/** The state of one attempt: what the report shows when it is the last one. */
interface Probe {
  checks: SmokeCheck[];
  response?: HttpResponse;
  metadata?: OipModelMetadata;
  modelVersion?: string;
  inputs?: OipRequestTensor[];
  parity?: SmokeTestReport['parity'];
}

const retry = <T>(reason: string): AttemptOutcome<T> => ({ kind: 'retry', reason });
const fail = <T>(reason: string): AttemptOutcome<T> => ({ kind: 'fail', reason });

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/**
 * Runs the smoke test against a live server and fills `report`: waits (retrying with backoff)
 * until the server answers as expected or the deadline passes, checks the answer, then measures
 * latency. Never runs past `timeoutMs` from its start. Bad input was rejected before this.
 */
export async function runSmokeTest(o: SmokeTestOptions, report: SmokeTestReport): Promise<void> {
  const now = o.now ?? (() => performance.now());
  const log = o.log ?? (() => {});
  const start = now();
  const deadline = start + o.timeoutMs;
  const requestTimeout = (remaining: number) => Math.max(1, Math.min(o.requestTimeoutMs, remaining));
  const oip = o.protocol === 'open-inference';

  let inferBody: string | undefined = oip ? o.body : undefined;
  let localOutputs: { key: string; outputs: ParityTensor[] } | undefined;

  const send = (url: string, method: string, remaining: number, body?: string, json = false) =>
    sendRequest({
      url,
      method,
      headers: o.headers,
      extraHeaders: json ? { 'content-type': 'application/json', accept: 'application/json' } : oip ? { accept: 'application/json' } : undefined,
      body,
      timeoutMs: requestTimeout(remaining),
    });

  const transport = <T>(e: unknown, what: string): AttemptOutcome<T> => {
    if (!(e instanceof RequestError)) throw e;
    const reason = `${what}: ${e.message}`;
    if (e.kind === 'redirect' || e.kind === 'invalid') return fail(reason);
    return o.retryOn.has('connection') ? retry(reason) : fail(reason);
  };

  const unexpectedStatus = <T>(res: HttpResponse, what: string): AttemptOutcome<T> => {
    const reason = `${what} answered HTTP ${res.status}, expected ${describeStatusRanges(o.expectedStatus)}${res.body ? `: ${truncate(res.body, 200)}` : ''}`;
    const cls = res.status >= 500 ? '5xx' : res.status >= 400 && res.status < 500 ? '4xx' : undefined;
    return (cls && o.retryOn.has(cls)) || o.retryOn.has('status') ? retry(reason) : fail(reason);
  };

  /** The content checks of a response the status check accepted; a failure is retried only for retry-on checks. */
  async function contentChecks(probe: Probe, res: HttpResponse, json: unknown, jsonOk: boolean): Promise<AttemptOutcome<true>> {
    const failed: string[] = [];
    if (o.expectBody) {
      const ok = bodyMatches(res.body, o.expectBody);
      const detail = `body ${describeBodyExpectation(o.expectBody)}${ok ? '' : `; it starts ${JSON.stringify(truncate(res.body, 120))}`}`;
      probe.checks.push({ name: 'expect-body', passed: ok, detail });
      if (!ok) failed.push(detail);
    }
    for (const e of o.expectJson) {
      const c = jsonOk ? checkJsonExpectation(json, e) : { passed: false, detail: `${e.path.text}: the response is not JSON (${truncate(res.body, 80)})` };
      probe.checks.push({ name: 'expect-json', passed: c.passed, detail: c.detail });
      if (!c.passed) failed.push(`expect-json line ${e.line}: ${c.detail}`);
    }
    if (o.parity && probe.inputs && jsonOk) {
      const served = parseInferResponse(json);
      if (!served.ok) {
        failed.push(served.error);
      } else {
        const key = JSON.stringify(probe.inputs.map((t) => [t.name, t.datatype, t.shape]));
        if (localOutputs?.key !== key) localOutputs = { key, outputs: await o.parity.run(probe.inputs) };
        const p = compareOutputs(served.value.outputs, localOutputs.outputs, o.parity);
        probe.parity = { ...p, model: o.parity.model };
        const detail = `${p.passed ? 'the server computes what' : 'the server does NOT compute what'} ${o.parity.model} computes: ${describeParity(p)}`;
        probe.checks.push({ name: 'parity', passed: p.passed, detail });
        if (!p.passed) failed.push(`parity: ${detail}`);
      }
    }
    if (failed.length === 0) return { kind: 'done', value: true };
    const reason = failed.join('; ');
    return o.retryOn.has('checks') ? retry(reason) : fail(reason);
  }

  async function httpAttempt(probe: Probe, remaining: number): Promise<AttemptOutcome<true>> {
    let res: HttpResponse;
    try {
      res = await send(o.url, o.method, remaining, o.body);
    } catch (e) {
      return transport(e, `${o.method} ${redactUrl(o.url)}`);
    }
    probe.response = res;
    const ok = statusMatches(res.status, o.expectedStatus);
    probe.checks.push({ name: 'status', passed: ok, detail: `HTTP ${res.status}, expected ${describeStatusRanges(o.expectedStatus)}` });
    if (!ok) return unexpectedStatus(res, `${o.method} ${redactUrl(o.url)}`);
    const parsed = parseJson(res.body);
    return contentChecks(probe, res, parsed.ok ? parsed.value : undefined, parsed.ok);
  }

  /** A readiness or metadata GET: any status but 200 means "not yet", except refused credentials. */
  async function readyGet(probe: Probe, name: string, path: string, remaining: number): Promise<HttpResponse | AttemptOutcome<true>> {
    const url = joinUrl(o.url, path);
    let res: HttpResponse;
    try {
      res = await send(url, 'GET', remaining);
    } catch (e) {
      probe.checks.push({ name, passed: false, detail: `GET ${path}: ${(e as Error).message}` });
      return transport(e, `GET ${redactUrl(url)}`);
    }
    const ok = res.status === 200;
    probe.checks.push({ name, passed: ok, detail: `GET ${path}: HTTP ${res.status}` });
    if (ok) return res;
    const reason = `GET ${redactUrl(url)} answered HTTP ${res.status}${res.body ? `: ${truncate(res.body, 200)}` : ''}`;
    if (res.status === 401 || res.status === 403) return fail(`${reason} (check the headers input's credentials)`);
    return retry(name === 'server ready' ? `the server is not ready: ${reason}` : name === 'model ready' ? `the model is not ready: ${reason}` : reason);
  }

  async function oipAttempt(probe: Probe, remaining: number): Promise<AttemptOutcome<true>> {
    const model = encodeURIComponent(o.modelName ?? '');
    const left = () => deadline - now();
    const ready = await readyGet(probe, 'server ready', '/v2/health/ready', remaining);
    if ('kind' in ready) return ready;
    const modelReady = await readyGet(probe, 'model ready', `/v2/models/${model}/ready`, left());
    if ('kind' in modelReady) return modelReady;
    const meta = await readyGet(probe, 'model metadata', `/v2/models/${model}`, left());
    if ('kind' in meta) return meta;
    const parsed = parseJson(meta.body);
    const parsedMetadata = parsed.ok ? parseModelMetadata(parsed.value) : parseError<OipModelMetadata>(`it is not JSON: ${truncate(meta.body, 120)}`);
    if (!parsedMetadata.ok) {
      probe.checks[probe.checks.length - 1] = { name: 'model metadata', passed: false, detail: parsedMetadata.error };
      return fail(`GET ${redactUrl(joinUrl(o.url, `/v2/models/${model}`))}: ${parsedMetadata.error}`);
    }
    const metadata = parsedMetadata.value;
    probe.metadata = metadata;
    probe.checks[probe.checks.length - 1].detail += `: ${metadata.inputs.length} input(s) ${metadata.inputs.map((i) => `${i.name} ${i.datatype} [${i.shape.join(', ')}]`).join(', ')}`;
    const want = o.expectedModelVersion;
    if (want && metadata.versions?.length && !metadata.versions.includes(want)) {
      probe.checks.push({ name: 'model version', passed: false, detail: `the server lists versions ${metadata.versions.join(', ')}; expected ${want}` });
      return retry(`the server serves model version ${metadata.versions.join(', ')}, waiting for ${want}`);
    }

    if (o.sample) {
      probe.inputs = buildInferInputs(o.sample, metadata.inputs);
      inferBody = JSON.stringify(buildInferRequest(probe.inputs));
    }
    const url = joinUrl(o.url, `/v2/models/${model}/infer`);
    let res: HttpResponse;
    try {
      res = await send(url, 'POST', left(), inferBody, true);
    } catch (e) {
      probe.checks.push({ name: 'infer', passed: false, detail: `POST /v2/models/${model}/infer: ${(e as Error).message}` });
      return transport(e, `POST ${redactUrl(url)}`);
    }
    probe.response = res;
    const ok = statusMatches(res.status, o.expectedStatus);
    probe.checks.push({ name: 'infer', passed: ok, detail: `POST /v2/models/${model}/infer: HTTP ${res.status}${ok ? '' : `, expected ${describeStatusRanges(o.expectedStatus)}: ${truncate(res.body, 200)}`}` });
    if (!ok) return unexpectedStatus(res, `POST ${redactUrl(url)}`);
    const body = parseJson(res.body);
    const parsedInfer = body.ok ? parseInferResponse(body.value) : parseError<OipInferResponse>(`the infer response is not JSON: ${truncate(res.body, 120)}`);
    if (!parsedInfer.ok) {
      probe.checks[probe.checks.length - 1] = { name: 'infer', passed: false, detail: parsedInfer.error };
      return fail(`POST ${redactUrl(url)}: ${parsedInfer.error}`);
    }
    const infer = parsedInfer.value;
    probe.checks[probe.checks.length - 1].detail += `, ${infer.outputs.length} output(s) ${infer.outputs.map((t) => `${t.name} [${t.shape.join(', ')}]`).join(', ')}`;
    probe.modelVersion = infer.modelVersion;
    if (want) {
      const served = infer.modelVersion;
      if (served === undefined && !metadata.versions?.includes(want)) {
        probe.checks.push({ name: 'model version', passed: false, detail: `the server reports no model_version; expected ${want}` });
        return fail(`the server reports no model version (neither model_version in the infer response nor versions in the metadata); expected ${want}`);
      }
      if (served !== undefined && served !== want) {
        probe.checks.push({ name: 'model version', passed: false, detail: `the server answers with model_version ${served}; expected ${want}` });
        return retry(`the server answers with model_version ${served}, waiting for ${want}`);
      }
      probe.checks.push({ name: 'model version', passed: true, detail: `model_version ${served ?? want}` });
    }
    return contentChecks(probe, res, (body as { value: unknown }).value, true);
  }

  let probe: Probe = { checks: [] };
  const result = await retryUntilDeadline<true>(
    async (remaining) => {
      probe = { checks: [] };
      return oip ? oipAttempt(probe, remaining) : httpAttempt(probe, remaining);
    },
    {
      deadline,
      baseDelayMs: o.retryDelayMs,
      now,
      sleep: o.sleep,
      random: o.random,
      onAttempt: (a: AttemptRecord) => log(`attempt ${a.attempt} at ${formatDuration(a.atMs)}: ${a.outcome}${a.reason ? `: ${a.reason}` : ''}`),
    },
  );
  report.attempts = result.attempts;
  report.timedOut = result.timedOut;
  report.attemptLog = result.log.length > 40 ? [...result.log.slice(0, 30), ...result.log.slice(-10)] : result.log;
  report.checks = probe.checks;
  report.parity = probe.parity;
  if (probe.response) {
    const r = probe.response;
    const redirects = r.redirects.map((d) => ({ ...d, from: redactUrl(d.from), to: redactUrl(d.to) }));
    report.response = { url: redactUrl(r.url), status: r.status, statusText: r.statusText, contentType: r.contentType, latencyMs: r.latencyMs, bodyExcerpt: truncate(r.body, 500), redirects };
    for (const d of redirects.filter((x) => x.droppedHeaders.length)) {
      report.warnings.push(`${d.from} redirected to another origin, ${d.to}; the headers ${d.droppedHeaders.join(', ')} were not sent there.`);
    }
  }
  if (probe.metadata || probe.modelVersion) {
    const m = probe.metadata;
    report.server = { modelName: m?.name, modelVersion: probe.modelVersion, versions: m?.versions, platform: m?.platform, inputs: m?.inputs, outputs: m?.outputs };
  }

  if (result.outcome.kind !== 'done') {
    report.elapsedMs = now() - start;
    report.status = 'failed';
    report.passed = false;
    report.reason = result.timedOut
      ? `Gave up after ${formatDuration(o.timeoutMs)} (timeout) and ${result.attempts} attempt(s); the last one: ${result.outcome.reason}.`
      : `${result.outcome.reason}.`;
    return;
  }

  // latency: `requests` more requests after the first success, within the same deadline
  const latencies: number[] = [];
  let failed = 0;
  let firstFailure = '';
  let stoppedEarly = false;
  const first = probe.response!;
  for (let i = 0; i < o.requests; i++) {
    const remaining = deadline - now();
    if (remaining < MIN_ATTEMPT_MS) {
      stoppedEarly = true;
      break;
    }
    try {
      const res = oip
        ? await send(joinUrl(o.url, `/v2/models/${encodeURIComponent(o.modelName ?? '')}/infer`), 'POST', remaining, inferBody, true)
        : await send(o.url, o.method, remaining, o.body);
      if (statusMatches(res.status, o.expectedStatus)) latencies.push(res.latencyMs);
      else {
        failed++;
        firstFailure ||= `HTTP ${res.status}`;
      }
    } catch (e) {
      if (!(e instanceof RequestError)) throw e;
      failed++;
      firstFailure ||= e.message;
    }
  }
  const sample = o.requests > 0 ? latencies : [first.latencyMs];
  const summary = summarizeLatencies(sample);
  const budget = o.latencyP95Ms ?? null;
  if (summary) report.latency = { ...summary, requested: o.requests, failed, budgetMs: budget };
  const parts: string[] = [];
  let latencyOk = true;
  if (summary) {
    parts.push(`p50 ${formatDuration(summary.p50Ms)}, p95 ${formatDuration(summary.p95Ms)}, max ${formatDuration(summary.maxMs)} over ${summary.count} request(s)`);
    if (budget !== null) {
      const within = summary.p95Ms <= budget;
      latencyOk &&= within;
      parts.push(within ? `within the p95 budget of ${formatDuration(budget)}` : `over the p95 budget of ${formatDuration(budget)}`);
    }
  } else {
    latencyOk = false;
    parts.push('no request succeeded');
  }
  if (failed) {
    latencyOk = false;
    parts.push(`${failed} of ${o.requests} request(s) failed (first: ${firstFailure})`);
  }
  if (stoppedEarly) {
    latencyOk = false;
    parts.push(`the timeout of ${formatDuration(o.timeoutMs)} ended the measurement after ${latencies.length + failed} of ${o.requests} requests`);
  }
  report.checks.push({ name: 'latency', passed: latencyOk, detail: parts.join('; ') });
  report.elapsedMs = now() - start;

  const bad = report.checks.filter((c) => !c.passed);
  report.passed = bad.length === 0;
  report.status = report.passed ? 'passed' : 'failed';
  report.reason = report.passed
    ? `The server answered as expected after ${result.attempts} attempt(s)${report.server?.modelVersion ? `, serving model version ${report.server.modelVersion}` : ''}; ${parts[0]}.`
    : bad.map((c) => `${c.name}: ${c.detail}`).join('; ') + '.';
}
