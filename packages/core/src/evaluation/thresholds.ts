import { parsed, parseError, type ParseResult } from '../errors.js';
import {
  METRIC_NAMES,
  PER_CLASS_METRICS,
  isMetricName,
  taskOf,
  type MetricName,
  type PerClassMetric,
  type Task,
} from '../metrics/definitions.js';
import { formatMetric, formatNumber } from '../util/format.js';
import type { MetricComparison } from './comparison.js';
import type { ThresholdReport } from './evaluation-report.js';
import { clearsBound, formatPercent } from './gate.js';
import { inputError } from './input-error.js';

/**
 * One line of the `thresholds` input, parsed. `metric` is the name the comparisons are looked up
 * by: 'accuracy', or for a per-class metric 'recall[3]'.
 */
export interface Threshold {
  /** 1-based line number in the input, and the line as written (comment and outer blanks removed). */
  line: number;
  text: string;
  metric: string;
  /** The metric without its class: 'recall' for 'recall[3]'. */
  name: MetricName | PerClassMetric;
  /** The class of a per-class metric. */
  classId?: number;
  /** value: bound on the new model's value; improvement: on the improvement; regression: on the worsening (-improvement). */
  kind: ThresholdReport['kind'];
  op: ThresholdReport['op'];
  /** In the metric's units; relative: a fraction of |baseline| (2% is 0.02). */
  bound: number;
  relative: boolean;
}

/** The forms a line takes, for messages and the README. */
export const THRESHOLD_FORMS =
  "METRIC >= X or METRIC <= X (the new model's value), METRIC improvement >= X (absolute, or X% relative to the baseline), " +
  'METRIC regression <= X (the worsening tolerated, absolute or X%); METRIC is a metric name or precision[C], recall[C], f1[C] for class C';

const PER_CLASS: readonly string[] = PER_CLASS_METRICS;
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?/i;

/**
 * Parses the `thresholds` input: one bound per line; blank lines and `#` comments (to the end of
 * a line) are ignored; names and keywords are case-insensitive. Grammar:
 *
 *     METRIC [ '[' CLASS ']' ] [ 'improvement' | 'regression' ] ( '>=' | '<=' ) NUMBER [ '%' ]
 *
 * - `accuracy >= 0.90`, `log-loss <= 0.45`: a bound on the new model's value, in the metric's units
 *   (no %);
 * - `recall[3] >= 0.90`: a per-class metric (precision, recall, f1) of class id 3;
 * - `accuracy improvement >= 0.01`: the improvement (positive = better by the metric's direction)
 *   is at least 0.01; a negative bound tolerates that much worsening; only `>=`;
 * - `f1-macro improvement >= 2%`: relative, improvement / |baseline value| >= 0.02;
 * - `log-loss regression <= 0.01`: the worsening (-improvement) is at most 0.01, i.e. the same as
 *   `improvement >= -0.01`; only `<=`, a bound >= 0; `%` makes it relative too.
 * Bounds are inclusive. An error names the line, quotes it and says what is expected; a line
 * repeated identically is refused (one of the two is a mistake).
 */
export function parseThresholds(text: string): ParseResult<Threshold[]> {
  const out: Threshold[] = [];
  const seen = new Map<string, Threshold>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const written = lines[i].replace(/#.*$/, '').trim();
    if (written === '') continue;
    const where = `line ${i + 1} ('${written}')`;
    const t = parseThresholdLine(written, i + 1);
    if (!t.ok) return parseError(`${where}: ${t.error}`);
    const key = `${t.value.metric} ${t.value.kind} ${t.value.op} ${t.value.bound} ${t.value.relative}`;
    const first = seen.get(key);
    if (first) return parseError(`${where} repeats line ${first.line} ('${first.text}'); remove one of them`);
    seen.set(key, t.value);
    out.push(t.value);
  }
  return parsed(out);
}

/** One non-blank line, comment removed: its metric, then the rest. */
function parseThresholdLine(text: string, line: number): ParseResult<Threshold> {
  const m = /^([^\s[\]<>=!%]+)\s*(?:\[\s*([^\]]*?)\s*\])?\s*(.*)$/.exec(text);
  if (!m) return parseError(`expected a metric name first; the forms are ${THRESHOLD_FORMS}`);
  const metric = parseMetric(m[1].toLowerCase(), m[2]);
  if (!metric.ok) return metric;
  const bound = parseBound(m[3], metric.value.metric);
  if (!bound.ok) return bound;
  return parsed({ line, text, ...metric.value, ...bound.value });
}

type MetricPart = Pick<Threshold, 'metric' | 'name' | 'classId'>;

