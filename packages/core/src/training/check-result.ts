/** What every check of check-training returns, and the settings they read. */
import { formatNumber } from '../util/format.js';
import type { Bound } from './bounds.js';
import type { TrainingCurves } from './curves.js';

export const CHECK_IDS = ['finite', 'converged', 'not-diverging', 'grad-norm', 'val-loss-rising', 'bounds'] as const;
export type CheckId = (typeof CHECK_IDS)[number];
export type CheckStatus = 'passed' | 'failed' | 'warning' | 'skipped';
export type ValLossRisingMode = 'warn' | 'fail' | 'off';

export interface TrainingCheckResult {
  id: CheckId;
  /** The check's name as shown: its id, or the bound as written for a bound. */
  name: string;
  status: CheckStatus;
  /** What was found, with the numbers. */
  message: string;
  /** The epoch, raw row (0-based) and line of the file it points at, when it points at one. */
  epoch?: number;
  row?: number;
  line?: number;
  /** The column it points at. */
  column?: string;
  /** The numbers the verdict came from (non-finite ones as they are). */
  values?: Record<string, number | null>;
}

export interface TrainingCheckSettings {
  /** converged: the least fall of the loss, as a fraction of its first value. */
  minLossDecrease: number;
  /** converged, val-loss-rising: the epochs at the end that are looked at. */
  window: number;
  /** converged: the largest (max - min) of the loss over the window, as a fraction of its whole fall. */
  plateauTolerance: number;
  /** not-diverging: the largest share of its fall the loss may give back by the end. */
  divergenceTolerance: number;
  /** grad-norm: the largest gradient norm. */
  maxGradNorm: number;
  valLossRising: ValLossRisingMode;
  bounds: readonly Bound[];
}

export const DEFAULT_TRAINING_SETTINGS: Readonly<TrainingCheckSettings> = {
  minLossDecrease: 0.1,
  window: 5,
  plateauTolerance: 0.05,
  divergenceTolerance: 0.1,
  maxGradNorm: 1000,
  valLossRising: 'warn',
  bounds: [],
};

/** A value in a message: four significant digits (0.1386, 2.243, 3031, NaN). */
export const num = (v: number): string => formatNumber(v, 4);
/** A fraction as a percentage: 0.0101 -> 1.01%. */
export const pct = (v: number): string => (Number.isFinite(v) ? `${formatNumber(v * 100)}%` : String(v));

/** The pointer fields of a result at raw row `row` of `column`. */
export function at(curves: TrainingCurves, row: number, column?: string): Pick<TrainingCheckResult, 'epoch' | 'row' | 'line' | 'column'> {
  return { epoch: curves.rowEpochs[row], row, line: curves.lines[row], column };
}
