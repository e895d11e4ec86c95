/**
 * baseline-cache: the baseline's per-row results — what the statistics read of a scored batch, no
 * more — kept between runs in a verified row cache (row-cache.ts), so that a run with the same
 * baseline, eval set and settings skips the baseline's inference. For a classifier: the predicted
 * class (under each reading that predicts differently), the per-row log-loss, Brier score and
 * top-class confidence under the readings that can still hold, the top-k hit, and the raw scores
 * only when the rank metrics keep them; for a regression, the predictions. The numbers are read
 * back bit for bit, so the statistics of a hit are those of the run that wrote it.
 */
import type { Task } from '../metrics/definitions.js';
import type { ScoredBatch } from './row-values.js';
import { RowCacheReader, RowCacheWriter, type CacheKey, type ColumnArray, type ColumnSpec } from './row-cache.js';

/** Where the cache is and the key of this run's entry (the caller hashes what it depends on). */
export interface BaselineCacheSettings {
  dir: string;
  key: CacheKey;
}

/** What the report says of the cache: hit, or a miss and why (then the entry is written). */
export interface BaselineCacheStatus {
  status: 'hit' | 'miss' | 'unused';
  /** Why a miss ("no entry", "loss1.bin: SHA-256 differs from the manifest"), or why unused (no rows). */
  reason?: string;
  dir: string;
}

const READING_COLUMNS = ['loss', 'brier', 'confidence'] as const;

/** A column of the probability reading (reading 0): kept only while every row was a distribution. */
function isProbabilityReadingColumn(name: string): boolean {
  return /^(loss|brier|confidence)0$/.test(name);
}

/** The columns a model's batch fills: which depend on the task, the output and whether raw scores are kept (`keepScores`). */
function columnsOf(task: Task, model: ScoredBatch, keepScores: boolean): ColumnSpec[] {
  if (task === 'regression') return [{ name: 'scores', type: 'float64', width: model.width }];
  const v = model.values!;
  const columns: ColumnSpec[] = [{ name: 'predicted0', type: 'int32' }];
  if (v.predicted[1] !== v.predicted[0]) columns.push({ name: 'predicted1', type: 'int32' });
  if (v.hasScores) for (const r of [0, 1]) for (const c of READING_COLUMNS) columns.push({ name: `${c}${r}`, type: 'float64' });
  if (v.topKHit) columns.push({ name: 'topKHit', type: 'uint8' });
  if (keepScores) columns.push({ name: 'scores', type: 'float64', width: model.width });
  return columns;
}

/** The model's arrays by column name (the same arrays every batch). */
function arraysOf(model: ScoredBatch): Record<string, ColumnArray> {
  const v = model.values;
  if (!v) return { scores: model.scores };
  const arrays: Record<string, ColumnArray> = { predicted0: v.predicted[0], predicted1: v.predicted[1], scores: model.scores };
  for (const r of [0, 1] as const) {
    arrays[`loss${r}`] = v.loss[r];
    arrays[`brier${r}`] = v.brier[r];
    arrays[`confidence${r}`] = v.confidence[r];
  }
  if (v.topKHit) arrays.topKHit = v.topKHit;
  return arrays;
}

/** The columns that hold once every row is in: the probability reading's only while every row was a distribution. */
function columnsToKeep(columns: readonly ColumnSpec[], model: ScoredBatch): string[] {
  const possible = model.values?.probabilitiesPossible ?? true;
  return columns.map((c) => c.name).filter((name) => possible || !isProbabilityReadingColumn(name));
}

/** The baseline's results read from a verified entry, batch by batch, instead of running it. */
export class CachedBaseline {
  /** The next batch's rows, read ahead into arrays of their own while this batch is scored. */
  private ahead?: { offset: number; n: number; done: Promise<void> };
  private readonly staging: Record<string, ColumnArray>;

  private readonly arrays: Record<string, ColumnArray>;

  /** `columns`: the ones the reader was opened with, read into the model's arrays of those names. */
  private constructor(
    private readonly reader: RowCacheReader,
    model: ScoredBatch,
    columns: readonly ColumnSpec[],
  ) {
    const all = arraysOf(model);
    this.arrays = Object.fromEntries(columns.map((c) => [c.name, all[c.name]]));
    this.staging = Object.fromEntries(columns.map((c) => [c.name, all[c.name].slice()]));
  }

