import { UserError } from '../errors.js';
import { defaultMetric, taskOf, type MetricName, type Task } from '../metrics/definitions.js';
import { formatMetric, formatNumber } from '../util/format.js';
import type { Interval, MetricComparison, TestName } from './comparison.js';
import type { DecisionReport, GuardReport, ThresholdReport } from './evaluation-report.js';

export type MissingBaselinePolicy = 'pass' | 'warn' | 'fail';

/** Why a run has no baseline, and what the gate does about it (the report's baselineMissing). */
export interface MissingBaseline {
  policy: MissingBaselinePolicy;
  /** "no baseline-model was given", "baseline-model PATH does not exist". */
  detail: string;
}

export interface GateConfig {
  metric: MetricName;
  /** How much better (absolute, in the metric's own units) the new model must be; negative tolerates that much regression. */
  minImprovement: number;
  /** significance-level: the gain must also be significant at this level (one-sided "the new model is better"). */
  significanceLevel?: number;
  /** confidence: the improvement's lower confidence bound at this level must clear minImprovement. */
  confidence?: number;
  /**
   * Set when there is no baseline model: its policy decides. Without it, a baseline value that is
   * missing (null) is a value that could not be computed, and the gate fails closed.
   */
  missingBaseline?: MissingBaseline;
}

/** A decision rule: the margin always, significance and confidence when their inputs are set. */
export type DecisionRule = DecisionReport['rules'][number];
/** One part of the decision and whether it held: the margin, the significance, the bound, the thresholds, a guard. */
export type DecisionCheck = DecisionReport['checks'][number];

export interface GateDecision {
  passed: boolean;
  /** One line a reviewer reads: the rule(s) and their numbers, and what failed. */
  reason: string;
  improvement: number | null;
  /** The value the new model had to reach (baseline ± min-improvement). */
  required: number | null;
  rules: DecisionRule[];
  /** Every rule's check, in the order of `rules` (without a baseline: the missing-baseline policy's). */
  checks: DecisionCheck[];
  /** What passed but should be said (a gain within noise). */
  warnings: string[];
}

/**
 * Absorbs rounding in `baseline + margin` (0.79 + 0.01 must admit 0.80), in every bound of the
 * decision: relative to the numbers compared, so that on a metric of tiny values (an mse of 1e-13)
 * it absorbs rounding and nothing more (an absolute 1e-12 once passed a model five times worse).
 */
export const ROUNDING = 1e-12;

/**
 * Whether `actual` satisfies `op bound`, within ROUNDING of the larger of the two in magnitude.
 * Written so that NaN fails: a value that is not a number clears no bound.
 */
export function clearsBound(actual: number, op: '>=' | '<=', bound: number): boolean {
  const slack = ROUNDING * Math.max(Math.abs(actual), Math.abs(bound));
  return op === '>=' ? actual + slack >= bound : actual - slack <= bound;
}

/** A level or fraction as a percentage: 0.95 -> "95%", 0.975 -> "97.5%", 0.031 -> "3.1%". */
export function formatPercent(fraction: number): string {
  return `${formatNumber(fraction * 100, 6)}%`;
}

/** A p-value as printed in a reason or note: 0.012, 4.1e-5. */
export function formatP(p: number): string {
  return formatNumber(p, 2);
}

function formatInterval(i: Interval): string {
  return `${formatPercent(i.level)} interval [${formatMetric(i.lower)}, ${formatMetric(i.upper)}]`;
}

const TESTS: Record<TestName, string> = {
  'mcnemar-exact': "McNemar's exact test",
  bootstrap: 'the paired bootstrap',
  z: 'the paired z-test',
  delong: "DeLong's test",
  'jackknife-t': 'the grouped jackknife t-test',
};

/** The one-sided test behind a comparison's p-values, named for a reader ("the paired bootstrap (2000 replicates)"). */
export function describeTest(method: MetricComparison['method']): string {
  if (!method) return "the metric's test";
  const replicates = method.test === 'bootstrap' && method.replicates !== undefined ? ` (${method.replicates} replicates)` : '';
  return `${TESTS[method.test]}${replicates}`;
}

/**
 * What a run without a baseline says out loud (a notice under pass, a warning under warn); none
 * under fail, where the gate's failure says it.
 */
export function missingBaselineWarning(m: MissingBaseline): string | undefined {
  if (m.policy === 'fail') return undefined;
  return `${m.detail}: the new model is judged on its own (missing-baseline: ${m.policy}). This must only happen for the very first model.`;
}

