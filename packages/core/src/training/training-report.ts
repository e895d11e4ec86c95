/**
 * The check-training report: the log read, the columns used, the settings, each check's result,
 * the loss curves' first/min/final values and the chart's points. The JSON file, the job summary
 * and the annotations are renderings of it, written even when the log was bad.
 */
import type { ReportError } from '../errors.js';
import type { RunInfo } from '../util/run-info.js';
import type { TrainingChart } from './chart.js';
import type { CheckId, TrainingCheckResult, TrainingCheckSettings } from './check-result.js';
import { finitePoints, type TrainingCurves } from './curves.js';
import type { TrainingLogFormat } from './log.js';

export interface CurvePoint {
  epoch: number;
  value: number;
  line?: number;
}

export interface CurveSummary {
  column: string;
  /** Values logged (per epoch, after merging). */
  epochs: number;
  first: CurvePoint | null;
  /** The smallest finite value (the largest, for the gradient norm). */
  min: CurvePoint | null;
  /** The last epoch's value (NaN or Infinity when it is). */
  final: CurvePoint | null;
}

export interface TrainingReport {
  schema: 'ml-gate/check-training/v1';
  createdAt: string;
  status: 'passed' | 'failed' | 'error';
  passed: boolean;
  reason: string;
  log?: {
    path: string;
    format: TrainingLogFormat;
    rows: number;
    columns: string[];
    epochs?: number;
    used?: { loss: string; valLoss: string | null; gradNorm: string | null; epoch: string | null };
  };
  settings?: Omit<TrainingCheckSettings, 'bounds'> & { bounds: string[] };
  checks: TrainingCheckResult[];
  /** The ids of the failed checks, and of those that warned. */
  failedChecks: CheckId[];
  warningChecks: CheckId[];
  summary?: { loss: CurveSummary; valLoss?: CurveSummary; gradNorm?: { column: string; max: CurvePoint | null } };
  chart?: TrainingChart;
  error?: ReportError;
  run?: RunInfo;
}

export function newTrainingReport(): TrainingReport {
  return {
    schema: 'ml-gate/check-training/v1',
    createdAt: new Date().toISOString(),
    status: 'error',
    passed: false,
    reason: 'The checks did not run.',
    checks: [],
    failedChecks: [],
    warningChecks: [],
  };
}

function point(curves: TrainingCurves, column: string, e: number): CurvePoint {
  const merged = curves.merged.get(column)!;
  const row = merged.rows[e];
  const line = curves.lines[row];
  return { epoch: curves.epochs[e], value: merged.values[e]!, ...(line === undefined ? {} : { line }) };
}

export function curveSummary(curves: TrainingCurves, column: string): CurveSummary {
  const merged = curves.merged.get(column)!;
  const logged = merged.values.flatMap((v, e) => (v === null ? [] : [e]));
  const finite = finitePoints(merged);
  const min = finite.length ? finite.reduce((best, p) => (p[1] < best[1] ? p : best)) : undefined;
  return {
    column,
    epochs: logged.length,
    first: finite.length ? point(curves, column, finite[0][0]) : null,
    min: min ? point(curves, column, min[0]) : null,
    final: logged.length ? point(curves, column, logged[logged.length - 1]) : null,
  };
}

export function summarizeCurves(curves: TrainingCurves): NonNullable<TrainingReport['summary']> {
  const { loss, valLoss, gradNorm } = curves.columns;
  const summary: NonNullable<TrainingReport['summary']> = { loss: curveSummary(curves, loss) };
  if (valLoss) summary.valLoss = curveSummary(curves, valLoss);
  if (gradNorm) {
    const raw = curves.raw.get(gradNorm)!;
    let best = -1;
    raw.forEach((v, i) => {
      if (v !== null && Number.isFinite(v) && (best < 0 || v > raw[best]!)) best = i;
    });
    const line = best < 0 ? undefined : curves.lines[best];
    summary.gradNorm = {
      column: gradNorm,
      max: best < 0 ? null : { epoch: curves.rowEpochs[best], value: raw[best]!, ...(line === undefined ? {} : { line }) },
    };
  }
  return summary;
}

/** The verdict from the checks: failed when one failed (a warning does not fail the step). */
export function decideTraining(r: TrainingReport): void {
  const failed = r.checks.filter((c) => c.status === 'failed');
  const warned = r.checks.filter((c) => c.status === 'warning');
  r.failedChecks = [...new Set(failed.map((c) => c.id))];
  r.warningChecks = [...new Set(warned.map((c) => c.id))];
  r.passed = failed.length === 0;
  r.status = r.passed ? 'passed' : 'failed';
  const ran = r.checks.filter((c) => c.status !== 'skipped').length;
  r.reason = r.passed
    ? `All ${ran} checks that ran passed${warned.length ? `, ${warned.length} with a warning (${warned.map((c) => c.name).join(', ')})` : ''}.`
    : `${failed.length} of ${ran} checks failed: ${failed.map((c) => c.name).join(', ')}.`;
}