  /**
   * Opens the entry for these rows: a hit when it holds every column this run needs (the readings'
   * columns as the writer left them), else a miss and why.
   */
  static async open(
    cache: BaselineCacheSettings,
    task: Task,
    model: ScoredBatch,
    keepScores: boolean,
  ): Promise<{ cached: CachedBaseline } | { miss: string }> {
    const all = columnsOf(task, model, keepScores);
    const full = await RowCacheReader.open(cache.dir, cache.key, all);
    if ('reader' in full)
      return { cached: new CachedBaseline(full.reader, model, all).settle(model, full.reader.extra.probabilitiesPossible === true) };
    // the probability reading's columns are kept only while it could hold: without them (the manifest
    // says so before anything is hashed), the entry is one of an output that turned out to be logits
    const lasting = all.filter((c) => !isProbabilityReadingColumn(c.name));
    if (lasting.length === all.length) return full;
    const logits = await RowCacheReader.open(cache.dir, cache.key, lasting);
    if ('miss' in logits) return logits;
    if (logits.reader.extra.probabilitiesPossible !== false) {
      await logits.reader.close();
      return { miss: 'the entry keeps no probability-reading columns, yet does not say the output was logits' };
    }
    return { cached: new CachedBaseline(logits.reader, model, lasting).settle(model, false) };
  }

  /** The readings as the entry's rows left them: a reading ruled out there is ruled out from the first row. */
  private settle(model: ScoredBatch, probabilitiesPossible: boolean): this {
    if (model.values) model.values.probabilitiesPossible = model.values.outputIsLabels || probabilitiesPossible;
    return this;
  }

  /**
   * Fills the model's arrays with rows [offset, offset + n) of the entry (offset: from the first row
   * of the range), then reads the next n rows ahead, as the features of the next batch are read
   * while this one is scored.
   */
  async fill(offset: number, n: number): Promise<void> {
    const ahead = this.ahead;
    this.ahead = undefined;
    if (ahead && ahead.offset === offset && ahead.n >= n) {
      await ahead.done;
      // whole arrays (a batch's worth, ~30 bytes a row): rows past n are never read
      for (const [name, array] of Object.entries(this.arrays)) array.set(this.staging[name]);
    } else {
      await ahead?.done.catch(() => {});
      await this.reader.read(offset, n, this.arrays);
    }
    const next = offset + n;
    const count = Math.min(n, this.reader.rows - next);
    if (count > 0) {
      const done = this.reader.read(next, count, this.staging);
      // observed at once: a failed read ahead is reported by the fill that needs it
      done.catch(() => {});
      this.ahead = { offset: next, n: count, done };
    }
  }

  async close(): Promise<void> {
    await this.ahead?.done.catch(() => {});
    return this.reader.close();
  }
}

/** Writes the baseline's results of a pass into a new entry, committed once every row is in. */
export class BaselineRecorder {
  private constructor(
    private readonly writer: RowCacheWriter,
    private readonly columns: ColumnSpec[],
    private readonly arrays: Record<string, ColumnArray>,
  ) {}

  static async create(
    cache: BaselineCacheSettings,
    task: Task,
    model: ScoredBatch,
    keepScores: boolean,
    rows: number,
  ): Promise<BaselineRecorder> {
    const columns = columnsOf(task, model, keepScores);
    return new BaselineRecorder(await RowCacheWriter.create(cache.dir, cache.key, columns, rows), columns, arraysOf(model));
  }

  /** Appends the model's current batch (n rows); the arrays must not change until it resolves. */
  append(n: number): Promise<void> {
    return this.writer.append(this.arrays, n);
  }

  /** After the last row: keeps the columns that hold and puts the entry in place. */
  commit(model: ScoredBatch): Promise<void> {
    const probabilitiesPossible = model.values ? model.values.readingState().probabilitiesPossible : true;
    return this.writer.commit(columnsToKeep(this.columns, model), { probabilitiesPossible });
  }

  abort(): Promise<void> {
    return this.writer.abort();
  }
}