/** An annotation the action shows: its level and text. */
export interface ReportAnnotation {
  level: 'warning' | 'notice';
  text: string;
}

/** A run without a baseline, said out loud: a notice under missing-baseline pass, a warning under warn. */
export function missingBaselineAnnotation(m: MissingBaseline | undefined): ReportAnnotation | undefined {
  const text = m && missingBaselineWarning(m);
  return text ? { level: m.policy === 'warn' ? 'warning' : 'notice', text } : undefined;
}

/** The report's other warnings (a gain within noise, ...), each an annotation too. */
export function warningAnnotations(warnings: readonly string[], m: MissingBaseline | undefined): ReportAnnotation[] {
  const missing = m && missingBaselineWarning(m);
  return warnings.filter((w) => w !== missing).map((text) => ({ level: 'warning', text }));
}

/** The metric the gate uses: the one asked for, or the task's default. */
export function gateMetric(requested: MetricName | undefined, task: Task): MetricName {
  return requested ?? defaultMetric(task);
}

/**
 * Refuses a metric of the other task (rmse for a classification). Every classification metric
 * works for two classes or more (roc-auc and average-precision one-vs-rest, macro, as scikit-learn).
 * `taskFrom`: whether the task was set by the task input or detected from the new model's output
 * and the labels (the message says which).
 */
export function checkMetricFitsTask(metric: MetricName, task: Task, taskFrom: 'input' | 'detected'): void {
  if (taskOf(metric) === task) return;
  const detected = taskFrom === 'detected';
  const but = detected ? `this is a ${task} task (from the new model's output and the labels)` : `task is ${task}`;
  throw new UserError(`Input metric is ${metric}, a ${taskOf(metric)} metric, but ${but}.`, {
    input: 'metric',
    hint: detected ? 'Choose a metric of that task, or set task explicitly.' : undefined,
  });
}

/** The rules a configuration applies: the margin, then significance and confidence when set. */
export function decisionRules(config: GateConfig): DecisionRule[] {
  const rules: DecisionRule[] = ['min-improvement'];
  if (config.significanceLevel !== undefined) rules.push('significance');
  if (config.confidence !== undefined) rules.push('confidence');
  return rules;
}

/**
 * The promotion decision on the gating metric's comparison. Rules (all that are set must hold):
 * - min-improvement (always; TFMA's change threshold with an absolute margin): improvement >=
 *   min-improvement, improvement being positive when the new model is better whatever the
 *   metric's direction; a negative margin tolerates that much regression;
 * - significance (significance-level a): pNewBetter < a, the one-sided p of the metric's own test
 *   (McNemar's exact test for accuracy, the bootstrap, a z-test, DeLong...); no p fails closed;
 * - confidence (confidence c): the improvement's one-sided lower confidence bound at c >=
 *   min-improvement ("confidently at least min-improvement better"); no bound fails closed.
 * Without a baseline (missingBaseline set), its policy decides. A value that could not be computed
 * fails. When only the margin is asked for and it passes on a gain whose interval includes 0, a
 * warning says that the gain is within noise.
 */
export function decideGate(config: GateConfig, primary: MetricComparison): GateDecision {
  const rules = decisionRules(config);
  if (primary.new === null) return notComparable(rules, `the new model's ${config.metric} cannot be computed`, primary);
  if (primary.baseline === null) {
    if (config.missingBaseline) return decideWithoutBaseline(config, primary.new, rules);
    return notComparable(rules, `there is no baseline value of ${config.metric} to compare with`, primary);
  }
  const improvement = primary.improvement ?? NaN;
  const required = primary.higherIsBetter ? primary.baseline + config.minImprovement : primary.baseline - config.minImprovement;
  const margin = marginCheck(config, primary, improvement, required);
  const checks = [margin];
  if (config.significanceLevel !== undefined) checks.push(significanceCheck(config.significanceLevel, primary));
  if (config.confidence !== undefined) checks.push(confidenceCheck(config, primary));
  const passed = checks.every((c) => c.passed);
  const values = `${config.metric} ${formatMetric(primary.new)} vs baseline ${formatMetric(primary.baseline)}`;
  const reason = `${values}: ${passed ? passReason(checks) : failReason(improvement, margin, checks)}`;
  return { passed, reason, improvement, required, rules, checks, warnings: noiseWarnings(config, rules, passed, primary) };
}

/** "improvement 0.0500 (95% interval [0.0200, 0.0800])" */
function describeImprovement(improvement: number, primary: MetricComparison): string {
  const interval = primary.interval ? ` (${formatInterval(primary.interval)})` : '';
  return `improvement ${formatMetric(improvement)}${interval}`;
}

