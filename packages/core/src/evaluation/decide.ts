/**
 * The verdict of an evaluation from its comparisons: the gate's rule(s) on the gating metric, the
 * thresholds, the per-class and per-slice regression guards; all must hold. Fills the report's
 * decision, thresholds, classGuard and slices, and its verdict (passed, status, reason).
 */
import { UserError } from '../errors.js';
import { higherIsBetter, type MetricName, type PerClassMetric, type Task } from '../metrics/definitions.js';
import type { Comparison } from './compare.js';
import type { ClassComparison, InferenceSettings, MetricComparison } from './comparison.js';
import type { EvaluationSettings } from './evaluate.js';
import type { EvaluationReport, GuardReport, SliceReport } from './evaluation-report.js';
import { combineDecision, decideGate, decisionReport, type GateConfig } from './gate.js';
import { guardClasses, guardSlices, sliceGuardsByColumn, type SliceComparison } from './guards.js';
import { inputError } from './input-error.js';
import { compareStatistics } from './metric-comparisons.js';
import { checkThresholds, type Threshold } from './thresholds.js';

export function decideOnEvidence(
  report: EvaluationReport,
  s: EvaluationSettings,
  c: Comparison,
  metric: MetricName,
  inference: InferenceSettings,
): void {
  const comparisons = report.comparisons ?? [];
  const primary = gatePrimary(comparisons, metric, s, c);
  const config: GateConfig = {
    metric,
    minImprovement: s.minImprovement,
    significanceLevel: s.significanceLevel,
    confidence: s.confidence,
    missingBaseline: report.baselineMissing,
  };
  const gate = decideGate(config, primary);
  const lookup = lookupIn(comparisons, report.perClass);
  const thresholds = s.thresholds.length
    ? checkThresholds(s.thresholds, lookup, { confidence: s.confidence, classes: c.classes, task: c.task })
    : undefined;
  const paired = c.baseline !== undefined;
  const classGuard = s.classRegression && paired && report.perClass ? guardOfClasses(report.perClass, s) : undefined;
  const sliceGuard = compareSlices(report, s, c, metric, inference);
  const combined = combineDecision(gate, { thresholds, classGuard, sliceGuard });

  const p = report.primary;
  p.metric = metric;
  p.higherIsBetter = higherIsBetter(metric);
  p.new = primary.new;
  p.baseline = primary.baseline;
  p.improvement = gate.improvement;
  p.required = gate.required;
  report.decision = decisionReport(config, primary, combined.checks);
  report.thresholds = thresholds;
  report.classGuard = classGuard;
  report.warnings.push(...gate.warnings);
  report.passed = combined.passed;
  report.status = combined.passed ? 'passed' : 'failed';
  report.reason = combined.reason;
}

function guardOfClasses(perClass: ClassComparison[], s: EvaluationSettings): GuardReport {
  const gated = perClass.filter((c) => c.support > 0).length;
  const bootstrapped = Object.keys(s.classRegression ?? {}).some((m) => m !== 'recall');
  if (bootstrapped) checkHolmCanBlock(gated, 'classes', 'max-class-regression', s);
  return guardClasses(perClass, s.classRegression!, s.significanceLevel);
}

/**
 * A bootstrap p-value is at least 1/(B + 1), and Holm multiplies the smallest by the family's size
 * m: when m/(B + 1) is not below significance-level, no drop could ever block, and the guard would
 * pass whatever happened. Refused instead, with the replicates it takes.
 */
function checkHolmCanBlock(family: number, what: string, input: string, s: EvaluationSettings): void {
  const level = s.significanceLevel;
  if (level === undefined || family / (s.replicates + 1) < level) return;
  const needed = Math.ceil(family / level);
  throw new UserError(
    `Input ${input} with significance-level ${level} over ${family} ${what}: a bootstrap p-value is at least 1/(bootstrap-replicates + 1) = ` +
      `1/${s.replicates + 1}, and Holm's correction multiplies it by ${family}, so no drop could be significant.`,
    { input: 'bootstrap-replicates', hint: `Set bootstrap-replicates to at least ${needed}.` },
  );
}

/**
 * A guard asked for where it cannot apply is a mistake, not a guard that passes: checked once the
 * task is known, before the full pass.
 */
