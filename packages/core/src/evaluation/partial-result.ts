/**
 * A shard's partial result: what one job of a sharded evaluation (`shard: k/n`) scored — the
 * unfinished sufficient statistics of its rows (accumulators.ts) — and a manifest that says what
 * exactly was scored, so that the merge can refuse partials that do not belong together: the
 * build of the action, the shard, the row range, the SHA-256 of both models and of the eval set,
 * and the settings that change the result (in clear and hashed). A partial never decides the gate.
 */
import { readFile, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';

import { UserError, fileProblem, messageOf, parseError, type ParseResult } from '../errors.js';
import { canonicalJson } from '../util/canonical-json.js';
import { sha256Hex } from '../util/hash.js';
import { redactSecrets } from '../util/secrets.js';
import type { EvaluationAccumulatorsJson } from './accumulators.js';
import type { RowRange } from './compare.js';
import type { EvaluationSettings } from './evaluate.js';
import type { EvaluationReport } from './evaluation-report.js';
import type { Task } from '../metrics/definitions.js';

export const PARTIAL_FORMAT = 'ml-gate/evaluate-baseline/partial/v1' as const;

/** Which code wrote a partial: the action, and the SHA-256 of its running bundle (any change to the code changes it). */
export interface Producer {
  action: string;
  build: string;
}

/** Shard `index` (1-based) of `count`. */
export interface ShardSpec {
  index: number;
  count: number;
}

/**
 * Every setting that changes the result: the evaluation's settings but the files' paths (their
 * contents are hashed instead) and where onnxruntime came from (its version counts).
 */
const RESULT_KEYS = [
  'features',
  'labels',
  'metric',
  'minImprovement',
  'significanceLevel',
  'confidence',
  'replicates',
  'seed',
  'thresholds',
  'classRegression',
  'topK',
  'slices',
  'sliceNames',
  'minSliceRows',
  'maxSliceRegression',
  'task',
  'inputName',
  'outputName',
  'missingBaseline',
  'batchSize',
  'threads',
] as const satisfies readonly (keyof EvaluationSettings)[];

/** Every key of EvaluationSettings is a result setting or one of these: a new setting cannot be left out by mistake. */
type NotResultKeys = 'newModel' | 'baselineModel' | 'evalData' | 'onnxruntime';
const EVERY_SETTING_SORTED: Exclude<keyof EvaluationSettings, (typeof RESULT_KEYS)[number] | NotResultKeys> extends never ? true : never =
  true;
void EVERY_SETTING_SORTED;

export type ResultSettings = Pick<EvaluationSettings, (typeof RESULT_KEYS)[number]> & { onnxruntimeVersion: string };

export interface PartialManifest {
  format: typeof PARTIAL_FORMAT;
  producer: Producer;
  shard: ShardSpec;
  rows: { total: number; start: number; end: number };
  sha256: { newModel: string; baselineModel: string | null; evalSet: string };
  settings: { sha256: string; values: ResultSettings };
  /** The shard's inputs as the runner passed them (a merge given other values refuses them). */
  inputs: Record<string, string>;
  /** SHA-256 of the rest of the manifest and of the body as written: a changed byte anywhere is caught. */
  contentSha256: string;
}

/** How the rows were scored: what the merge needs besides the statistics. */
export interface Scoring {
  task: Task;
  taskReason: string;
  classes: number | null;
  batchSize: number;
  /** Per model (new first). */
  inferenceMs: number[];
}

export interface PartialBody {
  /** The report as the shard filled it before any decision: models, eval set, task, settings, warnings. */
  report: EvaluationReport;
  scoring: Scoring;
  statistics: EvaluationAccumulatorsJson;
}

export interface PartialResult extends PartialBody {
  manifest: PartialManifest;
}

/** The settings that change the result, and their hash. */
export function resultSettings(s: EvaluationSettings, onnxruntimeVersion: string): PartialManifest['settings'] {
  // a setting left unset stays absent (JSON has no undefined), and comes back unset in the merge
  const picked = Object.fromEntries(RESULT_KEYS.filter((key) => s[key] !== undefined).map((key) => [key, s[key]]));
  const values = { ...picked, onnxruntimeVersion } as ResultSettings;
  return { sha256: sha256Hex(canonicalJson(values)), values };
}

/** The file name of shard `index` of `count`'s partial (also the artifact's name after its prefix). */
export function partialName({ index, count }: ShardSpec): string {
  return `partial-${index}-of-${count}`;
}

/** What contentSha256 is the SHA-256 of: the manifest without it, a line break, the body, as JSON. */
function contentText(manifest: Omit<PartialManifest, 'contentSha256'>, body: PartialBody): string {
  return `${JSON.stringify(manifest)}\n${JSON.stringify(body)}`;
}

/**
 * The partial as the text of its file: the manifest (holding the SHA-256 of it and the body), then
 * the body; like every file the action writes, with this run's secrets redacted (there should be none).
 */
export function serializePartial(given: Omit<PartialManifest, 'contentSha256'>, givenBody: PartialBody): string {
  const redacted = <T>(value: T) => JSON.parse(redactSecrets(JSON.stringify(value))) as T;
  const [manifest, body] = [redacted(given), redacted(givenBody)];
  const full: PartialManifest = { ...manifest, contentSha256: sha256Hex(contentText(manifest, body)) };
  return `{"manifest":${JSON.stringify(full)},"body":${JSON.stringify(body)}}\n`;
}

function badPartial(file: string, what: string, hint?: string): UserError {
  return new UserError(`The partial result ${file} ${what}.`, { input: 'partials', file, hint });
}

/** Reads a partial file, checking its format and its content hash; a UserError names the file. */
export async function readPartial(file: string): Promise<PartialResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw badPartial(file, fileProblem(e));
  }
  let parsed: { manifest?: PartialManifest; body?: PartialBody };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch (e) {
    throw badPartial(file, `is not JSON (${messageOf(e)}): it may have been cut short`);
  }
  const { manifest, body } = parsed;
  if (!manifest || !body || manifest.format !== PARTIAL_FORMAT) {
    const format = typeof manifest?.format === 'string' ? `format '${manifest.format}'` : 'no format';
    throw badPartial(
      file,
      `has ${format}; expected '${PARTIAL_FORMAT}', written by evaluate-baseline with shard: k/n`,
      'Every shard and the merge must use the same version of the action.',
    );
  }
  const { contentSha256, ...rest } = manifest;
  if (sha256Hex(contentText(rest, body)) !== contentSha256) {
    throw badPartial(file, 'does not match the SHA-256 its manifest records: it was changed or damaged after it was written');
  }
  return { manifest, ...body };
}

