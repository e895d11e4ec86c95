// The checks of an answer the status check accepted: expect-body, expect-json, parity. Each
// records its check in the probe and returns what failed, for the attempt's reason.
import type { ParseResult } from '../errors.js';
import { bodyMatches, describeBodyExpectation } from '../http/body-match.js';
import { checkJsonExpectation } from '../http/json-path.js';
import type { HttpResponse } from '../http/request.js';
import { truncate } from '../http/text.js';
import { compareOutputs, describeParity, type ParityTensor } from '../oip/parity.js';
import { parseInferResponse, type OipRequestTensor } from '../oip/protocol.js';
import { checksOutcome, type Outcome } from './outcome.js';
import type { Probe, SmokeRun } from './probe.js';
import type { ParityCheck } from './smoke-options.js';

function bodyCheck(run: SmokeRun, probe: Probe, res: HttpResponse): string[] {
  const expectation = run.o.expectBody;
  if (!expectation) return [];
  const ok = bodyMatches(res.body, expectation);
  const detail = `body ${describeBodyExpectation(expectation)}${ok ? '' : `; it starts ${JSON.stringify(truncate(res.body, 120))}`}`;
  probe.checks.push({ name: 'expect-body', passed: ok, detail });
  return ok ? [] : [detail];
}

function jsonChecks(run: SmokeRun, probe: Probe, res: HttpResponse, json: ParseResult<unknown>): string[] {
  const failed: string[] = [];
  for (const e of run.o.expectJson) {
    const c = json.ok
      ? checkJsonExpectation(json.value, e)
      : { passed: false, detail: `${e.path.text}: the response is not JSON (${truncate(res.body, 80)})` };
    probe.checks.push({ name: 'expect-json', passed: c.passed, detail: c.detail });
    if (!c.passed) failed.push(`expect-json line ${e.line}: ${c.detail}`);
  }
  return failed;
}

/** The local model's outputs for these inputs: computed once, kept for the next attempts. */
async function localOutputs(run: SmokeRun, parity: ParityCheck, inputs: OipRequestTensor[]): Promise<ParityTensor[]> {
  const key = JSON.stringify(inputs.map((t) => [t.name, t.datatype, t.shape]));
  if (run.localOutputs?.key !== key) run.localOutputs = { key, outputs: await parity.run(inputs) };
  return run.localOutputs.outputs;
}

async function parityCheck(run: SmokeRun, probe: Probe, json: ParseResult<unknown>): Promise<string[]> {
  const parity = run.o.parity;
  if (!parity || !probe.inputs || !json.ok) return [];
  const served = parseInferResponse(json.value);
  if (!served.ok) return [served.error];
  const p = compareOutputs(served.value.outputs, await localOutputs(run, parity, probe.inputs), parity);
  probe.parity = { ...p, model: parity.model };
  const detail = `${p.passed ? 'the server computes what' : 'the server does NOT compute what'} ${parity.model} computes: ${describeParity(p)}`;
  probe.checks.push({ name: 'parity', passed: p.passed, detail });
  return p.passed ? [] : [`parity: ${detail}`];
}

/** The content checks of an answer the status check accepted; a failure is retried only under retry-on checks. */
export async function contentChecks(run: SmokeRun, probe: Probe, res: HttpResponse, json: ParseResult<unknown>): Promise<Outcome> {
  const failed = [...bodyCheck(run, probe, res), ...jsonChecks(run, probe, res, json), ...(await parityCheck(run, probe, json))];
  return checksOutcome(run.o, failed);
}
