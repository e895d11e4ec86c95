/**
 * Leakage between a training set and an evaluation set: evaluation rows that also occur in the
 * training set, rows a set repeats, and a label whose distribution moved between the two — each
 * with a count in the report and a threshold.
 *
 * Usage: `indexTrainingRows(train, settings)` (one pass over the training set), then a
 * `LeakageObserver` in the engine's pass over the evaluation set, then `finish()`.
 */
import { UserError } from '../../errors.js';
import { CategoryCounter } from '../drift/accumulators.js';
import { chiSquareHomogeneity, jensenShannonDistance } from '../drift/statistics.js';
import type { ColumnInfo, ColumnValues, TableSource } from '../table.js';
import { jsonValue } from '../values.js';
import { HashSet64, RowHasher } from './row-hash.js';

export interface LeakageSettings {
  /** Columns left out of the row comparison (ids, timestamps). The label may be among them: it is still compared as a distribution. */
  ignore?: readonly string[];
  /** The label column, whose distribution is compared between the sets. */
  label?: string;
  /** Evaluation rows allowed to also occur in the training set (default 0). */
  maxOverlapRows?: number;
  /** Largest share of a set's rows that repeat an earlier row of it (0 to 1); null (default): reported, never fails. */
  maxDuplicateFraction?: number | null;
  /**
   * Largest Jensen-Shannon distance (natural log) between the label distributions (default 0.1;
   * null: reported only). The distance decides, not the chi-square p-value: on a large evaluation
   * set a p-value is tiny for a shift of no consequence (a 1-point move of a class share over
   * 100,000 rows gives p < 1e-10), while the distance measures the size of the move whatever the
   * rows. The p-value is reported beside it.
   */
  maxLabelShift?: number | null;
  batchRows?: number;
}

/** Distinct label values counted; past it the label is not compared (a regression target, not classes). */
const MAX_LABEL_CLASSES = 10_000;
/** Overlapping rows listed in the report. */
const OVERLAP_EXAMPLES = 20;

export interface TrainingIndex {
  path: string;
  rows: number;
  /** The columns hashed, in order (the training set's, minus settings.ignore). */
  columns: string[];
  ignored: string[];
  hashes: HashSet64;
  duplicates: number;
  label?: CategoryCounter;
  settings: LeakageSettings;
}

function labelCounter(label: string | undefined, columns: readonly ColumnInfo[], path: string): CategoryCounter | undefined {
  if (label === undefined || label === '') return undefined;
  if (!columns.some((c) => c.name === label)) {
    throw new UserError(`The label column '${label}' is not in ${path}.`, {
      file: path,
      hint: `Its columns: ${columns.map((c) => c.name).join(', ')}.`,
    });
  }
  return new CategoryCounter(MAX_LABEL_CLASSES);
}

/** Hashes the rows of one batch (the first `hashed` columns) into `hasher`. */
function hashBatch(hasher: RowHasher, columns: readonly ColumnValues[], hashed: number, rows: number): void {
  hasher.start(rows);
  for (let c = 0; c < hashed; c++) hasher.add(columns[c]);
}

/**
 * One pass over the training set: each row's 64-bit hash into a compact set (with the row where
 * it first occurred), the rows that repeat an earlier one, and the label's counts.
 */
export async function indexTrainingRows(train: TableSource, settings: LeakageSettings = {}): Promise<TrainingIndex> {
  const ignore = new Set(settings.ignore ?? []);
  const columns = train.columns.map((c) => c.name).filter((c) => !ignore.has(c));
  const ignored = train.columns.map((c) => c.name).filter((c) => ignore.has(c));
  if (columns.length === 0)
    throw new UserError(`Every column of ${train.path} is in leakage-ignore: no row is left to compare.`, { file: train.path });
  const label = labelCounter(settings.label, train.columns, train.path);
  const read = label ? [...columns, settings.label!] : columns;
  const hashes = new HashSet64(train.rows ? Math.ceil((train.rows * 4) / 3) + 1 : undefined);
  const hasher = new RowHasher();
  let rows = 0;
  let duplicates = 0;
  for await (const batch of train.batches({ columns: read, batchRows: settings.batchRows })) {
    hashBatch(hasher, batch.columns, columns.length, batch.rows);
    for (let i = 0; i < batch.rows; i++) if (hashes.add(hasher.hashA(i), hasher.hashB(i), rows + i) >= 0) duplicates++;
    label?.observe(batch.columns[columns.length], batch.rows);
    rows += batch.rows;
  }
  return { path: train.path, rows, columns, ignored, hashes, duplicates, label, settings };
}

