/**
 * The reference's side of drift, measured once before the current data is read: per column its
 * kind, its bins (cut at the reference's quantiles) with the reference's counts in them, its
 * categories with their counts, and its values themselves while they are few.
 */
import { UserError } from '../../errors.js';
import type { Cell, ColumnInfo, TableSource } from '../table.js';
import { CategoryCounter, NumberKeeper } from './accumulators.js';
import { GridIndex } from './current.js';
import { binOf, quantileSorted, uniqueAscending } from './statistics.js';
import type { DriftThresholds } from './thresholds.js';

/**
 * Values of a column kept exactly (for the exact KS statistic and exact quantile edges): 100,000
 * (800 KB a column, a side). Beyond, the edges come from a t-digest and D from the KS grid.
 */
export const EXACT_CAP = 100_000;

/** An integer column with at most this many distinct reference values is categorical (a label, a code). */
export const MAX_INT_CATEGORIES = 20;

/**
 * Distinct values beyond which a categorical column is not measured (an id or free text, not a
 * category): its counts would grow with the rows. Reported as skipped, with the reason.
 */
export const MAX_CATEGORIES = 10_000;

/** Cells of the KS grid, about: the grid has bins × ⌈2000 / bins⌉ quantile cells, so PSI's edges are among its edges. */
export const KS_GRID_CELLS = 2000;

export interface DriftSettings {
  /** The columns to measure (default: every column both sets have, minus `exclude`). */
  columns?: readonly string[];
  /** Columns never measured (ids, timestamps). */
  exclude?: readonly string[];
  /** PSI's (and numeric JS's) bins, cut at the reference's quantiles (default 10). */
  bins?: number;
  thresholds?: Partial<DriftThresholds>;
  columnThresholds?: Readonly<Record<string, Partial<DriftThresholds>>>;
  /** The current data's column names, when known before the reference is read: only shared columns are profiled. */
  current?: readonly string[];
  /** Values kept exactly per column and side (default EXACT_CAP; smaller in tests). */
  exactCap?: number;
  batchRows?: number;
}

interface ColumnProfileBase {
  name: string;
  dtype: string;
  /** Non-missing values of the reference. */
  values: number;
  missing: number;
}

export interface NumericProfile extends ColumnProfileBase {
  kind: 'numeric';
  /** Cells that were neither a number nor missing (text in a numeric column): left out. */
  nonNumeric: number;
  /** The reference's values, sorted, when at most exactCap; else null. */
  sorted: Float64Array | null;
  /** PSI's interior edges, ascending: bin i is (edges[i-1], edges[i]]. */
  edges: Float64Array;
  edgesMethod: 'exact' | 't-digest';
  /** The KS grid's interior edges (PSI's among them), and the reference's counts per grid cell. */
  grid: Float64Array;
  gridCounts: Float64Array;
  /** The PSI bin of each grid cell. */
  gridBin: Int32Array;
}

export interface Category {
  key: string;
  cell: Exclude<Cell, null>;
  count: number;
}

export interface CategoricalProfile extends ColumnProfileBase {
  kind: 'categorical';
  /** Why the column is categorical: its dtype, or an integer column of few values. */
  because: 'dtype' | 'few-integers';
  /** The categories, most frequent first; empty when skipped. */
  categories: Category[];
  /** Set when the column is not measured. */
  skipped?: string;
}

export type ColumnProfile = NumericProfile | CategoricalProfile;

export interface ReferenceProfile {
  path: string;
  rows: number;
  columns: ColumnProfile[];
  /** Columns of the reference that were not profiled because the current data lacks them (settings.current). */
  referenceOnly: string[];
  settings: DriftSettings;
}

const isNumericDtype = (dtype: string): boolean => /^(u?int|float)/.test(dtype);
const isIntDtype = (dtype: string): boolean => /^u?int/.test(dtype);

/** The columns to profile: settings.columns (each must be in the reference), else all (∩ current) minus exclude. */
function chosenColumns(reference: TableSource, settings: DriftSettings): { chosen: string[]; referenceOnly: string[] } {
  const names = reference.columns.map((c) => c.name);
  const exclude = new Set(settings.exclude ?? []);
  const current = settings.current ? new Set(settings.current) : undefined;
  let chosen: string[];
  let referenceOnly: string[] = [];
  const named = settings.columns ?? [];
  if (named.length > 0) {
    const missing = named.filter((c) => !names.includes(c));
    if (missing.length > 0) {
      throw new UserError(
        `Drift column${missing.length > 1 ? 's' : ''} ${missing.map((c) => `'${c}'`).join(', ')} not in the reference ${reference.path}.`,
        {
          file: reference.path,
          hint: `Its columns: ${names.join(', ')}.`,
        },
      );
    }
    chosen = named.filter((c) => !exclude.has(c));
  } else {
    const kept = names.filter((c) => !exclude.has(c));
    chosen = kept.filter((c) => !current || current.has(c));
    referenceOnly = kept.filter((c) => current && !current.has(c));
  }
  // no column to compare would read "no drift": refused, as a training set whose every column is ignored
  if (chosen.length === 0) {
    const why =
      named.length > 0
        ? 'every column of drift-columns is in drift-ignore'
        : names.every((c) => exclude.has(c))
          ? 'every one is in drift-ignore'
          : 'it shares none with the data, drift-ignore aside';
    throw new UserError(`No column of the reference ${reference.path} is left to measure drift on: ${why}.`, {
      file: reference.path,
      hint: `The reference's columns: ${names.join(', ')}${current ? `; the data's: ${[...current].join(', ')}` : ''}.`,
    });
  }
  return { chosen, referenceOnly };
}

interface Pass1 {
  numbers: NumberKeeper;
  categories: CategoryCounter;
}

