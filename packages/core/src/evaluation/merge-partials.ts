/**
 * The merge of a sharded evaluation (`mode: merge`): reads every shard's partial result, refuses
 * any set that does not make up exactly one evaluation — a shard missing or given twice, rows
 * missing or scored twice, another model, eval set, setting or build of the action — naming the
 * shard, then adds the statistics up in row order and decides the gate as one unsharded run would:
 * the merged report equals that run's but for timings and the shard list.
 */
import { UserError, messageOf } from '../errors.js';
import { canonicalJson } from '../util/canonical-json.js';
import { sha256Hex } from '../util/hash.js';
import { EvaluationAccumulators } from './accumulators.js';
import { finishComparison } from './compare.js';
import { concludeEvaluation, type EvaluationSettings } from './evaluate.js';
import type { EvaluationReport } from './evaluation-report.js';
import { describeRows, describeShard, type PartialResult, type Producer, type ResultSettings } from './partial-result.js';

/** A partial and the file it was read from (messages name it). */
export interface LoadedPartial {
  file: string;
  partial: PartialResult;
}

function refuse(message: string, file?: string, hint?: string): UserError {
  return new UserError(message, { input: 'partials', file, hint });
}

const SAME_REF_HINT = 'Every shard and the merge must run the same `uses:` ref of evaluate-baseline.';

/** The partials as one set: each shard 1..n exactly once, all written by this build; returns them in shard order. */
function checkShardSet(loaded: readonly LoadedPartial[], producer: Producer): LoadedPartial[] {
  if (loaded.length === 0)
    throw refuse(
      'No partial results were found to merge.',
      undefined,
      'Run the shard jobs (shard: k/n) first, with the same partials input.',
    );
  for (const { file, partial } of loaded) {
    const p = partial.manifest.producer;
    if (p?.action !== producer.action || p.build !== producer.build) {
      throw refuse(
        `The partial ${file} of ${describeShard(partial.manifest.shard, file)} was written by another build of ${p?.action ?? 'an unknown action'} ` +
          `(bundle SHA-256 ${p?.build ?? 'none'}), not this one (${producer.build}).`,
        file,
        SAME_REF_HINT,
      );
    }
  }
  const count = loaded[0].partial.manifest.shard.count;
  const byIndex = new Map<number, LoadedPartial>();
  for (const l of loaded) {
    const { index, count: n } = l.partial.manifest.shard;
    if (!Number.isInteger(index) || index < 1 || index > n)
      throw refuse(`The partial ${l.file} says it is shard ${index} of ${n}, which no shard is.`, l.file);
    if (n !== count) {
      throw refuse(
        `The partials disagree on the number of shards: ${describeShard(l.partial.manifest.shard, l.file)} against ${count} in ${loaded[0].file}.`,
        l.file,
        'Two sharded evaluations in one workflow run need a partials prefix each (partials: artifact:PREFIX).',
      );
    }
    const twice = byIndex.get(index);
    if (twice)
      throw refuse(
        `Shard ${index} of ${count} was given twice: ${twice.file} and ${l.file}.`,
        l.file,
        'Each shard must upload one partial; a re-run job replaces its artifact.',
      );
    byIndex.set(index, l);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length) {
    throw refuse(
      `Shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${count} ${missing.length > 1 ? 'are' : 'is'} missing: ${byIndex.size} of ${count} partials were found.`,
      undefined,
      'The merge needs every shard: make it `needs:` the shard jobs, and check that none failed.',
    );
  }
  return Array.from({ length: count }, (_, i) => byIndex.get(i + 1)!);
}

/** Every shard scored the same models, eval set and settings as shard 1, and the rows fit end to end. */
function checkSameEvaluation(shards: readonly LoadedPartial[]): void {
  const [first] = shards;
  const m1 = first.partial.manifest;
  let end = 0;
  for (const { file, partial } of shards) {
    const m = partial.manifest;
    const shard = describeShard(m.shard, file);
    const differs = (what: string, mine: unknown, theirs: unknown) =>
      refuse(
        `The partial of ${shard} scored ${what} ${String(mine)}; shard 1 (${first.file}) scored ${String(theirs)}.`,
        file,
        'Every shard must evaluate the same files with the same inputs.',
      );
    if (m.sha256.newModel !== m1.sha256.newModel) throw differs('a new model of SHA-256', m.sha256.newModel, m1.sha256.newModel);
    if (m.sha256.baselineModel !== m1.sha256.baselineModel)
      throw differs('a baseline of SHA-256', m.sha256.baselineModel ?? 'none', m1.sha256.baselineModel ?? 'none');
    if (m.sha256.evalSet !== m1.sha256.evalSet) throw differs('an eval set of SHA-256', m.sha256.evalSet, m1.sha256.evalSet);
    if (m.rows.total !== m1.rows.total) throw differs('an eval set of rows', m.rows.total, m1.rows.total);
    if (sha256Hex(canonicalJson(m.settings.values)) !== m.settings.sha256) {
      throw refuse(`The partial of ${shard} records settings whose SHA-256 is not the one it records for them.`, file, SAME_REF_HINT);
    }
    if (partial.statistics.all.rows !== m.rows.end - m.rows.start) {
      throw refuse(
        `The partial of ${shard} holds the statistics of ${partial.statistics.all.rows} rows for ${describeRows(m.rows)}.`,
        file,
      );
    }
    if (m.settings.sha256 !== m1.settings.sha256) {
      throw refuse(
        `The partial of ${shard} was made with other settings than shard 1 (${first.file}): ${differingSettings(m.settings.values, m1.settings.values)}.`,
        file,
        'Every shard must evaluate the same files with the same inputs.',
      );
    }
    if (m.rows.start !== end) {
      const what =
        m.rows.start > end
          ? `rows ${end}..${m.rows.start - 1} are scored by no shard`
          : `rows ${m.rows.start}..${end - 1} are scored twice`;
      throw refuse(`The partial of ${shard} covers ${describeRows(m.rows)}, but the shards before it end at row ${end}: ${what}.`, file);
    }
    end = m.rows.end;
    const s = partial.scoring;
    if (s.task !== first.partial.scoring.task || s.classes !== first.partial.scoring.classes) {
      throw differs(
        'a task of',
        `${s.task} (${s.classes ?? '-'} classes)`,
        `${first.partial.scoring.task} (${first.partial.scoring.classes ?? '-'} classes)`,
      );
    }
  }
  if (end !== m1.rows.total)
    throw refuse(
      `The shards end at row ${end}, but the eval set has ${m1.rows.total} rows: rows ${end}..${m1.rows.total - 1} are scored by no shard.`,
    );
}