export interface DuplicateCount {
  /** Rows that repeat an earlier row of the same set. */
  rows: number;
  fraction: number;
  threshold: number | null;
  exceeded: boolean;
}

export interface LabelShift {
  label: string;
  /** The classes (train's first, most frequent first, then those only the evaluation set has) and the counts of each set. */
  classes?: (string | number | boolean | null)[];
  train?: number[];
  eval?: number[];
  missing: { train: number; eval: number };
  js?: number;
  chiSquare?: { statistic: number; dof: number; pValue: number };
  threshold: number | null;
  exceeded: boolean;
  skipped?: string;
}

export interface LeakageResult {
  /** The columns a row is compared on, and those left out. */
  columns: string[];
  ignored: string[];
  rows: { train: number; eval: number };
  overlap: {
    /** Evaluation rows equal to some training row. */
    rows: number;
    fraction: number;
    threshold: number;
    exceeded: boolean;
    /** The first of them: 1-based row numbers in the evaluation set and in the training set (the first equal row). */
    examples: { evalRow: number; trainRow: number }[];
  };
  duplicates: { train: DuplicateCount; eval: DuplicateCount };
  labelShift?: LabelShift;
  /** The row hash: 64 bits; the expected number of overlaps and duplicates reported by a collision alone. */
  hash: { bits: 64; expectedFalseMatches: number };
  passed: boolean;
  summary: string;
}

function duplicateCount(rows: number, duplicates: number, threshold: number | null): DuplicateCount {
  const fraction = rows === 0 ? 0 : duplicates / rows;
  return { rows: duplicates, fraction, threshold, exceeded: threshold !== null && fraction > threshold };
}

function labelShift(label: string, train: CategoryCounter, evalCounts: CategoryCounter, threshold: number | null): LabelShift {
  const missing = { train: train.missing, eval: evalCounts.missing };
  if (train.overflowed || evalCounts.overflowed) {
    return {
      label,
      missing,
      threshold,
      exceeded: false,
      skipped: `more than ${MAX_LABEL_CLASSES.toLocaleString('en-US')} distinct labels: not classes`,
    };
  }
  const tm = train.categories();
  const t = [...tm].sort((x, y) => y[1].count - x[1].count || (x[0] < y[0] ? -1 : 1));
  const e = evalCounts.categories();
  const keys = [...t.map(([k]) => k), ...[...e.keys()].filter((k) => !tm.has(k))];
  const cells = new Map([...e, ...t]);
  const trainCounts = keys.map((k) => tm.get(k)?.count ?? 0);
  const evalCountsList = keys.map((k) => e.get(k)?.count ?? 0);
  const base = {
    label,
    classes: keys.map((k) => jsonValue(cells.get(k)!.cell)),
    train: trainCounts,
    eval: evalCountsList,
    missing,
    threshold,
  };
  if (trainCounts.every((c) => c === 0) || evalCountsList.every((c) => c === 0)) {
    return { ...base, exceeded: false, skipped: `no labels in the ${trainCounts.every((c) => c === 0) ? 'training' : 'evaluation'} set` };
  }
  const js = jensenShannonDistance(trainCounts, evalCountsList);
  const chiSquare = chiSquareHomogeneity(trainCounts, evalCountsList);
  return { ...base, js, chiSquare, exceeded: threshold !== null && js > threshold };
}

/** The verdict line: "no overlap; 12 duplicate training rows (0.1%); label shift JS 0.02". */
function summarize(r: Omit<LeakageResult, 'passed' | 'summary'>): string {
  const pct = (f: number): string => `${(100 * f).toPrecision(2)}%`;
  const parts = [
    r.overlap.rows === 0
      ? 'no evaluation row occurs in the training set'
      : `${r.overlap.rows.toLocaleString('en-US')} evaluation rows (${pct(r.overlap.fraction)}) occur in the training set`,
  ];
  for (const [set, d] of [
    ['training', r.duplicates.train],
    ['evaluation', r.duplicates.eval],
  ] as const) {
    if (d.rows > 0) parts.push(`${d.rows.toLocaleString('en-US')} duplicate ${set} rows (${pct(d.fraction)})`);
  }
  if (r.labelShift?.js !== undefined) parts.push(`label shift JS ${r.labelShift.js.toPrecision(2)}`);
  return parts.join('; ');
}