function parseMetric(name: string, classText: string | undefined): ParseResult<MetricPart> {
  if (PER_CLASS.includes(name)) {
    if (classText === undefined) {
      return parseError(`${name} is a per-class metric: name the class, as in ${name}[3], or use ${name}-macro`);
    }
    if (!/^\d+$/.test(classText)) return parseError(`the class in ${name}[${classText}] is not a class id (0, 1, 2, ...)`);
    const classId = Number(classText);
    return parsed({ metric: `${name}[${classId}]`, name: name as PerClassMetric, classId });
  }
  if (!isMetricName(name)) {
    return parseError(
      `unknown metric ${name}; the metrics are ${METRIC_NAMES.join(', ')}, and per class ${PER_CLASS.map((c) => `${c}[C]`).join(', ')}`,
    );
  }
  if (classText !== undefined) {
    return parseError(`${name} is not a per-class metric; only ${PER_CLASS.join(', ')} take a class, as in recall[3]`);
  }
  return parsed({ metric: name, name });
}

type BoundPart = Pick<Threshold, 'kind' | 'op' | 'bound' | 'relative'>;

/** What follows the metric: `[improvement|regression] (>=|<=) NUMBER [%]`. */
function parseBound(rest: string, metric: string): ParseResult<BoundPart> {
  const m = /^(?:([a-z]+)\s*)?([<>=!]+)?\s*(.*)$/i.exec(rest) as RegExpExecArray;
  const word = m[1]?.toLowerCase();
  if (word !== undefined && word !== 'improvement' && word !== 'regression') {
    return parseError(`expected improvement, regression, >= or <= after ${metric}, found '${m[1]}'`);
  }
  const kind = (word ?? 'value') as BoundPart['kind'];
  const op = parseOperator(m[2], kind, metric);
  if (!op.ok) return op;
  const num = parseNumber(m[3].trim(), kind);
  if (!num.ok) return num;
  const { bound, relative } = num.value;
  if (kind === 'regression' && bound < 0) {
    return parseError(
      `a tolerated regression is 0 or more; to require a gain write '${metric} improvement >= ${-bound}${relative ? '%' : ''}'`,
    );
  }
  return parsed({ kind, op: op.value, bound: relative ? bound / 100 : bound, relative });
}

/** >= or <=, and only the one that makes sense for the kind. */
function parseOperator(op: string | undefined, kind: BoundPart['kind'], metric: string): ParseResult<BoundPart['op']> {
  const what = kind === 'value' ? metric : `${metric} ${kind}`;
  if (op === undefined) return parseError(`expected >= or <= after ${what}`);
  if (op !== '>=' && op !== '<=') {
    const inclusive = op === '>' || op === '<' ? ' (bounds are inclusive)' : '';
    return parseError(`'${op}' is not a comparison here: use >= or <=${inclusive}`);
  }
  if (kind === 'improvement' && op === '<=') {
    return parseError(
      `an improvement takes >= (the least improvement required); to tolerate a worsening of at most X write '${metric} regression <= X'`,
    );
  }
  if (kind === 'regression' && op === '>=') {
    return parseError(
      `a regression takes <= (the largest worsening tolerated); to require a gain of at least X write '${metric} improvement >= X'`,
    );
  }
  return parsed(op);
}

function parseNumber(text: string, kind: BoundPart['kind']): ParseResult<{ bound: number; relative: boolean }> {
  const m = NUMBER.exec(text);
  const rest = m ? text.slice(m[0].length).trim() : text;
  if (!m || (rest !== '' && rest !== '%'))
    return parseError(`expected a number after the comparison, found ${text === '' ? 'nothing' : `'${text}'`}`);
  const bound = Number(m[0]);
  if (!Number.isFinite(bound)) return parseError(`${m[0]} is not a finite number`);
  const relative = rest === '%';
  if (relative && kind === 'value') {
    return parseError(
      "a value bound is in the metric's own units (accuracy >= 0.9); % is for a relative change (accuracy improvement >= 2%)",
    );
  }
  return parsed({ bound, relative });
}

/** How the thresholds are judged: confidence basis, and what the run can check a line against. */
export interface ThresholdOptions {
  /** When set, change bounds judge the improvement's lower confidence bound at this level (basis 'lower-bound'). */
  confidence?: number;
  /** Classes of the task: a class id beyond them is the user's mistake. */
  classes?: number;
  /** The task: a metric of the other task is the user's mistake. */
  task?: Task;
}

/**
 * Judges every threshold against the comparisons (`lookup` finds a threshold's: by Threshold.metric, 'accuracy',
 * 'recall[3]'). A value bound judges the new model's value; a change bound the improvement, or with
 * `confidence` set its lower confidence bound (the improvement the data supports at that level; a
 * regression bound then judges the worsening's upper confidence bound, -lowerBound). Relative:
 * divided by |baseline value|. What cannot be computed (no value, no baseline, no bound, a relative
 * change of a baseline of 0) fails, saying why. A class id the task does not have, or a metric of
 * the other task, is a UserError naming input thresholds and the line. Failed rows first, each part
 * in line order.
 */
