import { parsed, parseError, type ParseResult } from '../errors.js';
import { PER_CLASS_METRICS, type PerClassMetric } from '../metrics/definitions.js';
import { holmAdjust } from '../stats/index.js';
import { formatMetric, formatNumber } from '../util/format.js';
import type { ClassComparison, MetricComparison } from './comparison.js';
import type { GuardReport, GuardRow } from './evaluation-report.js';
import { clearsBound, formatP } from './gate.js';

/** max-class-regression: the largest drop tolerated per per-class metric, in the metric's units. */
export type ClassTolerances = Partial<Record<PerClassMetric, number>>;

/** The metric max-class-regression guards when the input is a bare number. */
export const DEFAULT_CLASS_METRIC: PerClassMetric = 'recall';

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;

/**
 * Parses max-class-regression: a number, the drop of recall tolerated (`0.05`), or per metric
 * `recall 0.05, f1 0.1` (items separated by commas or newlines; `recall: 0.05` and `recall=0.05`
 * too). Tolerances are >= 0, in the metric's units (0.05 = five points of recall), each metric at
 * most once. The error is worded to follow "Input max-class-regression is 'TEXT': ".
 */
export function parseClassRegression(text: string): ParseResult<ClassTolerances> {
  const whole = text.trim();
  if (whole === '') return parseError('it is empty');
  if (NUMBER.test(whole)) {
    const t = tolerance(whole, DEFAULT_CLASS_METRIC);
    return t.ok ? parsed({ [DEFAULT_CLASS_METRIC]: t.value }) : t;
  }
  const out: ClassTolerances = {};
  for (const item of whole.split(/[,\n]/)) {
    const part = item.trim();
    if (part === '') continue;
    const m = /^([a-z0-9_-]+)\s*[:=]?\s*(\S*)$/i.exec(part);
    const metric = m?.[1].toLowerCase() ?? '';
    if (!m || !(PER_CLASS_METRICS as readonly string[]).includes(metric)) {
      return parseError(`'${part}' does not start with a per-class metric (${PER_CLASS_METRICS.join(', ')})`);
    }
    if (out[metric as PerClassMetric] !== undefined) return parseError(`${metric} is given twice`);
    const t = tolerance(m[2], metric);
    if (!t.ok) return t;
    out[metric as PerClassMetric] = t.value;
  }
  return parsed(out);
}

function tolerance(text: string, metric: string): ParseResult<number> {
  if (text.endsWith('%')) return parseError(`the tolerance of ${metric} is in the metric's units (0.05 for five points), not %`);
  const value = NUMBER.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(value)) return parseError(`the tolerance of ${metric} is ${text === '' ? 'missing' : `'${text}', not a number`}`);
  if (value < 0) return parseError(`the tolerance of ${metric} is ${text}; a tolerated drop is 0 or more`);
  return parsed(value);
}

/** One member of a guarded family: a class's metric, or a slice's gating metric. */
interface GuardCandidate {
  subject: string;
  rows: number;
  comparison: MetricComparison;
  /** Why it is reported but not gated (no rows of the class, a slice under min-slice-rows). */
  ungated?: string;
}

/**
 * The per-class regression guard (max-class-regression). Per class and guarded metric, the drop
 * is -improvement (positive = the new model is worse); a class fails when the drop exceeds the
 * metric's tolerance and, with significance-level, only when its pNewWorse, Holm-adjusted across
 * the classes (one family per metric), is below the level — so that noise on a small class does
 * not block a release, and its note says so. Classes without rows (support 0) are reported, not
 * gated. Rows by class, then metric (precision, recall, f1 order).
 */
export function guardClasses(perClass: readonly ClassComparison[], tolerances: ClassTolerances, significanceLevel?: number): GuardReport {
  const metrics = PER_CLASS_METRICS.filter((m) => tolerances[m] !== undefined);
  const perMetric = metrics.map((metric) =>
    judgeFamily(
      perClass.map((c) => ({
        subject: `class ${c.class}`,
        rows: c.support,
        comparison: c[metric],
        ungated: c.support === 0 ? `no row of class ${c.class} in the eval set: reported, not gated` : undefined,
      })),
      tolerances[metric] as number,
      significanceLevel,
      'classes',
    ),
  );
  const rows: GuardRow[] = [];
  for (let i = 0; i < perClass.length; i++) for (const judged of perMetric) rows.push(judged[i]);
  return guardReport(tolerances, significanceLevel, rows);
}

/** One slice of a slice column, with its gating metric compared. */
export interface SliceComparison {
  column: string;
  code: number;
  /** The slice's name from the names file, when there is one. */
  name?: string;
  rows: number;
  comparison: MetricComparison;
}

export interface SliceGuardOptions {
  /** The largest drop of the gating metric tolerated in a slice (max-slice-regression). */
  tolerance: number;
  significanceLevel?: number;
  /** min-slice-rows: smaller slices are reported, not gated. */
  minRows: number;
}

/**
 * The per-slice regression guard: the class guard's rule on the gating metric of each slice, with
 * Holm's correction across every gated slice of every column (one family). Slices with fewer than
 * minRows rows are reported, not gated. One row per slice, in the order given.
 */