async function firstPass(
  reference: TableSource,
  chosen: string[],
  cap: number,
  batchRows?: number,
): Promise<{ rows: number; acc: Pass1[] }> {
  const acc = chosen.map(() => ({ numbers: new NumberKeeper(cap), categories: new CategoryCounter(MAX_CATEGORIES) }));
  let rows = 0;
  for await (const batch of reference.batches({ columns: chosen, batchRows })) {
    rows += batch.rows;
    for (let c = 0; c < chosen.length; c++) {
      acc[c].numbers.observe(batch.columns[c], batch.rows);
      acc[c].categories.observe(batch.columns[c], batch.rows);
    }
  }
  return { rows, acc };
}

function categoricalProfile(info: ColumnInfo, acc: Pass1, because: CategoricalProfile['because']): CategoricalProfile {
  const { rows, missing } = acc.categories;
  const base = { kind: 'categorical' as const, name: info.name, dtype: info.dtype, because, missing };
  if (acc.categories.overflowed) {
    return {
      ...base,
      values: rows - missing,
      categories: [],
      skipped: `more than ${MAX_CATEGORIES.toLocaleString('en-US')} distinct values in the reference: an id or free text, not a category (list it in drift-ignore)`,
    };
  }
  const categories = [...acc.categories.categories()].map(([key, { cell, count }]) => ({ key, cell, count }));
  categories.sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { ...base, values: rows - missing, categories };
}

/** Grid and PSI edges at the reference's quantiles j / G (exact, numpy's rule; or the digest's). */
function cutEdges(acc: NumberKeeper, sorted: Float64Array | null, bins: number): Pick<NumericProfile, 'edges' | 'grid' | 'gridBin'> {
  const per = Math.max(1, Math.ceil(KS_GRID_CELLS / bins));
  const cells = bins * per;
  const qs = Array.from({ length: cells - 1 }, (_, j) => (j + 1) / cells);
  const raw = acc.count === 0 ? [] : sorted ? qs.map((q) => quantileSorted(sorted, q)) : acc.digestQuantiles(qs);
  const grid = uniqueAscending(raw);
  const edges = uniqueAscending(raw.filter((_, j) => (j + 1) % per === 0));
  const gridBin = new Int32Array(grid.length + 1);
  for (let c = 0; c < grid.length; c++) gridBin[c] = binOf(edges, grid[c]);
  gridBin[grid.length] = edges.length;
  return { edges, grid, gridBin };
}

function numericProfile(info: ColumnInfo, acc: Pass1, bins: number): NumericProfile {
  const keeper = acc.numbers;
  const sorted = keeper.sorted();
  const { edges, grid, gridBin } = cutEdges(keeper, sorted, bins);
  const gridCounts = new Float64Array(grid.length + 1);
  if (sorted) for (let i = 0; i < sorted.length; i++) gridCounts[binOf(grid, sorted[i])]++;
  return {
    kind: 'numeric',
    name: info.name,
    dtype: info.dtype,
    values: keeper.count,
    missing: keeper.missing,
    nonNumeric: keeper.nonNumeric,
    sorted,
    edges,
    edgesMethod: sorted ? 'exact' : 't-digest',
    grid,
    gridCounts,
    gridBin,
  };
}

/** Pass 2, for the numeric columns whose values were not all kept: the reference's exact counts per grid cell. */
async function countGrid(reference: TableSource, profiles: NumericProfile[], batchRows?: number): Promise<void> {
  if (profiles.length === 0) return;
  const columns = profiles.map((p) => p.name);
  const indexes = profiles.map((p) => new GridIndex(p.grid));
  for await (const batch of reference.batches({ columns, batchRows })) {
    for (let c = 0; c < profiles.length; c++) {
      const { grid, gridCounts } = profiles[c];
      const values = batch.columns[c];
      if (values instanceof Float64Array) {
        indexes[c].count(values, batch.rows, gridCounts);
        continue;
      }
      for (let i = 0; i < batch.rows; i++) {
        const v = values[i];
        const x = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : NaN;
        if (x === x) gridCounts[binOf(grid, x)]++;
      }
    }
  }
}

/**
 * Profiles the reference for drift: pass 1 keeps each column's values (exactly up to exactCap,
 * else in a t-digest) and its category counts; the kinds follow from the final dtypes (numeric for
 * int/float, except an int column of at most 20 distinct values; categorical otherwise); pass 2,
 * only when a numeric column had more than exactCap values, counts them into the bins.
 */
export async function profileReference(reference: TableSource, settings: DriftSettings = {}): Promise<ReferenceProfile> {
  const bins = settings.bins ?? 10;
  if (!Number.isInteger(bins) || bins < 2) throw new Error(`drift bins must be an integer >= 2, got ${bins}`);
  const { chosen, referenceOnly } = chosenColumns(reference, settings);
  const { rows, acc } = await firstPass(reference, chosen, settings.exactCap ?? EXACT_CAP, settings.batchRows);
  const dtypes = new Map(reference.columns.map((c) => [c.name, c]));
  const columns = chosen.map((name, c): ColumnProfile => {
    const info = dtypes.get(name)!;
    if (!isNumericDtype(info.dtype)) return categoricalProfile(info, acc[c], 'dtype');
    const distinct = acc[c].categories.distinct;
    if (isIntDtype(info.dtype) && distinct >= 0 && distinct <= MAX_INT_CATEGORIES) return categoricalProfile(info, acc[c], 'few-integers');
    return numericProfile(info, acc[c], bins);
  });
  await countGrid(
    reference,
    columns.filter((p): p is NumericProfile => p.kind === 'numeric' && p.sorted === null),
    settings.batchRows,
  );
  return { path: reference.path, rows, columns, referenceOnly, settings: { ...settings, bins } };
}
