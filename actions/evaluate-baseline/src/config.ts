import { UserError, inputValue } from '@ml-gate/core';
import {
  METRIC_NAMES,
  checkMetricFitsTask,
  parseShard,
  type ShardSpec,
  parseClassRegression,
  parseMetricName,
  parseThresholds,
  type EvaluationSettings,
  type MetricName,
  type Task,
} from '@ml-gate/core/evaluation';
import { INPUTS } from './inputs.js';
import {
  booleanInput,
  choiceInput,
  maskSecret,
  numberInput,
  onnxruntimeInput,
  optionalNumberInput,
  parseArtifactName,
  stringInput,
} from '@ml-gate/core/github';

/** Where partial results go (a shard) and come from (the merge): artifacts of this run named PREFIX-k-of-n, or a folder. */
export type PartialsLocation = { kind: 'artifact'; prefix: string } | { kind: 'directory'; path: string };

/** How the action publishes, whichever mode it runs in. */
interface Publishing {
  comment: boolean;
  token: string;
}

/** The inputs of action.yml, parsed once and validated: what core evaluates, and how it is published. */
export interface Config extends EvaluationSettings, Publishing {
  mode: 'evaluate';
  /** Score only this shard and write its partial (no decision). */
  shard?: ShardSpec;
  partials: PartialsLocation;
  /** Empty: no cache of the baseline's per-row results. */
  baselineCache: string;
  /** The workflow whose last successful run on the default branch holds an artifact: baseline. */
  baselineWorkflow: string;
}

/** mode: merge — only where the partials are and how to publish; every setting comes from the shards. */
export interface MergeConfig extends Publishing {
  mode: 'merge';
  partials: PartialsLocation;
}

/** The inputs a merge reads itself; any other must be left alone or equal the shards' (checkMergeInputs). */
export const MERGE_INPUTS = ['mode', 'partials', 'report', 'comment', 'github-token', 'onnxruntime-path'] as const;

/** The report path first, so that a bad value elsewhere still gets its report written. */
export function readReportPath(): string {
  return stringInput('report') || 'eval_report.json';
}

/** metric and task, which must agree when both are given (an auto task is checked once it is known). */
function readMetricAndTask(): { metric?: MetricName; task: Task | 'auto' } {
  const raw = stringInput('metric');
  const metric = raw
    ? inputValue('metric', parseMetricName(raw), { shown: raw.toLowerCase(), expected: `one of: ${METRIC_NAMES.join(', ')}` })
    : undefined;
  const task = choiceInput('task', ['auto', 'classification', 'regression'] as const, 'auto');
  if (metric && task !== 'auto') checkMetricFitsTask(metric, task, 'input');
  return { metric, task };
}

/**
 * significance-level: a test's level, at most 0.5. Above it a p-value "below the level" says
 * nothing (0.95 let a gain with p = 0.28 pass as significant): the likely meaning is confidence.
 */
function readSignificanceLevel(): number | undefined {
  const level = optionalNumberInput('significance-level', { min: 0, max: 1, exclusiveMin: true, exclusiveMax: true });
  if (level === undefined || level <= 0.5) return level;
  throw new UserError(`Input significance-level is '${level}'; expected a number > 0 and <= 0.5 (a test's level, such as 0.05).`, {
    input: 'significance-level',
    hint: `For "confidently better" at ${level}, set confidence: ${level} instead.`,
  });
}

/** How the improvement is judged: the decision rules, the bootstrap, the thresholds and guards. */
function readEvidenceSettings() {
  const thresholds = stringInput('thresholds');
  const classRegression = stringInput('max-class-regression');
  return {
    significanceLevel: readSignificanceLevel(),
    // below 0.5 a "lower" bound would sit above the improvement itself
    confidence: optionalNumberInput('confidence', { min: 0.5, max: 1, exclusiveMin: true, exclusiveMax: true }),
    replicates: numberInput('bootstrap-replicates', 2000, { min: 100, max: 100_000, integer: true }),
    seed: numberInput('seed', 1, { min: 0, max: 2 ** 32 - 1, integer: true }),
    // the parser's message names the line and what it expects
    thresholds: thresholds ? inputValue('thresholds', parseThresholds(thresholds)) : [],
    classRegression: classRegression
      ? inputValue('max-class-regression', parseClassRegression(classRegression), {
          shown: classRegression,
          expected: 'a number (the largest recall drop tolerated), or per metric "recall 0.05, f1 0.1"',
        })
      : undefined,
    topK: numberInput('top-k', 5, { min: 1, max: 1 << 20, integer: true }),
  };
}