/**
 * The evaluation set's pass: construct with the training index and the evaluation set's columns
 * (a column in one set only, not ignored: UserError), feed it every batch of its `columns`, then
 * `finish()`. Its own row-hash set (the evaluation set's duplicates, 8 bytes a slot: 11 to 21
 * bytes per distinct row) grows with the evaluation set's distinct rows, as the training index
 * (16 to 32 bytes per distinct training row) does with the training set's: inherent to finding
 * repeats without a second pass.
 */
export class LeakageObserver {
  readonly columns: readonly string[];
  private readonly hasher = new RowHasher();
  private readonly seen = new HashSet64(1 << 16, false);
  private readonly label?: CategoryCounter;
  private rows = 0;
  private overlap = 0;
  private duplicates = 0;
  private readonly examples: { evalRow: number; trainRow: number }[] = [];

  constructor(
    readonly index: TrainingIndex,
    evalColumns: readonly ColumnInfo[],
    evalPath = 'the evaluation set',
  ) {
    const ignore = new Set(index.settings.ignore ?? []);
    const names = evalColumns.map((c) => c.name);
    const extra = names.filter((c) => !ignore.has(c) && !index.columns.includes(c));
    const absent = index.columns.filter((c) => !names.includes(c));
    if (extra.length > 0 || absent.length > 0) {
      const which = [...absent.map((c) => `'${c}' is in ${index.path} only`), ...extra.map((c) => `'${c}' is in ${evalPath} only`)];
      throw new UserError(`The training and evaluation sets must have the same columns to compare rows: ${which.join(', ')}.`, {
        file: index.path,
        hint: 'List columns one set lacks (ids, timestamps) in leakage-ignore.',
      });
    }
    this.label = index.label ? labelCounter(index.settings.label, evalColumns, evalPath) : undefined;
    this.columns = this.label ? [...index.columns, index.settings.label!] : [...index.columns];
  }

  observe(values: readonly ColumnValues[], rows: number): void {
    const hashed = this.index.columns.length;
    hashBatch(this.hasher, values, hashed, rows);
    const train = this.index.hashes;
    for (let i = 0; i < rows; i++) {
      const a = this.hasher.hashA(i);
      const b = this.hasher.hashB(i);
      const row = this.rows + i;
      if (this.seen.add(a, b, row) >= 0) this.duplicates++;
      const trainRow = train.get(a, b);
      if (trainRow >= 0) {
        this.overlap++;
        if (this.examples.length < OVERLAP_EXAMPLES) this.examples.push({ evalRow: row + 1, trainRow: trainRow + 1 });
      }
    }
    this.label?.observe(values[hashed], rows);
    this.rows += rows;
  }

  finish(): LeakageResult {
    const s = this.index.settings;
    const maxOverlap = s.maxOverlapRows ?? 0;
    const maxDup = s.maxDuplicateFraction ?? null;
    const result: Omit<LeakageResult, 'passed' | 'summary'> = {
      columns: [...this.index.columns],
      ignored: this.index.ignored,
      rows: { train: this.index.rows, eval: this.rows },
      overlap: {
        rows: this.overlap,
        fraction: this.rows === 0 ? 0 : this.overlap / this.rows,
        threshold: maxOverlap,
        exceeded: this.overlap > maxOverlap,
        examples: this.examples,
      },
      duplicates: {
        train: duplicateCount(this.index.rows, this.index.duplicates, maxDup),
        eval: duplicateCount(this.rows, this.duplicates, maxDup),
      },
      labelShift:
        this.label && this.index.label
          ? labelShift(s.label!, this.index.label, this.label, s.maxLabelShift === undefined ? 0.1 : s.maxLabelShift)
          : undefined,
      hash: { bits: 64, expectedFalseMatches: (this.index.rows * this.rows + (this.index.rows ** 2 + this.rows ** 2) / 2) / 2 ** 64 },
    };
    const passed =
      !result.overlap.exceeded && !result.duplicates.train.exceeded && !result.duplicates.eval.exceeded && !result.labelShift?.exceeded;
    return { ...result, passed, summary: summarize(result) };
  }
}