/** "shard 2 of 3 (partial-2-of-3.json)" */
export function describeShard(shard: ShardSpec, file: string): string {
  return `shard ${shard.index} of ${shard.count} (${file})`;
}

/** A range as messages write it: "rows 0..4095" (inclusive), "no rows". */
export function describeRows({ start, end }: RowRange): string {
  return end > start ? `rows ${start}..${end - 1}` : 'no rows';
}

/** The most shards: a matrix has at most 256 jobs, and several matrices may share an evaluation. */
export const MAX_SHARDS = 4096;

/** Input shard: "k/n", shard k (1-based) of n. */
export function parseShard(text: string): ParseResult<ShardSpec> {
  const match = /^(\d+)\s*\/\s*(\d+)$/.exec(text.trim());
  if (!match) return parseError('it is not of the form k/n');
  const [index, count] = [Number(match[1]), Number(match[2])];
  if (count < 1 || count > MAX_SHARDS) return parseError(`n must be 1..${MAX_SHARDS}`);
  if (index < 1 || index > count) return parseError(`k must be 1..n (${count})`);
  return { ok: true, value: { index, count } };
}

const PARTIAL_FILE = /^partial-(\d+)-of-(\d+)\.json$/;

/**
 * The partial files under `dir`, at any depth (actions/download-artifact puts each artifact in a
 * folder of its own), sorted by path. A folder that cannot be read is a UserError naming it.
 */
export async function findPartialFiles(dir: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(dir, { recursive: true });
  } catch (e) {
    throw new UserError(`Input partials is '${dir}', a folder that ${fileProblem(e, 'a folder')}.`, {
      input: 'partials',
      hint: 'Give the folder the shards wrote their partials to (shard: k/n with the same partials), or artifact:PREFIX.',
    });
  }
  return entries
    .filter((e) => PARTIAL_FILE.test(basename(e)))
    .map((e) => join(dir, e))
    .sort();
}