export function guardSlices(slices: readonly SliceComparison[], options: SliceGuardOptions): GuardReport {
  const rows = judgeFamily(
    slices.map((s) => ({
      subject: `${s.column} = ${s.name ?? s.code}`,
      rows: s.rows,
      comparison: s.comparison,
      ungated: s.rows < options.minRows ? `${s.rows} rows < min-slice-rows ${options.minRows}: reported, not gated` : undefined,
    })),
    options.tolerance,
    options.significanceLevel,
    'slices',
  );
  const metric = slices[0]?.comparison.metric;
  return guardReport(metric === undefined ? {} : { [metric]: options.tolerance }, options.significanceLevel, rows);
}

/**
 * guardSlices' report split per slice column (for each SliceReport.guard), rows in the order
 * given; the Holm adjustment stays the one across all columns.
 */
export function sliceGuardsByColumn(slices: readonly SliceComparison[], guard: GuardReport): Map<string, GuardReport> {
  const byColumn = new Map<string, GuardRow[]>();
  slices.forEach((s, i) => {
    const rows = byColumn.get(s.column) ?? [];
    rows.push(guard.rows[i]);
    byColumn.set(s.column, rows);
  });
  const out = new Map<string, GuardReport>();
  for (const [column, rows] of byColumn) out.set(column, guardReport(guard.tolerances, guard.significanceLevel ?? undefined, rows));
  return out;
}

function guardReport(tolerances: Record<string, number>, significanceLevel: number | undefined, rows: GuardRow[]): GuardReport {
  return { tolerances, significanceLevel: significanceLevel ?? null, passed: !rows.some((r) => r.failed), rows };
}

/**
 * Judges one family: every candidate's drop against the tolerance and, with a level, its
 * pNewWorse adjusted by Holm across the gated candidates that have one (not NaN). A drop beyond
 * the tolerance without a p-value under a level fails closed.
 */
function judgeFamily(candidates: readonly GuardCandidate[], tol: number, level: number | undefined, family: string): GuardRow[] {
  const gated = candidates.map((c) => c.ungated === undefined && c.comparison.improvement !== null);
  const tested = level === undefined ? [] : candidates.flatMap((c, i) => (gated[i] && hasP(c.comparison) ? [i] : []));
  const adjusted = holmAdjust(tested.map((i) => candidates[i].comparison.pNewWorse as number));
  const pHolm = new Array<number | null>(candidates.length).fill(null);
  tested.forEach((index, k) => (pHolm[index] = adjusted[k]));
  const holm = { level, size: tested.length, family };
  return candidates.map((c, i) => judgeCandidate(c, gated[i], tol, pHolm[i], holm));
}

/** A p-value to adjust: present and a number (a test that could not run leaves none, or NaN). */
function hasP(c: MetricComparison): boolean {
  return c.pNewWorse !== undefined && !Number.isNaN(c.pNewWorse);
}

function judgeCandidate(
  c: GuardCandidate,
  gated: boolean,
  tol: number,
  pHolm: number | null,
  holm: { level: number | undefined; size: number; family: string },
): GuardRow {
  const { comparison } = c;
  const drop = comparison.improvement === null ? null : -comparison.improvement;
  const row = {
    subject: c.subject,
    metric: comparison.metric,
    rows: c.rows,
    new: comparison.new,
    baseline: comparison.baseline,
    drop,
    pNewWorse: hasP(comparison) ? (comparison.pNewWorse as number) : null,
    pHolm,
    gated,
  };
  if (!gated || drop === null) {
    const note = c.ungated ?? `not compared: ${comparison.unavailable ?? 'no baseline value'}`;
    return { ...row, failed: false, note };
  }
  const change = `${formatMetric(comparison.baseline)} -> ${formatMetric(comparison.new)}`;
  if (clearsBound(drop, '<=', tol)) return { ...row, failed: false, note: withinNote(drop, tol, change) };
  const beyond = `dropped by ${formatMetric(drop)} (${change}) on ${c.rows} rows, more than the ${formatNumber(tol, 6)} tolerated`;
  if (holm.level === undefined) return { ...row, failed: true, note: beyond };
  if (pHolm === null) {
    const why = comparison.unavailable ? ` (${comparison.unavailable})` : '';
    return { ...row, failed: true, note: `${beyond}; no test of the drop could be made${why}, so it blocks` };
  }
  const ps = `p = ${formatP(comparison.pNewWorse as number)}, Holm-adjusted across ${holm.size} ${holm.family} ${formatP(pHolm)}`;
  if (pHolm < holm.level) return { ...row, failed: true, note: `${beyond}, significant after Holm (${ps} < ${holm.level})` };
  return { ...row, failed: false, note: `${beyond}, but not significant after Holm (${ps} >= ${holm.level}): it does not block` };
}

function withinNote(drop: number, tol: number, change: string): string {
  if (drop > 0) return `dropped by ${formatMetric(drop)} (${change}), within the ${formatNumber(tol, 6)} tolerated`;
  if (drop < 0) return `improved by ${formatMetric(-drop)} (${change})`;
  return `unchanged (${change})`;
}