/** Slice columns of the eval set and their guard. */
function readSliceSettings() {
  return {
    slices: stringInput('slices')
      .split(/[,\n]/)
      .map((name) => name.trim())
      .filter(Boolean),
    sliceNames: stringInput('slice-names'),
    minSliceRows: numberInput('min-slice-rows', 100, { min: 1, integer: true }),
    maxSliceRegression: optionalNumberInput('max-slice-regression', { min: 0 }),
  };
}

function readEvaluationSettings(): EvaluationSettings {
  const { metric, task } = readMetricAndTask();
  return {
    newModel: stringInput('new-model', { required: true }),
    baselineModel: stringInput('baseline-model'),
    evalData: stringInput('eval-data', { required: true }),
    features: stringInput('features') || 'features',
    labels: stringInput('labels') || 'labels',
    metric,
    task,
    minImprovement: numberInput('min-improvement', 0.01),
    ...readEvidenceSettings(),
    ...readSliceSettings(),
    inputName: stringInput('input-name'),
    outputName: stringInput('output-name'),
    missingBaseline: choiceInput('missing-baseline', ['pass', 'warn', 'fail'] as const, 'fail'),
    batchSize: numberInput('batch-size', 4096, { min: 1, max: 1 << 20, integer: true }),
    threads: numberInput('threads', 0, { min: 0, max: 1024, integer: true }),
    onnxruntime: onnxruntimeInput(),
  };
}

export function readConfig(): Config | MergeConfig {
  const mode = choiceInput('mode', ['evaluate', 'merge'] as const, 'evaluate');
  const publishing = { comment: booleanInput('comment', true), token: maskedInput('github-token') };
  const partials = readPartialsLocation();
  if (mode === 'merge') {
    if (stringInput('shard'))
      throw new UserError('Input shard is set with mode: merge; a merge job reads every shard and has none of its own.', {
        input: 'shard',
      });
    return { mode, partials, ...publishing };
  }
  const shard = stringInput('shard');
  return {
    mode,
    ...readEvaluationSettings(),
    ...publishing,
    shard: shard
      ? inputValue('shard', parseShard(shard), { shown: shard, expected: 'k/n, shard k of n (1 <= k <= n), such as ${{ matrix.shard }}/4' })
      : undefined,
    partials,
    baselineCache: stringInput('baseline-cache'),
    baselineWorkflow: stringInput('baseline-workflow'),
  };
}

/** Input partials: artifact:PREFIX (the default, artifact:evaluation-partial) or a folder. */
function readPartialsLocation(): PartialsLocation {
  const raw = stringInput('partials') || 'artifact:evaluation-partial';
  if (!raw.startsWith('artifact:')) return { kind: 'directory', path: raw };
  const prefix = raw.slice('artifact:'.length);
  // the prefix starts every shard's artifact name (PREFIX-k-of-n): it must be one itself
  const checked = parseArtifactName(prefix);
  if (!checked.ok) {
    throw new UserError(
      `Input partials is '${raw}'; expected artifact:PREFIX with a PREFIX usable in an artifact name, or a folder: ${checked.error}.`,
      {
        input: 'partials',
      },
    );
  }
  return { kind: 'artifact', prefix };
}

/**
 * A merge takes every setting from the shards' partials. An input given to the merge as well must
 * be left out or say what the shards were given: a merge job that sets another metric (or writes
 * missing-baseline: fail where the shards had pass) must not let the reader believe it decided.
 * Every such input defaults to '' in action.yml, so that left out and set are told apart.
 */
export function checkMergeInputs(shardInputs: Record<string, string>, declared: readonly string[]): void {
  for (const name of declared) {
    if ((MERGE_INPUTS as readonly string[]).includes(name)) continue;
    const value = stringInput(name);
    if (value === '' || value === shardInputs[name]) continue;
    const theirs = shardInputs[name] ? `'${shardInputs[name]}'` : 'its default';
    throw new UserError(
      `Input ${name} is '${value}' in the merge job, but the shards were given ${theirs}; a merge decides with the shards' settings.`,
      {
        input: name,
        hint: `Set ${name} on the shard jobs (or leave it out of the merge job).`,
      },
    );
  }
}

/** An input that holds a secret: masked in the log and registered for the redaction of every file written. */
function maskedInput(name: string): string {
  const value = stringInput(name);
  maskSecret(value);
  return value;
}

/** The inputs as the runner passed them, for a shard's manifest (a merge given other values refuses them); never the token. */
export function shardInputs(): Record<string, string> {
  return Object.fromEntries(INPUTS.filter((n) => n !== 'github-token').map((n) => [n, stringInput(n)]));
}
