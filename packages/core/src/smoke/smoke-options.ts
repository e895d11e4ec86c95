import type { BodyExpectation } from '../http/body-match.js';
import type { HeaderLine } from '../http/headers.js';
import type { JsonExpectation } from '../http/json-path.js';
import type { StatusRange } from '../http/status.js';
import type { ParityOptions, ParityTensor } from '../oip/parity.js';
import type { OipRequestTensor } from '../oip/protocol.js';
import type { Sample } from '../oip/sample.js';

/** What a failed attempt may be retried for. */
export const RETRY_CLASSES = ['connection', '5xx', '4xx', 'status', 'checks'] as const;
export type RetryClass = (typeof RETRY_CLASSES)[number];

/** What to ask the server and what to expect of its answers: the smoke test but its local side. */
export interface ServerProbe {
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
  /** The longest response body read; past it the attempt fails (max-response-bytes). */
  maxResponseBytes: number;
  retryOn: ReadonlySet<RetryClass>;
  modelName?: string;
  expectedModelVersion?: string;
  requests: number;
  latencyP95Ms?: number;
}

/** The parity check: the served outputs against the local model's. */
export interface ParityCheck extends ParityOptions {
  /** The local model's path, for messages. */
  model: string;
  /** The local model's outputs for the inputs sent to the server. */
  run: (inputs: OipRequestTensor[]) => Promise<ParityTensor[]>;
}

export interface SmokeTestOptions extends ServerProbe {
  sample?: Sample;
  parity?: ParityCheck;
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

/** The Open Inference Protocol paths of a model: `/v2/models/NAME`, with NAME escaped. */
export function modelPath(modelName: string | undefined, rest = ''): string {
  return `/v2/models/${encodeURIComponent(modelName ?? '')}${rest}`;
}
