// One attempt of protocol open-inference: server ready, model ready, model metadata (and the
// version it lists), the infer request built for it, the infer response (and the version it
// answers with), then the content checks.
import { messageOf, parseError, type ParseResult } from '../errors.js';
import { redactUrl } from '../http/redact.js';
import type { HttpResponse } from '../http/request.js';
import { describeStatusRanges, statusMatches } from '../http/status.js';
import { truncate } from '../http/text.js';
import {
  buildInferRequest,
  parseInferResponse,
  parseModelMetadata,
  type OipInferResponse,
  type OipModelMetadata,
} from '../oip/protocol.js';
import { buildInferInputs } from '../oip/sample.js';
import { contentChecks } from './content-checks.js';
import { fail, isOutcome, retry, statusOutcome, transportOutcome, type Outcome } from './outcome.js';
import { inferUrl, parseJsonText, remainingMs, sendCheckedRequest, send, type Probe, type SmokeRun } from './probe.js';
import { listServedModels } from './model-listing.js';
import { joinUrl, modelPath } from './smoke-options.js';
import { describeStatus } from './status-hints.js';

const NOT_READY: Record<string, string> = { 'server ready': 'the server is not ready: ', 'model ready': 'the model is not ready: ' };

/**
 * A readiness or metadata GET that did not answer 200. Refused credentials are final, and so is a
 * 404 for the model: the server is ready (asked first) and says it has no such model, which no
 * wait will change; the reason lists the models it does serve. Anything else means "not yet".
 */
async function notReadyOutcome(run: SmokeRun, check: string, url: string, res: HttpResponse): Promise<Outcome> {
  const context = check === 'server ready' ? 'server' : 'model';
  // a 5xx here is what "not ready" already says; a 4xx gets the input it points at
  const status = res.status < 500 ? describeStatus(run.o, res.status, context) : `HTTP ${res.status}`;
  const reason = `GET ${redactUrl(url)} answered ${status}${res.body ? `: ${truncate(res.body, 200)}` : ''}`;
  if (res.status === 401 || res.status === 403) return fail(reason);
  if (res.status === 404 && context === 'model') return fail(`${reason}; ${await listServedModels(run)}`);
  return retry(`${NOT_READY[check] ?? ''}${reason}`);
}

/** A readiness or metadata GET: any status but 200 means "not yet", except refused credentials and an unknown model. */
async function readyGet(run: SmokeRun, probe: Probe, name: string, path: string, remaining: number): Promise<HttpResponse | Outcome> {
  const url = joinUrl(run.o.url, path);
  let res: HttpResponse;
  try {
    res = await send(run, url, 'GET', remaining);
  } catch (e) {
    probe.checks.push({ name, passed: false, detail: `GET ${path}: ${messageOf(e)}` });
    return transportOutcome(run.o, e, `GET ${redactUrl(url)}`);
  }
  const ok = res.status === 200;
  probe.checks.push({ name, passed: ok, detail: `GET ${path}: HTTP ${res.status}` });
  return ok ? res : notReadyOutcome(run, name, url, res);
}

/** The answer of an OIP request parsed, or what is wrong with it (not JSON: the start of the body). */
function parseAnswer<T>(res: HttpResponse, parse: (json: unknown) => ParseResult<T>, notJson: string): ParseResult<T> {
  const json = parseJsonText(res.body);
  return json.ok ? parse(json.value) : parseError(`${notJson}: ${truncate(res.body, 120)}`);
}

/** Server and model ready, then the model's metadata, recorded in the probe. */
async function modelMetadata(run: SmokeRun, probe: Probe, remaining: number): Promise<OipModelMetadata | Outcome> {
  const name = run.o.modelName;
  const server = await readyGet(run, probe, 'server ready', '/v2/health/ready', remaining);
  if (isOutcome(server)) return server;
  const model = await readyGet(run, probe, 'model ready', modelPath(name, '/ready'), remainingMs(run));
  if (isOutcome(model)) return model;
  const res = await readyGet(run, probe, 'model metadata', modelPath(name), remainingMs(run));
  if (isOutcome(res)) return res;
  const metadata = parseAnswer(res, parseModelMetadata, 'it is not JSON');
  // the metadata check readyGet recorded: failed after all, or told what the model takes
  const last = probe.checks.length - 1;
  if (!metadata.ok) {
    probe.checks[last] = { name: 'model metadata', passed: false, detail: metadata.error };
    return fail(`GET ${redactUrl(joinUrl(run.o.url, modelPath(name)))}: ${metadata.error}`);
  }
  const { inputs } = metadata.value;
  probe.metadata = metadata.value;
  probe.checks[last].detail +=
    `: ${inputs.length} input(s) ${inputs.map((i) => `${i.name} ${i.datatype} [${i.shape.join(', ')}]`).join(', ')}`;
  return metadata.value;
}

