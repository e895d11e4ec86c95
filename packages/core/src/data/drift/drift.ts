/**
 * Drift of the current data against a reference, per column: PSI on bins cut at the reference's
 * quantiles, the two-sample Kolmogorov-Smirnov test and the Jensen-Shannon distance (on PSI's
 * bins) for numeric columns; the chi-square test of homogeneity, the Jensen-Shannon distance and
 * PSI on the categories for categorical ones. Every statistic's raw value is reported with its
 * threshold, drifted or not; a column drifted when any statistic with a threshold crossed it.
 *
 * Usage: `profileReference(reference, settings)` (passes over the reference), then a
 * `DriftObserver` in the engine's pass over the current data, then `finish()`.
 */
import { UserError } from '../../errors.js';
import type { ColumnInfo, ColumnValues } from '../table.js';
import { jsonValue } from '../values.js';
import { CurrentCategories, CurrentNumbers } from './current.js';
import { ksPValue, ksStatisticSorted, type KsMethod } from './ks.js';
import { EXACT_CAP, type CategoricalProfile, type DriftSettings, type NumericProfile, type ReferenceProfile } from './profile.js';
import { chiSquareHomogeneity, jensenShannonDistance, psi } from './statistics.js';
import { columnThresholds, type DriftThresholds } from './thresholds.js';

export { EXACT_CAP, profileReference } from './profile.js';
export type { DriftSettings, ReferenceProfile } from './profile.js';
export { DEFAULT_DRIFT_THRESHOLDS, parseColumnDriftThresholds, parseDriftThresholds } from './thresholds.js';
export type { DriftThresholds } from './thresholds.js';

/** A statistic's raw value, the threshold that decides (null: off, reported only) and whether it crossed it. */
export interface DriftStatistic {
  value: number;
  threshold: number | null;
  drifted: boolean;
}

export interface KsStatistic {
  /** D; when approximate, the largest difference of the CDFs at the grid's edges (a lower bound of D). */
  statistic: number;
  pValue: number;
  /** scipy's ks_2samp method the p-value follows ('auto': exact up to 10,000 values a side). */
  method: KsMethod;
  /** D over every value of both sides (both had at most exactCap values), as ks_2samp. */
  exact: boolean;
  /** When approximate: the true D is in [statistic, statistic + errorBound] (a bound, not an estimate). */
  errorBound?: number;
  threshold: number | null;
  drifted: boolean;
}

export interface ChiSquareStatistic {
  statistic: number;
  dof: number;
  pValue: number;
  threshold: number | null;
  drifted: boolean;
}

export interface SideCounts {
  rows: number;
  /** Non-missing values measured. */
  values: number;
  missing: number;
  /** Numeric columns: cells neither a number nor missing (left out). */
  nonNumeric?: number;
}

export interface ColumnDrift {
  column: string;
  kind: 'numeric' | 'categorical';
  counts: { reference: SideCounts; current: SideCounts };
  psi?: DriftStatistic;
  js?: DriftStatistic;
  ks?: KsStatistic;
  chiSquare?: ChiSquareStatistic;
  /** The bins the statistics compared: numeric edges (bin i is (edges[i-1], edges[i]]) or categories, and both sides' counts. */
  bins?: {
    edges?: number[];
    edgesMethod?: 'exact' | 't-digest';
    categories?: (string | number | boolean | null)[];
    reference: number[];
    current: number[];
  };
  /** Categorical: current values not among the reference's categories (one bin of their own). */
  unseen?: { rows: number; distinct: number; distinctAtLeast: boolean; examples: (string | number | boolean | null)[] };
  drifted: boolean;
  /** Why no statistic was computed (no values on a side, too many categories). */
  skipped?: string;
}

export interface DriftResult {
  columns: ColumnDrift[];
  /** The columns that drifted, in column order. */
  drifted: string[];
  /** The columns skipped (no values on a side, too many categories), each with why: not "no drift". */
  notMeasured: string[];
  settings: { bins: number; thresholds: DriftThresholds; columnThresholds: Record<string, Partial<DriftThresholds>>; exactCap: number };
  /** Columns one set has and the other lacks, left out (only when the columns were not named). */
  referenceOnly: string[];
  currentOnly: string[];
}

/** Categories listed in the report per column, most frequent first (the counts always cover all). */
const MAX_LISTED_CATEGORIES = 50;
const UNSEEN_EXAMPLES = 10;