function marginCheck(config: GateConfig, primary: MetricComparison, improvement: number, required: number): DecisionCheck {
  const passed = clearsBound(improvement, '>=', config.minImprovement);
  const sign = primary.higherIsBetter ? '>=' : '<=';
  const plus = primary.higherIsBetter ? '+' : '-';
  const detail = passed
    ? `${describeImprovement(improvement, primary)} meets min-improvement ${config.minImprovement}`
    : `the new model must reach ${sign} ${formatMetric(required)} (baseline ${plus} min-improvement ${config.minImprovement}), its ${describeImprovement(improvement, primary)}`;
  return { name: 'min-improvement', passed, detail };
}

function significanceCheck(level: number, primary: MetricComparison): DecisionCheck {
  const p = primary.pNewBetter;
  if (p === undefined) {
    const why = primary.unavailable ? ` (${primary.unavailable})` : '';
    return {
      name: 'significance',
      passed: false,
      detail: `no one-sided test of the gain could be made${why}, so significance-level ${level} cannot be met`,
    };
  }
  const passed = p < level;
  const test = `${describeTest(primary.method)}, one-sided (is the new model better?), gives p = ${formatP(p)}`;
  return { name: 'significance', passed, detail: `${test}, ${passed ? 'below' : 'not below'} significance-level ${level}` };
}

function confidenceCheck(config: GateConfig, primary: MetricComparison): DecisionCheck {
  const level = formatPercent(config.confidence ?? NaN);
  const bound = primary.lowerBound;
  if (bound === undefined) {
    const why = primary.unavailable ? ` (${primary.unavailable})` : '';
    return { name: 'confidence', passed: false, detail: `the improvement has no ${level} lower confidence bound${why}` };
  }
  const passed = clearsBound(bound.value, '>=', config.minImprovement);
  const detail = passed
    ? `confidently at least ${config.minImprovement} better: the ${level} lower confidence bound of the improvement is ${formatMetric(bound.value)}`
    : `its ${level} lower confidence bound is ${formatMetric(bound.value)}, below min-improvement ${config.minImprovement}: the new model is not confidently at least ${config.minImprovement} better`;
  return { name: 'confidence', passed, detail };
}

function passReason(checks: DecisionCheck[]): string {
  const [margin, ...rest] = checks;
  return [margin.detail, ...rest.map((c) => (c.name === 'significance' ? `significant: ${c.detail}` : c.detail))].join('; ') + '.';
}

/**
 * The margin's failure when it fails (never "the gain may be noise" when there is no gain);
 * otherwise the margin held and the failing evidence rules say why they did not.
 */
function failReason(improvement: number, margin: DecisionCheck, checks: DecisionCheck[]): string {
  if (!margin.passed) return `${margin.detail}.`;
  const verdict = improvement > 0 ? ': the gain may be noise' : ': the new model is not significantly better';
  const failures = checks.filter((c) => !c.passed).map((c) => (c.name === 'significance' ? `${c.detail}${verdict}` : c.detail));
  return `${margin.detail}, but ${failures.join('; and ')}.`;
}

/**
 * The default rule alone passed on a gain whose interval reaches 0 or below, or that has no
 * interval at all: say so, and how to require evidence. (A tolerated regression, improvement <= 0,
 * is what the user asked for: no warning.)
 */
function noiseWarnings(config: GateConfig, rules: DecisionRule[], passed: boolean, primary: MetricComparison): string[] {
  const { interval, improvement } = primary;
  if (!passed || rules.length > 1 || improvement === null || !(improvement > 0)) return [];
  if (!interval) {
    return [
      `The gain in ${config.metric} of ${formatMetric(improvement)} has no interval (${primary.unavailable ?? 'none could be computed'}): ` +
        'nothing shows it is more than noise.',
    ];
  }
  if (interval.lower > 0) return [];
  return [
    `The gain in ${config.metric} of ${formatMetric(improvement)} is within noise: its ${formatInterval(interval)} includes 0. ` +
      'Set confidence: 0.95 or significance-level: 0.05 to require evidence of a gain.',
  ];
}

/** A comparison without a number to judge: fails closed, saying why. */
function notComparable(rules: DecisionRule[], what: string, primary: MetricComparison): GateDecision {
  const why = primary.unavailable ? `: ${primary.unavailable}` : '';
  const reason = `${what}${why}; the gate fails closed.`;
  const checks = rules.map((name) => ({ name, passed: false, detail: `${what}${why}` }));
  return {
    passed: false,
    reason: reason[0].toUpperCase() + reason.slice(1),
    improvement: null,
    required: null,
    rules,
    checks,
    warnings: [],
  };
}