/** "seed 7 there, 1 in shard 1; metric ..." */
function differingSettings(mine: object, theirs: object): string {
  const a = mine as Record<string, unknown>;
  const b = theirs as Record<string, unknown>;
  const shown = (v: unknown) => (v === null || v === undefined ? 'unset' : JSON.stringify(v));
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const diffs = keys.filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
  return diffs.map((k) => `${k} ${shown(a[k])} there, ${shown(b[k])} in shard 1`).join('; ') || 'the settings hash differs';
}

/** Shard 1's report as the base of the merged one: everything but the timings is the same in every shard. */
function adoptReport(report: EvaluationReport, first: EvaluationReport): void {
  const scored: Partial<EvaluationReport> = structuredClone(first);
  // this run's own: when and where it ran
  delete scored.schema;
  delete scored.createdAt;
  delete scored.run;
  Object.assign(report, scored);
  delete report.shard;
  delete report.error;
  // known once merged; a shard's cache use is its own (the shard list keeps it)
  for (const model of [report.models.new, report.models.baseline]) {
    delete model?.outputKind;
    delete model?.cache;
  }
}

/**
 * Merges the partials into `report` and decides the gate under the shards' settings (returned, with
 * the paths as the shards named them). Throws a UserError naming the shard for any set that is not
 * exactly one evaluation, or a partial that does not parse.
 */
export function mergePartials(
  loaded: readonly LoadedPartial[],
  report: EvaluationReport,
  producer: Producer,
  /** Checks the merge's own inputs against the shards' (once the partials are known to be one evaluation). */
  checkInputs?: (shardInputs: Record<string, string>) => void,
): EvaluationSettings {
  const shards = checkShardSet(loaded, producer);
  checkSameEvaluation(shards);
  checkInputs?.(shards[0].partial.manifest.inputs);
  const first = shards[0].partial;
  let merged: EvaluationAccumulators | undefined;
  for (const { file, partial } of shards) {
    let acc: EvaluationAccumulators;
    try {
      acc = EvaluationAccumulators.fromJSON(partial.statistics);
      if (merged) merged.merge(acc);
    } catch (e) {
      throw refuse(
        `The statistics in the partial of ${describeShard(partial.manifest.shard, file)} cannot be read: ${messageOf(e)}.`,
        file,
        SAME_REF_HINT,
      );
    }
    merged ??= acc;
  }
  adoptReport(report, first.report);
  const models = shards[0].partial.scoring.inferenceMs.length;
  const inferenceMs = Array.from({ length: models }, (_, i) => shards.reduce((sum, s) => sum + s.partial.scoring.inferenceMs[i], 0));
  const rest: Partial<ResultSettings> = { ...first.manifest.settings.values };
  delete rest.onnxruntimeVersion;
  const settings: EvaluationSettings = {
    ...(rest as Omit<ResultSettings, 'onnxruntimeVersion'>),
    newModel: report.models.new?.path ?? '',
    baselineModel: report.models.baseline?.path ?? '',
    evalData: report.evalSet?.path ?? '',
    onnxruntime: {},
  };
  const total = first.manifest.rows.total;
  const scoring = first.scoring;
  const comparison = finishComparison({
    ...scoring,
    classes: scoring.classes ?? undefined,
    rows: total,
    range: { start: 0, end: total },
    inferenceMs,
    accumulators: merged!,
  });
  report.shards = shards.map(({ partial }) => ({
    ...partial.report.shard!,
    inferenceMs: partial.scoring.inferenceMs,
    ...(partial.report.models.baseline?.cache ? { baselineCache: partial.report.models.baseline.cache } : {}),
  }));
  concludeEvaluation(report, settings, comparison);
  return settings;
}
