import { parseError, parsed, type ParseResult } from '../errors.js';
import { sendRequest, type HttpResponse } from '../http/request.js';
import type { OipModelMetadata, OipRequestTensor } from '../oip/protocol.js';
import type { ParityTensor } from '../oip/parity.js';
import type { SmokeCheck, SmokeTestReport } from './smoke-report.js';
import { joinUrl, modelPath, type SmokeTestOptions } from './smoke-options.js';

/** One smoke test under way: its options, its clock and deadline, and what one attempt leaves the next. */
export interface SmokeRun {
  o: SmokeTestOptions;
  now: () => number;
  start: number;
  /** No request runs past it: start + timeoutMs. */
  deadline: number;
  /** open-inference: the infer request, the body input or built from the sample once the metadata is known. */
  inferBody?: string;
  /** The local model's outputs, kept for the inputs they were computed from: the model runs once, not per attempt. */
  localOutputs?: { key: string; outputs: ParityTensor[] };
}

/** The state of one attempt: what the report shows when it is the last one. */
export interface Probe {
  checks: SmokeCheck[];
  response?: HttpResponse;
  metadata?: OipModelMetadata;
  modelVersion?: string;
  inputs?: OipRequestTensor[];
  parity?: SmokeTestReport['parity'];
}

export function startSmokeRun(o: SmokeTestOptions): SmokeRun {
  const now = o.now ?? (() => performance.now());
  const start = now();
  return { o, now, start, deadline: start + o.timeoutMs, inferBody: o.protocol === 'open-inference' ? o.body : undefined };
}

/** Time left before the deadline. */
export const remainingMs = (run: SmokeRun) => run.deadline - run.now();

/**
 * One request with the user's headers, bounded by the request timeout and the time left. `json`:
 * a JSON body (the infer request); the Open Inference Protocol answers JSON to every request.
 */
export function send(run: SmokeRun, url: string, method: string, remaining: number, body?: string, json = false): Promise<HttpResponse> {
  const oip = run.o.protocol === 'open-inference';
  return sendRequest({
    url,
    method,
    headers: run.o.headers,
    extraHeaders: json
      ? { 'content-type': 'application/json', accept: 'application/json' }
      : oip
        ? { accept: 'application/json' }
        : undefined,
    body,
    timeoutMs: Math.max(1, Math.min(run.o.requestTimeoutMs, remaining)),
    maxResponseBytes: run.o.maxResponseBytes,
  });
}

/** The infer URL of the model under test. */
export const inferUrl = (o: SmokeTestOptions) => joinUrl(o.url, modelPath(o.modelName, '/infer'));

/** The request whose answer the checks and the latency are about: the HTTP request, or the infer request. */
export function sendCheckedRequest(run: SmokeRun, remaining: number): Promise<HttpResponse> {
  const { o } = run;
  return o.protocol === 'open-inference'
    ? send(run, inferUrl(o), 'POST', remaining, run.inferBody, true)
    : send(run, o.url, o.method, remaining, o.body);
}

export function parseJsonText(text: string): ParseResult<unknown> {
  try {
    return parsed(JSON.parse(text) as unknown);
  } catch {
    return parseError('it is not JSON');
  }
}