export function checkThresholds(
  thresholds: readonly Threshold[],
  lookup: (t: Threshold) => MetricComparison | undefined,
  options: ThresholdOptions,
): ThresholdReport[] {
  const rows = thresholds.map((t) => {
    checkApplies(t, options);
    return judgeThreshold(t, lookup(t), options.confidence);
  });
  return [...rows.filter((r) => !r.passed), ...rows.filter((r) => r.passed)];
}

function checkApplies(t: Threshold, options: ThresholdOptions): void {
  const where = `line ${t.line} ('${t.text}')`;
  const task = t.classId === undefined ? taskOf(t.name as MetricName) : 'classification';
  if (options.task !== undefined && task !== options.task) {
    throw inputError('thresholds', `${where}: ${t.name} is a ${task} metric, and this is a ${options.task} task.`, {
      hint: `Remove the line, or use a metric of a ${options.task} task.`,
    });
  }
  if (t.classId !== undefined && options.classes !== undefined && t.classId >= options.classes) {
    throw inputError(
      'thresholds',
      `${where}: there is no class ${t.classId}; the labels and model have ${options.classes} classes (0 to ${options.classes - 1}).`,
    );
  }
}

/** The number a threshold compares, and how it was obtained; or why there is none. */
interface Actual {
  value: number | null;
  basis: ThresholdReport['basis'];
  /** What the number is, with its numbers, or why there is none. */
  says: string;
}

function judgeThreshold(t: Threshold, c: MetricComparison | undefined, confidence: number | undefined): ThresholdReport {
  const actual = actualOf(t, c, confidence);
  const passed = actual.value !== null && clearsBound(actual.value, t.op, t.bound);
  const bound = `${t.op === '>=' ? 'at least' : 'at most'} ${formatBound(t.bound, t.relative)}`;
  const verdict = actual.value === null ? '' : passed ? `, ${bound}` : `, not ${bound}`;
  return {
    text: t.text,
    line: t.line,
    metric: t.metric,
    kind: t.kind,
    basis: actual.basis,
    actual: actual.value,
    op: t.op,
    bound: t.bound,
    relative: t.relative,
    passed,
    reason: `${actual.says}${verdict}`,
  };
}

function formatBound(bound: number, relative: boolean): string {
  return relative ? formatPercent(bound) : formatNumber(bound, 6);
}

function actualOf(t: Threshold, c: MetricComparison | undefined, confidence: number | undefined): Actual {
  const basis: ThresholdReport['basis'] = t.kind === 'value' ? 'value' : confidence === undefined ? 'improvement' : 'lower-bound';
  const missing = (why: string): Actual => ({ value: null, basis, says: why });
  if (c === undefined) return missing(`${t.metric} was not computed in this evaluation`);
  const why = c.unavailable ? `: ${c.unavailable}` : '';
  if (c.new === null) return missing(`the new model's ${t.metric} cannot be computed${why}`);
  if (t.kind === 'value') return { value: c.new, basis, says: `the new model's ${t.metric} is ${formatMetric(c.new)}` };
  if (c.baseline === null || c.improvement === null) return missing(`no baseline value of ${t.metric} to compare with${why}`);
  return changeOf(t, c, confidence, basis, missing);
}

/** A change bound's number: the improvement or its lower bound, relative or not, as a regression or not. */
function changeOf(
  t: Threshold,
  c: MetricComparison,
  confidence: number | undefined,
  basis: ThresholdReport['basis'],
  missing: (why: string) => Actual,
): Actual {
  const baseline = c.baseline as number;
  const values = `${formatMetric(c.new)} vs baseline ${formatMetric(baseline)}`;
  let change = c.improvement as number;
  let what = t.kind === 'regression' ? 'worsening' : 'improvement';
  let context = values;
  if (confidence !== undefined) {
    if (c.lowerBound === undefined)
      return missing(`the improvement of ${t.metric} has no ${formatPercent(confidence)} lower confidence bound`);
    const point = t.kind === 'regression' ? -change : change;
    change = c.lowerBound.value;
    what = `${formatPercent(confidence)} ${t.kind === 'regression' ? 'upper confidence bound of the worsening' : 'lower confidence bound of the improvement'}`;
    context = `${t.kind === 'regression' ? 'worsening' : 'improvement'} ${formatMetric(point)}, ${values}`;
  }
  const signed = t.kind === 'regression' ? -change : change;
  if (!t.relative) return { value: signed, basis, says: `the ${what} of ${t.metric} is ${formatMetric(signed)} (${context})` };
  if (baseline === 0) return missing(`the ${what} of ${t.metric} relative to the baseline is undefined: the baseline value is 0`);
  const relative = signed / Math.abs(baseline);
  return {
    value: relative,
    basis,
    says: `the ${what} of ${t.metric} relative to the baseline is ${formatPercent(relative)} (${formatMetric(signed)} / |baseline| ${formatMetric(Math.abs(baseline))}; ${context})`,
  };
}