/** expected-model-version against the versions the metadata lists: another one is a rollout not yet done. */
function listedVersionOutcome(run: SmokeRun, probe: Probe, metadata: OipModelMetadata): Outcome | undefined {
  const want = run.o.expectedModelVersion;
  if (!want || !metadata.versions?.length || metadata.versions.includes(want)) return undefined;
  probe.checks.push({
    name: 'model version',
    passed: false,
    detail: `the server lists versions ${metadata.versions.join(', ')}; expected ${want}`,
  });
  return retry(`the server serves model version ${metadata.versions.join(', ')}, waiting for ${want}`);
}

/** The infer request (built from the sample for the metadata's inputs) and its answer, recorded in the probe. */
async function infer(
  run: SmokeRun,
  probe: Probe,
  metadata: OipModelMetadata,
): Promise<{ res: HttpResponse; answer: OipInferResponse } | Outcome> {
  const { o } = run;
  if (o.sample) {
    probe.inputs = buildInferInputs(o.sample, metadata.inputs);
    run.inferBody = JSON.stringify(buildInferRequest(probe.inputs));
  }
  const path = modelPath(o.modelName, '/infer');
  const what = `POST ${redactUrl(inferUrl(o))}`;
  let res: HttpResponse;
  try {
    res = await sendCheckedRequest(run, remainingMs(run));
  } catch (e) {
    probe.checks.push({ name: 'infer', passed: false, detail: `POST ${path}: ${messageOf(e)}` });
    return transportOutcome(o, e, what);
  }
  probe.response = res;
  const ok = statusMatches(res.status, o.expectedStatus);
  probe.checks.push({
    name: 'infer',
    passed: ok,
    detail: `POST ${path}: HTTP ${res.status}${ok ? '' : `, expected ${describeStatusRanges(o.expectedStatus)}: ${truncate(res.body, 200)}`}`,
  });
  if (!ok) return statusOutcome(o, res, what);
  const answer = parseAnswer(res, parseInferResponse, 'the infer response is not JSON');
  if (!answer.ok) {
    probe.checks[probe.checks.length - 1] = { name: 'infer', passed: false, detail: answer.error };
    return fail(`${what}: ${answer.error}`);
  }
  probe.checks[probe.checks.length - 1].detail +=
    `, ${answer.value.outputs.length} output(s) ${answer.value.outputs.map((t) => `${t.name} [${t.shape.join(', ')}]`).join(', ')}`;
  probe.modelVersion = answer.value.modelVersion;
  return { res, answer: answer.value };
}

/**
 * expected-model-version against the model_version the server answers with: another one is a
 * rollout not yet done; none at all (and none listed) cannot be checked, a final failure.
 */
function servedVersionOutcome(run: SmokeRun, probe: Probe, metadata: OipModelMetadata, answer: OipInferResponse): Outcome | undefined {
  const want = run.o.expectedModelVersion;
  if (!want) return undefined;
  const served = answer.modelVersion;
  if (served === undefined && !metadata.versions?.includes(want)) {
    probe.checks.push({ name: 'model version', passed: false, detail: `the server reports no model_version; expected ${want}` });
    return fail(
      `the server reports no model version (neither model_version in the infer response nor versions in the metadata); expected ${want}`,
    );
  }
  if (served !== undefined && served !== want) {
    probe.checks.push({
      name: 'model version',
      passed: false,
      detail: `the server answers with model_version ${served}; expected ${want}`,
    });
    return retry(`the server answers with model_version ${served}, waiting for ${want}`);
  }
  probe.checks.push({ name: 'model version', passed: true, detail: `model_version ${served ?? want}` });
  return undefined;
}

export async function oipAttempt(run: SmokeRun, probe: Probe, remaining: number): Promise<Outcome> {
  const metadata = await modelMetadata(run, probe, remaining);
  if (isOutcome(metadata)) return metadata;
  const listed = listedVersionOutcome(run, probe, metadata);
  if (listed) return listed;
  const inferred = await infer(run, probe, metadata);
  if (isOutcome(inferred)) return inferred;
  const served = servedVersionOutcome(run, probe, metadata, inferred.answer);
  if (served) return served;
  return contentChecks(run, probe, inferred.res, parseJsonText(inferred.res.body));
}
