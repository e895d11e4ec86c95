import { UserError, badInputValue, inputValue, uriDecodedOrSame } from '@ml-gate/core';
import {
  choiceInput,
  durationInput,
  maskSecret,
  numberInput,
  onnxruntimeInput,
  optionalNumberInput,
  stringInput,
} from '@ml-gate/core/github';
import {
  RETRY_CLASSES,
  parseBodyExpectation,
  parseHeaderLines,
  parseJsonExpectations,
  parseMaxResponseBytes,
  parseStatusRanges,
  querySecrets,
  readTextFileInput,
  redactUrl,
  type HeaderLine,
  type LocalSide,
  type RetryClass,
  type ServerProbe,
  type SmokeGateInputs,
} from '@ml-gate/core/smoke';

/** The inputs of action.yml, parsed once and validated. */
export type Config = SmokeGateInputs;

/** Below this, retries hammer a server that is starting (retry-delay: 0 made 848 attempts in 2 s). */
const MIN_RETRY_DELAY_MS = 100;

/** Headers fetch refuses (undici: Transfer-Encoding, Expect, Keep-Alive, Upgrade) or manages itself (Host, Content-Length, Connection). */
const FETCH_CONTROLLED_HEADERS = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'expect',
  'te',
  'trailer',
]);
/** Methods fetch refuses to send. */
const FETCH_FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

/** The report path first, so that a bad value elsewhere still gets its report written. */
export function readReportPath(): string {
  return stringInput('report') || 'smoke_test_report.json';
}

/** A duration of at least `min` ms, worded as the input is written (100ms), not as a measured duration is printed. */
function msInput(name: string, fallback: string, min: number): number {
  const bound = min >= 100 ? ` of at least ${min}ms` : min > 0 ? ' above 0' : '';
  return durationInput(name, fallback, {
    minMs: min,
    expected: `a duration${bound} such as 120s, 2m, 1m30s or 500ms (a bare number is seconds)`,
  });
}

function urlInput(protocol: string): string {
  const raw = stringInput('url', { required: true }).trim();
  // a token in the query string (?code=, ?api_key=, ?sig=) is masked, and the URL is only ever
  // shown redacted (redactUrl)
  for (const secret of querySecrets(raw)) maskSecret(secret);
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new UserError(
      `Input url is '${redactUrl(raw)}', which is not an absolute URL; expected e.g. https://staging.example.com${protocol === 'http' ? '/healthz' : ''}.`,
      {
        input: 'url',
      },
    );
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new UserError(`Input url has the scheme ${u.protocol.replace(/:$/, '')}; expected http or https.`, { input: 'url' });
  }
  if (u.username || u.password) {
    // the password is the secret (https://x-access-token:TOKEN@host), or without one the user is
    // (https://TOKEN@host); masked as written and decoded. A user beside a password is a name
    // ("user", "admin"): masking it would redact that word everywhere
    const secret = u.password || u.username;
    for (const form of [secret, uriDecodedOrSame(secret)]) maskSecret(form);
    throw new UserError('Input url holds credentials (user:password@); they would be logged with the URL.', {
      input: 'url',
      hint: 'Put them in headers instead, e.g. "Authorization: Basic <base64>", and pass the value from a secret.',
    });
  }
  return u.href;
}

/**
 * Every header value may be a credential: masked before anything can print it, and so is the
 * token after an auth scheme ("Bearer abc" -> "abc"), in case it is printed alone.
 */
function maskHeaderValues(headers: readonly HeaderLine[]): void {
  for (const h of headers) {
    if (!h.value) continue;
    maskSecret(h.value);
    const scheme = /^\S+\s+(\S.*)$/.exec(h.value);
    if (scheme && scheme[1].length >= 6) maskSecret(scheme[1]);
  }
}

function headersInput(): HeaderLine[] {
  // the text is never shown (no `shown`): a header line may hold a secret
  const headers = inputValue('headers', parseHeaderLines(stringInput('headers')), { expected: "one 'Name: value' per line" });
  maskHeaderValues(headers);
  const controlled = headers.find((h) => FETCH_CONTROLLED_HEADERS.has(h.name.toLowerCase()));
  if (controlled) {
    throw new UserError(`Input headers sets ${controlled.name}, which the HTTP client sets itself (or refuses to send).`, {
      input: 'headers',
      hint: `Remove it; headers may not set ${[...FETCH_CONTROLLED_HEADERS].join(', ')}.`,
    });
  }
  return headers;
}

function methodInput(): string {
  const method = (stringInput('method') || 'GET').toUpperCase();
  if (!/^[A-Z]+$/.test(method)) throw badInputValue('method', method, 'an HTTP method such as GET, POST or HEAD');
  if (FETCH_FORBIDDEN_METHODS.has(method)) {
    throw new UserError(
      `Input method is ${method}, which the HTTP client (fetch) refuses to send; expected a method such as GET, POST or HEAD.`,
      { input: 'method' },
    );
  }
  return method;
}

function retryOnInput(): Set<RetryClass> {
  const raw = stringInput('retry-on') || 'connection, 5xx';
  const items = raw
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((s) => s.toLowerCase());
  if (items.length === 1 && items[0] === 'none') return new Set();
  const bad = items.filter((i) => !(RETRY_CLASSES as readonly string[]).includes(i));
  if (bad.length || items.length === 0) {
    throw badInputValue('retry-on', raw, `a comma-separated list of ${RETRY_CLASSES.join(', ')}, or none`);
  }
  return new Set(items as RetryClass[]);
}

