import type { LatencySummary } from '../http/stats.js';
import type { AttemptRecord } from '../http/retry.js';
import type { RedirectRecord } from '../http/request.js';
import type { OipTensorMetadata } from '../oip/protocol.js';
import type { ParityResult } from '../oip/parity.js';

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
  error?: { message: string; file?: string; input?: string };
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
