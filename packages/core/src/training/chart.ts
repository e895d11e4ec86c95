/**
 * The points the job summary's loss chart draws: the training and validation loss per epoch, at
 * most MAX_CHART_POINTS of them. A longer run is cut into equal spans of epochs and each point is
 * the HIGHEST value of its span (a value that is not finite wins), so a spike or a NaN is never
 * averaged away; the x position of a point is its span's first epoch. The epochs failed checks
 * point at are marked.
 */
import type { TrainingCheckResult } from './check-result.js';
import type { TrainingCurves } from './curves.js';

export const MAX_CHART_POINTS = 100;

export interface ChartSeries {
  column: string;
  /** Per point: the span's highest value (NaN or ±Infinity if one is), null when the span logged none. */
  values: (number | null)[];
}

export interface TrainingChart {
  /** The first epoch of each point's span. */
  epochs: number[];
  /** Epochs per point (1: every epoch is a point). */
  span: number;
  series: ChartSeries[];
  /** The failed and warning checks that point at an epoch, with the index of its point. */
  marks: { check: string; status: 'failed' | 'warning'; epoch: number; point: number }[];
}

function highest(values: readonly (number | null)[], from: number, to: number): number | null {
  let best: number | null = null;
  for (let i = from; i < to; i++) {
    const v = values[i];
    if (v === null) continue;
    if (!Number.isFinite(v)) return v;
    if (best === null || v > best) best = v;
  }
  return best;
}

export function trainingChart(curves: TrainingCurves, checks: readonly TrainingCheckResult[]): TrainingChart {
  const n = curves.epochs.length;
  const span = Math.max(1, Math.ceil(n / MAX_CHART_POINTS));
  const points = Math.ceil(n / span);
  const epochs = Array.from({ length: points }, (_, p) => curves.epochs[p * span]);
  const columns = [curves.columns.loss, curves.columns.valLoss].filter((c): c is string => !!c);
  const series = columns.map((column) => {
    const merged = curves.merged.get(column)!;
    return { column, values: epochs.map((_, p) => highest(merged.values, p * span, Math.min(n, (p + 1) * span))) };
  });
  const marks: TrainingChart['marks'] = [];
  for (const c of checks) {
    if ((c.status !== 'failed' && c.status !== 'warning') || c.row === undefined) continue;
    const e = curves.epochs.indexOf(curves.rowEpochs[c.row]);
    if (e >= 0) marks.push({ check: c.name, status: c.status, epoch: curves.rowEpochs[c.row], point: Math.floor(e / span) });
  }
  return { epochs, span, series, marks };
}