function decideWithoutBaseline(config: GateConfig, newValue: number, rules: DecisionRule[]): GateDecision {
  const { policy, detail } = config.missingBaseline ?? { policy: 'fail', detail: 'no baseline was given' };
  const value = `${config.metric} ${formatMetric(newValue)}`;
  const passed = policy !== 'fail';
  const reason = passed
    ? `No baseline to beat (${detail}); the new model passes on its own with ${value} (missing-baseline: ${policy}).`
    : `${detail}, and missing-baseline is fail: there is nothing to compare ${value} against.`;
  const checks = [{ name: 'missing-baseline', passed, detail: `${detail} (missing-baseline: ${policy})` }];
  return { passed, reason, improvement: null, required: null, rules, checks, warnings: [] };
}

/** The report's decision block: the rules, their settings, the gating metric's numbers, and every check. */
export function decisionReport(config: GateConfig, primary: MetricComparison, checks: DecisionCheck[]): DecisionReport {
  return {
    rules: decisionRules(config),
    metric: config.metric,
    minImprovement: config.minImprovement,
    significanceLevel: config.significanceLevel ?? null,
    confidence: config.confidence ?? null,
    improvement: primary.improvement,
    lowerBound: primary.lowerBound?.value ?? null,
    pNewBetter: primary.pNewBetter ?? null,
    checks,
  };
}

/** The whole run's decision: the gate's, then the thresholds and the guards, each one check; all must hold. */
export interface CombinedDecision {
  passed: boolean;
  /** The gate's reason, followed by what else failed. */
  reason: string;
  /** The gate's checks, then one per part given. */
  checks: DecisionCheck[];
}

/**
 * Adds the thresholds and the regression guards to the gate's decision: each becomes a check
 * ('thresholds', 'class-regression', 'slice-regression'), and the run passes only when the gate
 * and every part pass. The reason starts with the gate's and names every failed threshold line and
 * guarded row, so the summary's one line says everything that blocked.
 */
export function combineDecision(
  gate: GateDecision,
  parts: { thresholds?: readonly ThresholdReport[]; classGuard?: GuardReport; sliceGuard?: GuardReport },
): CombinedDecision {
  const extra: DecisionCheck[] = [];
  if (parts.thresholds && parts.thresholds.length > 0) extra.push(thresholdsCheck(parts.thresholds));
  if (parts.classGuard) extra.push(guardCheck('class-regression', 'class', parts.classGuard));
  if (parts.sliceGuard) extra.push(guardCheck('slice-regression', 'slice', parts.sliceGuard));
  const failed = extra.filter((c) => !c.passed);
  const passed = gate.passed && failed.length === 0;
  const more = failed.map((c) => `${c.detail}.`).join(' ');
  const reason = failed.length === 0 ? gate.reason : `${gate.reason} ${gate.passed ? 'But ' : 'Also: '}${more}`;
  return { passed, reason, checks: [...gate.checks, ...extra] };
}

/** One check for the thresholds input: "2 of 5 thresholds failed: line 3 (log-loss regression <= 0.01): ..." */
export function thresholdsCheck(rows: readonly ThresholdReport[]): DecisionCheck {
  const failed = rows.filter((r) => !r.passed);
  const n = `${rows.length} threshold${rows.length === 1 ? '' : 's'}`;
  if (failed.length === 0) return { name: 'thresholds', passed: true, detail: `all ${n} hold` };
  const lines = failed.map((r) => `line ${r.line} (${r.text}): ${r.reason}`).join('; ');
  return { name: 'thresholds', passed: false, detail: `${failed.length} of ${n} failed: ${lines}` };
}

/** One check for a regression guard: which classes or slices regressed, or that none did. */
export function guardCheck(name: string, family: 'class' | 'slice', guard: GuardReport): DecisionCheck {
  const failed = guard.rows.filter((r) => r.failed);
  if (failed.length === 0) {
    const gated = guard.rows.filter((r) => r.gated).length;
    return { name, passed: true, detail: `no ${family} regressed beyond its tolerance (${gated} gated)` };
  }
  const rows = failed.map((r) => `${r.subject} ${r.metric} ${r.note}`).join('; ');
  return { name, passed: false, detail: `${failed.length} ${family} regression${failed.length === 1 ? '' : 's'}: ${rows}` };
}