function crossed(value: number, threshold: number | null, below: boolean): DriftStatistic {
  return { value, threshold, drifted: threshold !== null && (below ? value < threshold : value > threshold) };
}

/**
 * D bracketed from counts on the reference's quantile grid: at each edge both empirical CDFs are
 * exact, so max |ΔF| over the edges is a lower bound of D; inside a cell each CDF stays between
 * its values at the cell's ends, so max(F_r(hi) - F_c(lo), F_c(hi) - F_r(lo)) bounds it above.
 */
export function ksFromGrid(reference: Float64Array, current: Float64Array, nRef: number, nCur: number): { lower: number; upper: number } {
  let fr = 0;
  let fc = 0;
  let lower = 0;
  let upper = 0;
  for (let c = 0; c < reference.length; c++) {
    const nextR = fr + reference[c] / nRef;
    const nextC = fc + current[c] / nCur;
    upper = Math.max(upper, nextR - fc, nextC - fr);
    fr = nextR;
    fc = nextC;
    if (c < reference.length - 1) lower = Math.max(lower, Math.abs(fr - fc));
  }
  return { lower, upper: Math.min(1, upper) };
}

function binCounts(gridCounts: Float64Array, gridBin: Int32Array, bins: number): Float64Array {
  const out = new Float64Array(bins);
  for (let c = 0; c < gridCounts.length; c++) out[gridBin[c]] += gridCounts[c];
  return out;
}

function ksOf(profile: NumericProfile, current: CurrentNumbers, threshold: number | null): KsStatistic {
  const curSorted = current.sorted();
  const n = profile.values;
  const m = current.values;
  if (profile.sorted && curSorted) {
    const statistic = ksStatisticSorted(profile.sorted, curSorted);
    const { pValue, method } = ksPValue(n, m, statistic);
    return { statistic, pValue, method, exact: true, threshold, drifted: threshold !== null && pValue < threshold };
  }
  const { lower, upper } = ksFromGrid(profile.gridCounts, current.gridCounts, n, m);
  const { pValue, method } = ksPValue(n, m, lower);
  return {
    statistic: lower,
    pValue,
    method,
    exact: false,
    errorBound: upper - lower,
    threshold,
    drifted: threshold !== null && pValue < threshold,
  };
}

function numericDrift(
  profile: NumericProfile,
  current: CurrentNumbers,
  rows: { ref: number; cur: number },
  t: DriftThresholds,
): ColumnDrift {
  const counts = {
    reference: { rows: rows.ref, values: profile.values, missing: profile.missing, nonNumeric: profile.nonNumeric },
    current: { rows: rows.cur, values: current.values, missing: current.missing, nonNumeric: current.nonNumeric },
  };
  const base = { column: profile.name, kind: 'numeric' as const, counts };
  if (profile.values === 0 || current.values === 0) {
    return { ...base, drifted: false, skipped: `no values in the ${profile.values === 0 ? 'reference' : 'current data'}` };
  }
  const bins = profile.edges.length + 1;
  const ref = binCounts(profile.gridCounts, profile.gridBin, bins);
  const cur = binCounts(current.gridCounts, profile.gridBin, bins);
  const result: ColumnDrift = {
    ...base,
    psi: crossed(psi(ref, cur), t.psi, false),
    ks: ksOf(profile, current, t.ksP),
    js: crossed(jensenShannonDistance(ref, cur), t.js, false),
    bins: { edges: [...profile.edges], edgesMethod: profile.edgesMethod, reference: [...ref], current: [...cur] },
    drifted: false,
  };
  result.drifted = result.psi!.drifted || result.ks!.drifted || result.js!.drifted;
  return result;
}

