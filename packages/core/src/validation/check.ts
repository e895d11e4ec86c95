/**
 * Every check of a validation, in the order the report lists them, with its title: one table, so
 * that a check has the same title whether it passed, failed or was skipped.
 */
export const CHECKS = {
  decodes: 'Decodes as ONNX',
  'runtime-support': 'IR version and opsets supported',
  signature: 'Signature',
  'batch-dimension': 'Batch dimension is symbolic',
  'external-data': 'External data',
  'initializers-finite': 'Weights are finite',
  size: 'Size',
  loads: 'Loads in onnxruntime',
  runs: 'Runs',
  'outputs-finite': 'Outputs are finite',
  'matches-reference': 'Matches the reference outputs',
  'batch-consistency': 'Batch of 1 = batch of N',
  deterministic: 'Deterministic',
} as const;

export type CheckId = keyof typeof CHECKS;

/** One check of a validation, as the report lists it. */
export interface Check {
  id: string;
  title: string;
  status: 'pass' | 'fail' | 'skip';
  detail: string;
}

export function pass(id: CheckId, detail: string): Check {
  return { id, title: CHECKS[id], status: 'pass', detail };
}
export function fail(id: CheckId, detail: string): Check {
  return { id, title: CHECKS[id], status: 'fail', detail };
}
export function skip(id: CheckId, detail: string): Check {
  return { id, title: CHECKS[id], status: 'skip', detail };
}

/** The check: failed with the problems found, or passed with `detail`. */
export function verdict(id: CheckId, problems: string[], detail: () => string): Check {
  return problems.length ? fail(id, problems.join('; ')) : pass(id, detail());
}

/** Every check listed after `id`, skipped for `reason` (the checks that need `id` to have passed). */
export function skipAfter(id: CheckId, reason: string): Check[] {
  const ids = Object.keys(CHECKS) as CheckId[];
  return ids.slice(ids.indexOf(id) + 1).map((later) => skip(later, reason));
}
