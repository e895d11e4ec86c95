import type { ReportError } from '../errors.js';
import type { LatencySummary } from '../http/stats.js';
import type { AttemptRecord } from '../http/retry.js';
import type { RedirectRecord } from '../http/request.js';
import { describeStatusRanges } from '../http/status.js';
import { redactUrl } from '../http/redact.js';
import type { OipTensorMetadata } from '../oip/protocol.js';
import type { ParityResult } from '../oip/parity.js';
import type { Sample } from '../oip/sample.js';
import { numberOutput } from '../util/format.js';
import type { RunInfo } from '../util/run-info.js';
import type { ServerProbe } from './smoke-options.js';

export interface SmokeCheck {
  name: string;
  passed: boolean;
  detail: string;
}

/** The smoke-test report: the JSON file and the job summary both render this. */
export interface SmokeTestReport {
  schema: 'ml-gate/smoke-test/v1';
  createdAt: string;
  /** passed: every check passed; failed: a check failed or the server never became ready; error: bad input. */
  status: 'passed' | 'failed' | 'error';
  passed: boolean;
  reason: string;
  request?: {
    protocol: 'http' | 'open-inference';
    /** The URL as given (for open-inference the server's base URL). */
    url: string;
    method: string;
    /** Header names only: values are secrets. */
    headers: string[];
    bodyBytes?: number;
    modelName?: string;
    expectedModelVersion?: string;
    sample?: { path: string; format: string; arrays: { name?: string; shape: number[]; dtype: string }[] };
    expectedStatus: string;
  };
  settings?: {
    timeoutMs: number;
    retryDelayMs: number;
    requestTimeoutMs: number;
    maxResponseBytes: number;
    retryOn: string[];
    requests: number;
    latencyP95BudgetMs: number | null;
  };
  attempts: number;
  /** From the first request to the verdict: never more than timeoutMs. */
  elapsedMs: number;
  timedOut: boolean;
  /** The first 30 and the last 10 attempts. */
  attemptLog: AttemptRecord[];
  /** The response the checks looked at (open-inference: the infer response). */
  response?: {
    url: string;
    status: number;
    statusText: string;
    contentType: string;
    latencyMs: number;
    /** The start of the body, truncated. */
    bodyExcerpt: string;
    redirects: RedirectRecord[];
  };
  server?: {
    modelName?: string;
    modelVersion?: string;
    versions?: string[];
    platform?: string;
    inputs?: OipTensorMetadata[];
    outputs?: OipTensorMetadata[];
  };
  checks: SmokeCheck[];
  latency?: LatencySummary & { requested: number; failed: number; budgetMs: number | null };
  parity?: ParityResult & { model: string };
  warnings: string[];
  error?: ReportError;
  /** The commit and workflow run (set by the runner shell). */
  run?: RunInfo;
}

export function newSmokeTestReport(): SmokeTestReport {
  return {
    schema: 'ml-gate/smoke-test/v1',
    createdAt: new Date().toISOString(),
    status: 'error',
    passed: false,
    reason: 'The smoke test did not run.',
    attempts: 0,
    elapsedMs: 0,
    timedOut: false,
    attemptLog: [],
    checks: [],
    warnings: [],
  };
}

/** What was asked of the server and how patiently, as the report shows it: URLs redacted, header names only. */
export function describeSmokeRequest(probe: ServerProbe): Pick<SmokeTestReport, 'request' | 'settings'> {
  return {
    request: {
      protocol: probe.protocol,
      url: redactUrl(probe.url),
      method: probe.protocol === 'open-inference' ? 'POST' : probe.method,
      headers: probe.headers.map((h) => h.name),
      bodyBytes: probe.body === undefined ? undefined : Buffer.byteLength(probe.body),
      modelName: probe.modelName || undefined,
      expectedModelVersion: probe.expectedModelVersion || undefined,
      expectedStatus: describeStatusRanges(probe.expectedStatus),
    },
    settings: {
      timeoutMs: probe.timeoutMs,
      retryDelayMs: probe.retryDelayMs,
      requestTimeoutMs: probe.requestTimeoutMs,
      maxResponseBytes: probe.maxResponseBytes,
      retryOn: [...probe.retryOn],
      requests: probe.requests,
      latencyP95BudgetMs: probe.latencyP95Ms ?? null,
    },
  };
}

/** The sample as the report shows it: its arrays' names, shapes and dtypes, not their values. */
export function describeSample(sample: Sample): NonNullable<SmokeTestReport['request']>['sample'] {
  return { path: sample.path, format: sample.format, arrays: sample.arrays.map((a) => ({ name: a.name, shape: a.shape, dtype: a.dtype })) };
}

/** The action's outputs (but report-path). */
export function smokeTestOutputs(r: SmokeTestReport): Record<string, string> {
  return {
    passed: String(r.passed),
    status: r.response ? String(r.response.status) : '',
    attempts: String(r.attempts),
    'latency-p50-ms': numberOutput(r.latency?.p50Ms),
    'latency-p95-ms': numberOutput(r.latency?.p95Ms),
  };
}