export function checkGuardsApply(s: EvaluationSettings, task: Task): void {
  if (s.classRegression && task !== 'classification') {
    throw new UserError(`Input max-class-regression guards the classes of a classification; this is a ${task} task.`, {
      input: 'max-class-regression',
      hint: 'Remove max-class-regression, or set task if the task was read wrong.',
    });
  }
  if (s.maxSliceRegression !== undefined && s.slices.length === 0) {
    throw new UserError('Input max-slice-regression guards the slices of the eval set, but input slices names none.', {
      input: 'max-slice-regression',
      hint: 'Name the slice columns in slices (e.g. slices: region), or remove max-slice-regression.',
    });
  }
}

/** The gating metric's comparison; a model whose value of it cannot be computed cannot be judged. */
function gatePrimary(comparisons: MetricComparison[], metric: MetricName, s: EvaluationSettings, c: Comparison): MetricComparison {
  const primary = comparisons.find((m) => m.metric === metric);
  const why = primary?.unavailable ?? 'no value';
  if (!primary || primary.new === null) {
    throw inputError('metric', `The new model's ${metric} cannot be computed: ${why}.`, { file: s.newModel });
  }
  if (c.baseline && primary.baseline === null) {
    throw inputError('metric', `The baseline model's ${metric} cannot be computed: ${why}.`, { file: s.baselineModel });
  }
  return primary;
}

/** A threshold's comparison: a metric of the set, or per class (recall[3]) the class's row. */
function lookupIn(comparisons: MetricComparison[], perClass: ClassComparison[] | undefined) {
  return (t: Threshold): MetricComparison | undefined => {
    if (t.classId === undefined) return comparisons.find((m) => m.metric === t.metric);
    return perClass?.find((r) => r.class === t.classId)?.[t.name as PerClassMetric];
  };
}

/** Every slice's metrics compared (report.slices), and the slice guard when max-slice-regression is set. */
function compareSlices(
  report: EvaluationReport,
  s: EvaluationSettings,
  c: Comparison,
  metric: MetricName,
  inference: InferenceSettings,
): GuardReport | undefined {
  if (c.slices.length === 0) return undefined;
  const guarded: SliceComparison[] = [];
  const reports: SliceReport[] = c.slices.map((column) => ({
    column: column.column,
    file: column.file,
    minRows: s.minSliceRows,
    slices: [...column.subsets].map(([code, stats]) => {
      const { comparisons } = compareStatistics(stats, inference, { slice: { column: column.column, code }, first: metric });
      const name = column.names?.get(code);
      guarded.push({ column: column.column, code, name, rows: stats.rows, comparison: comparisons[0] });
      return { code, ...(name === undefined ? {} : { name }), rows: stats.rows, comparisons };
    }),
  }));
  report.slices = reports;
  if (s.maxSliceRegression === undefined || c.baseline === undefined) return undefined;
  const gated = guarded.filter((x) => x.rows >= s.minSliceRows);
  checkSliceMetric(metric, gated);
  if (gated.some((x) => x.comparison.method?.test === 'bootstrap')) checkHolmCanBlock(gated.length, 'slices', 'max-slice-regression', s);
  const guard = guardSlices(guarded, { tolerance: s.maxSliceRegression, significanceLevel: s.significanceLevel, minRows: s.minSliceRows });
  const byColumn = sliceGuardsByColumn(guarded, guard);
  for (const r of reports) r.guard = byColumn.get(r.column);
  return guard;
}

/** The slice guard guards the gating metric per slice; the rank metrics are not computed per slice. */
function checkSliceMetric(metric: MetricName, slices: SliceComparison[]): void {
  const missing = slices.find((x) => x.comparison.metric !== metric || x.comparison.improvement === null);
  if (!missing) return;
  throw new UserError(
    `Input max-slice-regression guards the gating metric ${metric} in every slice, but it cannot be compared in slice ` +
      `${missing.column} = ${missing.name ?? missing.code}: ${missing.comparison.unavailable ?? 'no value'}.`,
    {
      input: 'max-slice-regression',
      hint: 'Gate on a metric computed per slice (accuracy, f1-macro, log-loss, ...), or remove max-slice-regression.',
    },
  );
}