/** The request body and the input it came from (body or body-file). */
async function bodyInput(): Promise<{ body?: string; source?: string }> {
  const body = stringInput('body');
  const file = stringInput('body-file');
  if (body && file) throw new UserError('Inputs body and body-file are both given; give one.', { input: 'body-file' });
  if (body) return { body, source: 'body' };
  if (!file) return {};
  const text = await readTextFileInput(file, { input: 'body-file', what: 'Input body-file', expected: 'a file holding the request body' });
  return { body: text, source: 'body-file' };
}

function expectationInputs(): Pick<ServerProbe, 'expectedStatus' | 'expectBody' | 'expectJson'> {
  const status = stringInput('expected-status') || '200';
  const body = stringInput('expect-body');
  return {
    expectedStatus: inputValue('expected-status', parseStatusRanges(status), {
      shown: status,
      expected: 'codes, ranges or classes such as 200, 200-299, 2xx',
    }),
    expectBody: body ? inputValue('expect-body', parseBodyExpectation(body)) : undefined,
    expectJson: inputValue('expect-json', parseJsonExpectations(stringInput('expect-json')), {
      hint: 'Each line: a path like $.outputs[0].name, an operator (==, !=, =~, >, >=, <, <=) and a JSON value, e.g. $.model_name == "demo".',
    }),
  };
}

/** The inputs of protocol open-inference; each is refused with protocol http. */
const OIP_INPUTS = ['model-name', 'expected-model-version', 'sample', 'model'] as const;
type OipInputs = Record<(typeof OIP_INPUTS)[number], string>;

/** What each protocol needs of the other inputs, and what it cannot use. */
function checkProtocolInputs(
  protocol: ServerProbe['protocol'],
  method: string,
  request: { body?: string; source?: string },
  oip: OipInputs,
): void {
  const { body, source } = request;
  if (protocol === 'http') {
    const given = OIP_INPUTS.find((name) => oip[name]);
    if (given) throw new UserError(`Input ${given} is only used with protocol open-inference (protocol is http).`, { input: given });
    if (body && (method === 'GET' || method === 'HEAD')) {
      throw new UserError(`Input ${source} is given, but method ${method} sends no body.`, {
        input: source,
        hint: 'Set method: POST (or PUT, PATCH).',
      });
    }
    return;
  }
  if (!oip['model-name']) throw new UserError('Input model-name is required with protocol open-inference.', { input: 'model-name' });
  if (!oip.sample && !body) {
    throw new UserError(
      'Protocol open-inference sends a real infer request: give its inputs as sample (.npy, .npz or .json), or the request as body or body-file.',
      {
        input: 'sample',
      },
    );
  }
  if (oip.sample && body)
    throw new UserError(`Inputs sample and ${source} are both given; with open-inference the infer request comes from one of them.`, {
      input: source,
    });
  if (oip.model && !oip.sample)
    throw new UserError('Input model (the parity check) needs sample: the local model runs on the same arrays.', { input: 'model' });
}

function maxResponseBytesInput(): number {
  const raw = stringInput('max-response-bytes') || '10MiB';
  return inputValue('max-response-bytes', parseMaxResponseBytes(raw), {
    shown: raw,
    expected: 'a size such as 10MiB, 512KiB, 1GB or 1048576 (bytes), at most 512MiB',
  });
}

/** How long to wait and retry, how much of an answer to read, and how many requests to time against which budget. */
function timingInputs(): Pick<
  ServerProbe,
  'latencyP95Ms' | 'timeoutMs' | 'retryDelayMs' | 'retryOn' | 'requestTimeoutMs' | 'maxResponseBytes' | 'requests'
> {
  return {
    latencyP95Ms: optionalNumberInput('latency-p95-ms', { min: 0, exclusiveMin: true }),
    timeoutMs: msInput('timeout', '120s', 1),
    retryDelayMs: msInput('retry-delay', '2s', MIN_RETRY_DELAY_MS),
    retryOn: retryOnInput(),
    requestTimeoutMs: msInput('request-timeout', '30s', 1),
    maxResponseBytes: maxResponseBytesInput(),
    requests: numberInput('requests', 20, { min: 0, max: 10_000, integer: true }),
  };
}

function localSideInputs(oip: OipInputs): LocalSide {
  return {
    sample: oip.sample || undefined,
    model: oip.model || undefined,
    parity: {
      mode: choiceInput('parity', ['values', 'class'] as const, 'values'),
      atol: numberInput('atol', 1e-4, { min: 0 }),
      rtol: numberInput('rtol', 1e-3, { min: 0 }),
    },
    onnxruntime: onnxruntimeInput(),
  };
}

export async function readConfig(): Promise<Config> {
  const headers = headersInput(); // first: mask the secrets before anything else is logged
  const protocol = choiceInput('protocol', ['http', 'open-inference'] as const, 'http');
  const url = urlInput(protocol);
  const method = methodInput();
  const request = await bodyInput();
  const expectations = expectationInputs();
  const oip = Object.fromEntries(OIP_INPUTS.map((name) => [name, stringInput(name)])) as OipInputs;
  checkProtocolInputs(protocol, method, request, oip);
  const probe: ServerProbe = {
    protocol,
    url,
    method,
    headers,
    body: request.body,
    ...expectations,
    ...timingInputs(),
    modelName: oip['model-name'] || undefined,
    expectedModelVersion: oip['expected-model-version'] || undefined,
  };
  return { probe, local: localSideInputs(oip) };
}
