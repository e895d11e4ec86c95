/**
 * The checks of check-training over a log's curves (curves.ts): finite, converged, not-diverging
 * (loss-checks.ts), grad-norm, val-loss-rising and the user's bounds. Pure functions of the
 * curves and the settings; each result says what it found with the numbers, and the epoch and
 * line it points at.
 */
import { COLUMN_CANDIDATES } from './columns.js';
import { type TrainingCurves, where } from './curves.js';
import { at, num, type TrainingCheckResult, type TrainingCheckSettings } from './check-result.js';
import { withinBound, type Bound } from './bounds.js';
import { convergedCheck, notDivergingCheck, valLossRisingCheck } from './loss-checks.js';

/** The columns the finiteness check reads: the losses, the gradient norm and the bounded metrics. */
function checkedColumns(curves: TrainingCurves, bounds: readonly Bound[]): string[] {
  const { loss, valLoss, gradNorm } = curves.columns;
  return [...new Set([loss, valLoss, gradNorm, ...bounds.map((b) => b.column)].filter((c): c is string => !!c))];
}

/** The first raw row (and its column) holding a value that is not finite. */
function firstNonFinite(curves: TrainingCurves, columns: readonly string[]): { row: number; column: string; value: number } | undefined {
  const raws = columns.map((c) => [c, curves.raw.get(c)!] as const);
  for (let row = 0; row < curves.lines.length; row++) {
    for (const [column, raw] of raws) {
      const v = raw[row];
      if (v !== null && !Number.isFinite(v)) return { row, column, value: v };
    }
  }
  return undefined;
}

/**
 * finite: every logged value of the checked columns is finite. An epoch with no training loss,
 * after the first epoch that has one, fails too: pandas' to_csv writes NaN as an empty cell.
 */
export function finiteCheck(curves: TrainingCurves, bounds: readonly Bound[] = []): TrainingCheckResult {
  const columns = checkedColumns(curves, bounds);
  const bad = firstNonFinite(curves, columns);
  const loss = curves.merged.get(curves.columns.loss)!;
  const firstLogged = loss.values.findIndex((v) => v !== null);
  const gap = firstLogged < 0 ? -1 : loss.values.findIndex((v, e) => e > firstLogged && v === null);
  const gapRow = gap < 0 ? -1 : curves.epochFirstRows[gap];
  const base = { id: 'finite', name: 'finite' } as const;
  if (gapRow >= 0 && (!bad || gapRow < bad.row)) {
    return {
      ...base,
      status: 'failed',
      message: `${curves.columns.loss} has no value at ${where(curves, gapRow)} while earlier epochs have one: a loss that is missing mid-run (pandas' to_csv writes NaN as an empty cell).`,
      ...at(curves, gapRow, curves.columns.loss),
    };
  }
  if (bad) {
    const counts = columns
      .map((c) => [c, curves.raw.get(c)!.filter((v) => v !== null && !Number.isFinite(v)).length] as const)
      .filter(([, n]) => n > 0)
      .map(([c, n]) => `${c} ${n}`);
    return {
      ...base,
      status: 'failed',
      message: `${bad.column} is ${bad.value} at ${where(curves, bad.row)}, the first value that is not finite; values that are not: ${counts.join(', ')}.`,
      ...at(curves, bad.row, bad.column),
      values: { value: bad.value },
    };
  }
  return { ...base, status: 'passed', message: `Every logged value of ${columns.join(', ')} is finite (${curves.lines.length} rows).` };
}

/** grad-norm: every logged gradient norm is at most max-grad-norm; skipped when none is logged. */
export function gradNormCheck(curves: TrainingCurves, s: TrainingCheckSettings): TrainingCheckResult {
  const base = { id: 'grad-norm', name: 'grad-norm' } as const;
  const column = curves.columns.gradNorm;
  if (!column) {
    return {
      ...base,
      status: 'skipped',
      message: `No gradient norm is logged (none of ${COLUMN_CANDIDATES.gradNorm.join(', ')}; name one with grad-norm-column).`,
    };
  }
  const raw = curves.raw.get(column)!;
  let first = -1;
  let over = 0;
  let logged = 0;
  let maxRow = -1;
  raw.forEach((v, i) => {
    if (v === null) return;
    logged++;
    if (!(v <= s.maxGradNorm)) {
      over++;
      if (first < 0) first = i;
    }
    if (Number.isFinite(v) && (maxRow < 0 || v > raw[maxRow]!)) maxRow = i;
  });
  const max = maxRow < 0 ? null : raw[maxRow];
  const largest = max === null ? 'no finite norm is logged' : `the largest finite one is ${num(max)} at ${where(curves, maxRow)}`;
  if (logged === 0) {
    // named by the user: the check was asked for, and cannot pass by having nothing to read
    const named = curves.columns.named.includes('gradNorm');
    return { ...base, status: named ? 'failed' : 'skipped', message: `${column} has no logged value.`, column };
  }
  if (first >= 0) {
    return {
      ...base,
      status: 'failed',
      message: `${column} is ${num(raw[first]!)} at ${where(curves, first)}, above max-grad-norm ${num(s.maxGradNorm)}: exploding gradients. ${over} of ${logged} logged norms are not within it; ${largest}.`,
      ...at(curves, first, column),
      values: { value: raw[first], max },
    };
  }
  return {
    ...base,
    status: 'passed',
    message: `All ${logged} logged values of ${column} are at most max-grad-norm ${num(s.maxGradNorm)}; ${largest}.`,
    ...(maxRow >= 0 ? at(curves, maxRow, column) : {}),
    values: { max },
  };
}

/** One result per bound: the column's value at the last epoch that logged it, against the bound. */
export function boundChecks(curves: TrainingCurves, bounds: readonly Bound[]): TrainingCheckResult[] {
  return bounds.map((b) => {
    const merged = curves.merged.get(b.column)!;
    const base = { id: 'bounds', name: b.text, column: b.column } as const;
    let e = merged.values.length - 1;
    while (e >= 0 && merged.values[e] === null) e--;
    if (e < 0) return { ...base, status: 'failed', message: `${b.column} has no logged value to hold to ${b.text}.` };
    const v = merged.values[e]!;
    const ok = withinBound(v, b);
    const row = merged.rows[e];
    return {
      ...base,
      status: ok ? 'passed' : 'failed',
      message: `The final ${b.column} is ${num(v)}, at ${where(curves, row)}: ${ok ? 'within' : 'not'} ${b.operator} ${num(b.value)}.`,
      ...at(curves, row, b.column),
      values: { value: v, bound: b.value },
    };
  });
}

/** Every check, in the order the report lists them. */
export function runTrainingChecks(curves: TrainingCurves, s: TrainingCheckSettings): TrainingCheckResult[] {
  return [
    finiteCheck(curves, s.bounds),
    convergedCheck(curves, s),
    notDivergingCheck(curves, s),
    gradNormCheck(curves, s),
    valLossRisingCheck(curves, s),
    ...boundChecks(curves, s.bounds),
  ];
}
