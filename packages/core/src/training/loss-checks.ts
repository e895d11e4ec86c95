/**
 * The checks of the loss curve, per epoch (curves.ts). With L0 the first finite training loss,
 * Lf the last epoch's, Lmin the smallest finite one, and W the last `window` finite losses:
 *
 * - converged: decrease = (L0 - Lf) / |L0| >= min-loss-decrease, AND
 *   plateau = (max W - min W) / (L0 - Lmin) <= plateau-tolerance: the loss moved, over the last
 *   `window` epochs, by at most that share of how far it fell in the whole run. (Relative to the
 *   fall, not to the loss's own value: a loss near 0 that ends 0.0133 -> 0.0111 moves 18% of its
 *   value, which says nothing; it moved 0.1% of its fall from 2.34.)
 * - not-diverging: (Lf - Lmin) / (L0 - Lmin) <= divergence-tolerance: the loss gave back at most
 *   that share of its fall by the end. A spike in the middle that recovers passes; one at the end
 *   does not. (0 when Lf = Lmin; infinite when the loss never fell below L0 yet ended above Lmin.)
 * - val-loss-rising: over the last `window` epochs where both losses are finite, the validation
 *   loss ends above where the window starts AND its least-squares slope (against 0, 1, ...,
 *   window - 1) is > 0, while the training loss's slope is < 0 — overfitting; a warning, a
 *   failure, or off. (The slope alone warns on a noisy validation loss that merely wobbles: the
 *   example project's 0.134 -> 0.144 -> 0.126 has a positive slope and ends lower.)
 *
 * A final loss that is not finite, or missing, fails converged and not-diverging; fewer epochs
 * than the window fails converged (a gate never passes because it could not look).
 */
import { finitePoints, type EpochColumn, type TrainingCurves } from './curves.js';
import { num, pct, type TrainingCheckResult, type TrainingCheckSettings } from './check-result.js';

interface LossCurve {
  column: string;
  merged: EpochColumn;
  points: [number, number][];
}

function lossCurve(curves: TrainingCurves): LossCurve {
  const column = curves.columns.loss;
  const merged = curves.merged.get(column)!;
  return { column, merged, points: finitePoints(merged) };
}

/** Where epoch index `e` is: its epoch value and the line of the row its loss came from. */
function pointer(curves: TrainingCurves, curve: LossCurve, e: number): Pick<TrainingCheckResult, 'epoch' | 'row' | 'line' | 'column'> {
  const row = curve.merged.rows[e] >= 0 ? curve.merged.rows[e] : curves.epochFirstRows[e];
  return { epoch: curves.epochs[e], row, line: curves.lines[row], column: curve.column };
}

/** A failure when the last epoch's loss is missing or not finite, else undefined. */
function finalLossProblem(curves: TrainingCurves, curve: LossCurve, id: 'converged' | 'not-diverging'): TrainingCheckResult | undefined {
  const last = curves.epochs.length - 1;
  const final = curve.merged.values[last];
  if (final !== null && Number.isFinite(final)) return undefined;
  const message =
    final === null
      ? `The last epoch (${curves.epochs[last]}) has no ${curve.column} value: the final loss is unknown.`
      : `The final ${curve.column} is ${final} (epoch ${curves.epochs[last]}): the training did not end on a finite loss.`;
  return { id, name: id, status: 'failed', message, ...pointer(curves, curve, last), values: { final } };
}

/** The least-squares slope of `y` against 0, 1, ..., n-1. */
export function slope(y: readonly number[]): number {
  const n = y.length;
  const mx = (n - 1) / 2;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  y.forEach((v, x) => {
    sxy += (x - mx) * (v - my);
    sxx += (x - mx) ** 2;
  });
  return sxx === 0 ? 0 : sxy / sxx;
}

export function convergedCheck(curves: TrainingCurves, s: TrainingCheckSettings): TrainingCheckResult {
  const curve = lossCurve(curves);
  const problem = finalLossProblem(curves, curve, 'converged');
  if (problem) return problem;
  const { points, column } = curve;
  const last = curves.epochs.length - 1;
  if (points.length < s.window) {
    return {
      id: 'converged',
      name: 'converged',
      status: 'failed',
      message: `Only ${points.length} epoch${points.length === 1 ? ' has' : 's have'} a finite ${column}; the plateau test looks at the last ${s.window} (window): too few epochs to tell whether the loss converged.`,
      ...pointer(curves, curve, last),
      values: { epochs: points.length, window: s.window },
    };
  }
  const [e0, first] = points[0];
  const final = points[points.length - 1][1];
  const min = Math.min(...points.map(([, v]) => v));
  const decrease = first === 0 ? (final > 0 ? -Infinity : 0) : (first - final) / Math.abs(first);
  const tail = points.slice(-s.window);
  const range = Math.max(...tail.map(([, v]) => v)) - Math.min(...tail.map(([, v]) => v));
  const plateau = first > min ? range / (first - min) : Infinity;
  const fellEnough = decrease >= s.minLossDecrease;
  const flat = plateau <= s.plateauTolerance;
  const span = `epochs ${curves.epochs[tail[0][0]]}-${curves.epochs[last]}`;
  const fell = `${column} ${decrease < 0 ? `rose by ${pct(-decrease)}` : `fell by ${pct(decrease)}`} (${num(first)} at epoch ${curves.epochs[e0]} to ${num(final)} at epoch ${curves.epochs[last]})`;
  const moved = `over the last ${s.window} epochs (${span}) it moved by ${pct(plateau)} of its whole fall (max - min ${num(range)} of ${num(first - min)})`;
  const problems = [
    fellEnough ? '' : `${fell}, less than min-loss-decrease ${pct(s.minLossDecrease)}`,
    flat ? '' : `${moved}, more than plateau-tolerance ${pct(s.plateauTolerance)}: the loss has not settled`,
  ].filter(Boolean);
  return {
    id: 'converged',
    name: 'converged',
    status: problems.length ? 'failed' : 'passed',
    message: problems.length
      ? `${problems.join('; ')}.`
      : `${fell}, at least ${pct(s.minLossDecrease)}; ${moved}, within ${pct(s.plateauTolerance)}.`,
    ...pointer(curves, curve, fellEnough ? tail[0][0] : last),
    values: { first, final, min, decrease, plateau },
  };
}