function categoricalDrift(
  profile: CategoricalProfile,
  current: CurrentCategories,
  rows: { ref: number; cur: number },
  t: DriftThresholds,
): ColumnDrift {
  const counts = {
    reference: { rows: rows.ref, values: profile.values, missing: profile.missing },
    current: { rows: rows.cur, values: current.values, missing: current.missing },
  };
  const base = { column: profile.name, kind: 'categorical' as const, counts };
  if (profile.skipped) return { ...base, drifted: false, skipped: profile.skipped };
  if (profile.values === 0 || current.values === 0) {
    return { ...base, drifted: false, skipped: `no values in the ${profile.values === 0 ? 'reference' : 'current data'}` };
  }
  const unseenRows = current.counts[current.counts.length - 1];
  // the unseen bin is compared only when it holds something (the reference has 0 there)
  const k = profile.categories.length + (unseenRows > 0 ? 1 : 0);
  const ref = Float64Array.from({ length: k }, (_, i) => (i < profile.categories.length ? profile.categories[i].count : 0));
  const cur = current.counts.subarray(0, k);
  const chi = chiSquareHomogeneity(ref, cur);
  const listed = k <= MAX_LISTED_CATEGORIES;
  const result: ColumnDrift = {
    ...base,
    psi: crossed(psi(ref, cur), t.psi, false),
    js: crossed(jensenShannonDistance(ref, cur), t.js, false),
    chiSquare: { ...chi, threshold: t.chi2P, drifted: t.chi2P !== null && chi.pValue < t.chi2P },
    bins: listed ? { categories: profile.categories.map((c) => jsonValue(c.cell)), reference: [...ref], current: [...cur] } : undefined,
    drifted: false,
  };
  if (unseenRows > 0) {
    const examples = [...current.unseen.values()].slice(0, UNSEEN_EXAMPLES).map((u) => jsonValue(u.cell as never));
    result.unseen = { rows: unseenRows, distinct: current.unseen.size, distinctAtLeast: current.unseenOverflow, examples };
  }
  result.drifted = result.psi!.drifted || result.js!.drifted || result.chiSquare!.drifted;
  return result;
}

/**
 * The current data's pass: construct with the reference's profile and the current data's columns
 * (a column named in settings.columns that the current data lacks: UserError), feed it every
 * batch of its `columns`, then `finish()`.
 */
export class DriftObserver {
  readonly columns: readonly string[];
  private readonly sides: (CurrentNumbers | CurrentCategories)[];
  private readonly settings: DriftSettings;
  private readonly currentOnly: string[];
  private readonly referenceOnly: string[];
  private rows = 0;

  constructor(
    readonly profile: ReferenceProfile,
    currentColumns: readonly ColumnInfo[],
    currentPath?: string,
  ) {
    this.settings = profile.settings;
    const present = new Set(currentColumns.map((c) => c.name));
    const named = this.settings.columns && this.settings.columns.length > 0;
    const absent = profile.columns.filter((p) => !present.has(p.name)).map((p) => p.name);
    if (named && absent.length > 0) {
      const list = absent.map((c) => `'${c}'`).join(', ');
      throw new UserError(`Drift column${absent.length > 1 ? 's' : ''} ${list} not in the data${currentPath ? ` ${currentPath}` : ''}.`, {
        file: currentPath,
        hint: `Its columns: ${currentColumns.map((c) => c.name).join(', ')}.`,
      });
    }
    const measured = profile.columns.filter((p) => present.has(p.name));
    const exclude = new Set(this.settings.exclude ?? []);
    const profiled = new Set(profile.columns.map((p) => p.name));
    this.referenceOnly = [...profile.referenceOnly, ...absent];
    this.currentOnly = named ? [] : currentColumns.map((c) => c.name).filter((c) => !profiled.has(c) && !exclude.has(c));
    this.columns = measured.map((p) => p.name);
    const cap = this.settings.exactCap ?? EXACT_CAP;
    this.sides = measured.map((p) => (p.kind === 'numeric' ? new CurrentNumbers(p, cap) : new CurrentCategories(p)));
  }

  observe(values: readonly ColumnValues[], rows: number): void {
    this.rows += rows;
    for (let c = 0; c < this.sides.length; c++) this.sides[c].observe(values[c], rows);
  }

  finish(): DriftResult {
    const s = this.settings;
    const rows = { ref: this.profile.rows, cur: this.rows };
    const columns = this.sides.map((side) => {
      const t = columnThresholds(side.profile.name, s.thresholds, s.columnThresholds);
      return side instanceof CurrentNumbers ? numericDrift(side.profile, side, rows, t) : categoricalDrift(side.profile, side, rows, t);
    });
    return {
      columns,
      drifted: columns.filter((c) => c.drifted).map((c) => c.column),
      notMeasured: columns.filter((c) => c.skipped !== undefined).map((c) => `${c.column} (${c.skipped})`),
      settings: {
        bins: s.bins ?? 10,
        thresholds: columnThresholds('', s.thresholds),
        columnThresholds: { ...(s.columnThresholds ?? {}) },
        exactCap: s.exactCap ?? EXACT_CAP,
      },
      referenceOnly: this.referenceOnly,
      currentOnly: this.currentOnly,
    };
  }
}