export function notDivergingCheck(curves: TrainingCurves, s: TrainingCheckSettings): TrainingCheckResult {
  const curve = lossCurve(curves);
  const problem = finalLossProblem(curves, curve, 'not-diverging');
  if (problem) return problem;
  const { points, column } = curve;
  const last = curves.epochs.length - 1;
  if (points.length < 2) {
    return {
      id: 'not-diverging',
      name: 'not-diverging',
      status: 'failed',
      message: `Only one epoch has a finite ${column}: a trend needs at least two.`,
      ...pointer(curves, curve, last),
    };
  }
  const first = points[0][1];
  const final = points[points.length - 1][1];
  const [minE, min] = points.reduce((best, p) => (p[1] < best[1] ? p : best));
  const ratio = final === min ? 0 : first > min ? (final - min) / (first - min) : Infinity;
  const passed = ratio <= s.divergenceTolerance;
  const detail = `the final ${column} ${num(final)} (epoch ${curves.epochs[last]}) is ${num(final - min)} above its minimum ${num(min)} (epoch ${curves.epochs[minE]}), ${pct(ratio)} of its fall from ${num(first)}`;
  return {
    id: 'not-diverging',
    name: 'not-diverging',
    status: passed ? 'passed' : 'failed',
    message: passed
      ? `${detail[0].toUpperCase()}${detail.slice(1)}: within divergence-tolerance ${pct(s.divergenceTolerance)}.`
      : `The loss went back up at the end: ${detail}, more than divergence-tolerance ${pct(s.divergenceTolerance)}.`,
    ...pointer(curves, curve, last),
    values: { first, final, min, minEpoch: curves.epochs[minE], ratio },
  };
}

export function valLossRisingCheck(curves: TrainingCurves, s: TrainingCheckSettings): TrainingCheckResult {
  const base = { id: 'val-loss-rising', name: 'val-loss-rising' } as const;
  const severity = s.valLossRising === 'fail' ? 'failed' : 'warning';
  const valColumn = curves.columns.valLoss;
  if (s.valLossRising === 'off') return { ...base, status: 'skipped', message: 'val-loss-rising is off.' };
  if (!valColumn)
    return { ...base, status: 'skipped', message: 'No validation loss is logged: nothing to compare the training loss with.' };
  const train = curves.merged.get(curves.columns.loss)!;
  const val = curves.merged.get(valColumn)!;
  const withVal = val.values.flatMap((v, e) => (v === null ? [] : [e]));
  const lastVal = withVal.length ? val.values[withVal[withVal.length - 1]]! : null;
  if (lastVal !== null && !Number.isFinite(lastVal)) {
    const e = withVal[withVal.length - 1];
    return {
      ...base,
      status: 'skipped',
      message: `Not evaluated: the final ${valColumn} is ${lastVal} (epoch ${curves.epochs[e]}); see finite.`,
    };
  }
  const paired = withVal.filter((e) => Number.isFinite(val.values[e]!) && train.values[e] !== null && Number.isFinite(train.values[e]));
  if (paired.length < s.window) {
    return {
      ...base,
      status: severity,
      message: `Only ${paired.length} epoch${paired.length === 1 ? ' has' : 's have'} both ${curves.columns.loss} and ${valColumn} finite; the trend over the last ${s.window} (window) cannot be told.`,
    };
  }
  const window = paired.slice(-s.window);
  const v = window.map((e) => val.values[e]!);
  const t = window.map((e) => train.values[e]!);
  const valSlope = slope(v);
  const trainSlope = slope(t);
  const rising = valSlope > 0 && v[v.length - 1] > v[0] && trainSlope < 0;
  const span = `epochs ${curves.epochs[window[0]]}-${curves.epochs[window[window.length - 1]]}`;
  const trend = (name: string, y: number[], b: number) =>
    `${name} ${num(y[0])} -> ${num(y[y.length - 1])}, slope ${b > 0 ? '+' : ''}${formatSlope(b)} per epoch`;
  const row = val.rows[window[0]];
  return {
    ...base,
    status: rising ? severity : 'passed',
    message: rising
      ? `${valColumn} rose over the last ${s.window} epochs (${span}: ${trend(valColumn, v, valSlope)}) while ${curves.columns.loss} fell (${trend(curves.columns.loss, t, trainSlope)}): overfitting.`
      : `${valColumn} did not rise while ${curves.columns.loss} fell over the last ${s.window} epochs (${span}: ${trend(valColumn, v, valSlope)}; ${trend(curves.columns.loss, t, trainSlope)}).`,
    epoch: curves.epochs[window[0]],
    row,
    line: curves.lines[row],
    column: valColumn,
    values: { valSlope, trainSlope },
  };
}

const formatSlope = (b: number): string => num(b);
