import { tableCell } from '../util/markdown.js';
import { formatMetric, formatNumber } from '../util/format.js';
import { higherIsBetter, type MetricName } from '../metrics/definitions.js';
import { formatDuration } from '../util/duration.js';
import { renderRunFooter } from '../util/run-info.js';
import type { ClassComparison, MetricComparison } from './comparison.js';
import type { EvaluationReport, GuardReport, GuardRow, ModelReport, SliceReport, ThresholdReport } from './evaluation-report.js';
import { classChangeChart, intervalPicture, signedMetric } from './evaluation-markdown-charts.js';

const ICON = { passed: '✅', failed: '❌', error: '⚠️', partial: '🧩' } as const;

/** GitHub refuses a comment longer than 65,536 characters; this leaves room for the marker and a note. */
export const MARKDOWN_LIMIT = 65_000;
/** Rows of one table (metrics, thresholds, classes, slices of one column) shown before "… N more". */
const ROW_CAP = 50;
/** Per-class tables above this many classes fold into <details>. */
const OPEN_CLASSES = 10;
/** The per-class chart is drawn up to this many classes. */
const CHART_CLASSES = 30;
/** Confusion matrices are printed up to this many classes. */
const MATRIX_CLASSES = 20;
/** Warnings (and listed guard failures) shown before "… N more". */
const LIST_CAP = 20;

/** The first `cap` items, and the line saying how many more there are (in the JSON report). */
function capped<T>(items: T[], cap: number, what: string): { shown: T[]; more: string[] } {
  if (items.length <= cap) return { shown: items, more: [] };
  return {
    shown: items.slice(0, cap),
    more: [`… ${(items.length - cap).toLocaleString('en-US')} more ${what} (all of them are in the JSON report).`],
  };
}

/**
 * One titled part of the summary; `optional` parts are dropped, bulkiest first, when the summary is
 * too long, leaving `whenDropped` (what must stay: the guard's failures) in their place.
 */
interface Section {
  name: string;
  lines: string[];
  optional?: boolean;
  whenDropped?: string[];
}

/**
 * The report as markdown, verdict first (job summary and PR comment), the run last: the decision
 * and its rule, the improvement's interval against the margin, the thresholds (failed first), every
 * metric of both models, per class and per slice, what was compared, the next step. Kept under
 * GitHub's comment limit by dropping the bulkiest details first.
 */
export function renderEvaluationMarkdown(r: EvaluationReport, options: { marker?: string } = {}): string {
  if (r.status === 'partial') return partialMarkdown(r);
  const sections: Section[] = [
    { name: 'verdict', lines: verdict(r) },
    { name: 'decision', lines: decisionBlock(r) },
    { name: 'thresholds', lines: thresholdSection(r) },
    { name: 'metrics', lines: metricSection(r) },
    { name: 'per-class details', lines: perClassSection(r), optional: true, whenDropped: classGuardLines(r) },
    { name: 'slices', lines: sliceSections(r), optional: true, whenDropped: sliceGuardLines(r) },
    { name: 'confusion matrices', lines: confusionMatrices(r), optional: true },
    { name: 'models and data', lines: modelsAndData(r), optional: true },
    { name: 'next', lines: ['**Next:** ' + nextStep(r), ''] },
  ];
  const footer = renderRunFooter(r.run);
  if (footer) sections.push({ name: 'footer', lines: [footer, ''] });
  const head = options.marker ? [options.marker] : [];
  return fitToLimit(head, sections);
}

/**
 * Drops optional sections, the bulkiest first, until the text fits MARKDOWN_LIMIT, and says which;
 * past that (a report of enormous warnings), cuts at a line and closes what the cut left open.
 */
function fitToLimit(head: string[], sections: Section[]): string {
  const size = (s: Section) => s.lines.reduce((n, l) => n + l.length + 1, 0);
  const join = (parts: Section[]) => [...head, ...parts.flatMap((s) => s.lines)].join('\n');
  let kept = sections;
  const dropped: string[] = [];
  while (join(kept).length > MARKDOWN_LIMIT) {
    const bulkiest = kept.filter((s) => s.optional && s.lines.length).sort((a, b) => size(b) - size(a))[0];
    if (!bulkiest) break;
    kept = kept.map((s) => (s === bulkiest ? { name: s.name, lines: s.whenDropped ?? [] } : s));
    dropped.push(bulkiest.name);
  }
  if (dropped.length) {
    const note = `> [!NOTE]\n> Shortened to fit GitHub's comment limit: the ${dropped.join(', ')} are in the JSON report.`;
    kept = [...kept.slice(0, -1), { name: 'note', lines: [note, ''] }, kept[kept.length - 1]];
  }
  const text = join(kept);
  return text.length <= MARKDOWN_LIMIT ? text : cutAtLimit(text);
}

/** The text cut at a line before MARKDOWN_LIMIT, an open code fence and open <details> closed. */
function cutAtLimit(text: string): string {
  const lines = text
    .slice(0, MARKDOWN_LIMIT - 200)
    .split('\n')
    .slice(0, -1);
  const fences = lines.filter((l) => l.startsWith('```')).length;
  const open = lines.filter((l) => l.startsWith('<details>')).length - lines.filter((l) => l.startsWith('</details>')).length;
  if (fences % 2) lines.push('```');
  for (let i = 0; i < open; i++) lines.push('</details>');
  lines.push('', "… cut at GitHub's comment limit: the JSON report has everything.", '');
  return lines.join('\n');
}

/** A shard's summary: what it scored; the merge's summary is the evaluation's. */
function partialMarkdown(r: EvaluationReport): string {
  const out = [`## ${ICON.partial} Model evaluation: shard ${r.shard?.index} of ${r.shard?.count} scored`, '', r.reason, ''];
  if (r.taskReason) out.push(`**Task:** ${r.taskReason}.`, '');
  for (const w of r.warnings) out.push(`> [!WARNING]\n> ${w.replace(/\r?\n/g, '\n> ')}`, '');
  out.push(...modelsAndData(r));
  out.push(
    `**Next:** the merge job (\`mode: merge\`) reads the partial \`${r.shard?.partial}\` with the other shards' and decides the gate.`,
    '',
  );
  const footer = renderRunFooter(r.run);
  if (footer) out.push(footer, '');
  return out.join('\n');
}

function verdict(r: EvaluationReport): string[] {
  const title = r.status === 'passed' ? 'passed' : r.status === 'failed' ? 'failed' : r.status === 'partial' ? 'partial' : 'could not run';
  const out = [`## ${ICON[r.status]} Model evaluation ${title}: ${r.primary.metric}`, '', r.reason, ''];
  if (r.taskReason) out.push(`**Task:** ${r.taskReason}.`, '');
  const { shown, more } = capped(r.warnings, LIST_CAP, 'warnings');
  for (const w of shown) out.push(`> [!WARNING]\n> ${w.replace(/\r?\n/g, '\n> ')}`, '');
  if (more.length) out.push(...more, '');
  return out;
}

/** The rule(s) in words with their numbers: "improvement ≥ 0.01 and its 0.95 lower confidence bound ≥ 0.01". */
function ruleText(d: NonNullable<EvaluationReport['decision']>): string {
  const parts: string[] = [];
  for (const rule of d.rules) {
    if (rule === 'min-improvement') parts.push(`improvement ≥ ${formatNumber(d.minImprovement)} (min-improvement)`);
    if (rule === 'significance' && d.significanceLevel !== null)
      parts.push(`"the new model is better" significant at ${formatNumber(d.significanceLevel)} (one-sided p < significance-level)`);
    if (rule === 'confidence' && d.confidence !== null)
      parts.push(`the ${formatNumber(d.confidence)} lower confidence bound of the improvement ≥ ${formatNumber(d.minImprovement)}`);
  }
  return parts.join(' and ');
}

/** How the gate decided: the rule and each check in one or two lines, then the interval against the margin. */
function decisionBlock(r: EvaluationReport): string[] {
  const d = r.decision;
  if (!d) return [...legacyThreshold(r), ...legacySignificance(r)];
  const out = [`**Rule on ${d.metric}:** ${ruleText(d) || 'none'}.`];
  if (d.checks.length) out.push('', d.checks.map((c) => `${c.passed ? '✅' : '❌'} ${c.name}: ${c.detail}`).join(' · '));
  out.push('');
  const gating = comparisonsOf(r).find((c) => c.metric === d.metric);
  if (gating?.interval) {
    const bound = d.confidence !== null && d.lowerBound !== null ? { level: d.confidence, value: d.lowerBound } : gating.lowerBound;
    out.push(
      ...intervalPicture({
        metric: d.metric,
        improvement: d.improvement ?? gating.improvement,
        interval: gating.interval,
        minImprovement: d.minImprovement,
        lowerBound: bound,
      }),
    );
  }
  return out;
}

/** Reports without a decision block (written before issue 10): the threshold the new model had to reach. */
function legacyThreshold(r: EvaluationReport): string[] {
  const p = r.primary;
  if (p.required === null || !r.models.new?.metrics) return [];
  return [
    `Threshold: ${p.metric} ${p.higherIsBetter ? '≥' : '≤'} ${formatMetric(p.required)} (baseline ${p.higherIsBetter ? '+' : '−'} min-improvement ${p.minImprovement}).`,
    '',
  ];
}

/** Reports without a decision block: McNemar's test as the old gate reported it. */
function legacySignificance(r: EvaluationReport): string[] {
  const s = r.significance;
  if (!s) return [];
  return [
    `McNemar's exact test: the new model alone is right on ${s.newOnlyCorrect} rows, the baseline alone on ${s.baselineOnlyCorrect}; ` +
      `one-sided p (is the new model better?) = ${formatMetric(s.pValueNewBetter)}${s.level !== null ? ` (gate: p < ${s.level})` : ''}, ` +
      `two-sided p (do they differ?) = ${formatMetric(s.pValue)}.`,
    '',
  ];
}

/** A threshold's number: a metric value, or a percentage for a relative change bound (0.02 = 2%). */
function thresholdNumber(t: ThresholdReport, v: number): string {
  return t.relative ? `${formatNumber(v * 100)}%` : formatMetric(v);
}

const BASIS: Record<ThresholdReport['basis'], string> = {
  value: 'new value',
  improvement: 'improvement',
  'lower-bound': 'lower confidence bound of the improvement',
};

/** The thresholds input, one row per line, failed first. */
function thresholdSection(r: EvaluationReport): string[] {
  const rows = r.thresholds ?? [];
  if (!rows.length) return [];
  const sorted = [...rows.filter((t) => !t.passed), ...rows.filter((t) => t.passed)];
  const failed = rows.length - rows.filter((t) => t.passed).length;
  const out = [
    `**Thresholds:** ${failed ? `❌ ${failed} of ${rows.length} failed` : `✅ all ${rows.length} passed`}.`,
    '',
    '| | threshold | compared | actual | bound | why |',
    '|---|---|---|---:|---:|---|',
  ];
  const { shown, more } = capped(sorted, ROW_CAP, 'thresholds');
  for (const t of shown) {
    const sign = t.actual !== null && t.actual > 0 && t.basis !== 'value' ? '+' : '';
    const actual = t.actual === null ? 'n/a' : sign + thresholdNumber(t, t.actual);
    out.push(
      `| ${t.passed ? '✅' : '❌'} | \`${tableCell(t.text)}\` (line ${t.line}) | ${BASIS[t.basis]}${t.relative ? ' ÷ \\|baseline\\|' : ''} | ${actual} | ${t.op === '>=' ? '≥' : '≤'} ${thresholdNumber(t, t.bound)} | ${tableCell(t.reason)} |`,
    );
  }
  out.push('', ...more);
  if (more.length) out.push('');
  return out;
}

/**
 * Every metric of both models as comparisons: the report's own, or, for a report without them
 * (written before issue 10), built from the two models' metric values (no intervals).
 */
function comparisonsOf(r: EvaluationReport): MetricComparison[] {
  if (r.comparisons) return r.comparisons;
  const n = r.models.new;
  if (!n?.metrics) return [];
  const b = r.models.baseline;
  return (Object.keys(n.metrics) as MetricName[]).map((m) => {
    const up = higherIsBetter(m);
    const nv = n.metrics?.[m] ?? null;
    const bv = b?.metrics?.[m] ?? null;
    const c: MetricComparison = { metric: m, higherIsBetter: up, new: nv, baseline: bv, improvement: null };
    if (nv !== null && bv !== null) c.improvement = up ? nv - bv : bv - nv;
    const why = n.unavailable?.[m] ?? b?.unavailable?.[m] ?? (b && bv === null ? "the baseline's value could not be computed" : undefined);
    if (why) c.unavailable = why;
    return c;
  });
}

/** The gating metric first, the others in the report's order. */
function gatingFirst(r: EvaluationReport, list: MetricComparison[]): MetricComparison[] {
  const gate = r.decision?.metric ?? r.primary.metric;
  return [...list.filter((c) => c.metric === gate), ...list.filter((c) => c.metric !== gate)];
}

/** The metric's name in its row: the gating metric bold, marked (gate). */
function metricName(r: EvaluationReport, c: MetricComparison): string {
  return c.metric === (r.decision?.metric ?? r.primary.metric) ? `**${tableCell(c.metric)}** (gate)` : tableCell(c.metric);
}

/** The change in words by the metric's direction: "▲ better by 0.0120", "▼ worse by 0.0400", "= no change". */
function changeWords(c: MetricComparison): string | null {
  if (c.improvement === null || !Number.isFinite(c.improvement)) return null;
  if (c.improvement === 0) return '= no change';
  return `${c.improvement > 0 ? '▲ better' : '▼ worse'} by ${formatMetric(Math.abs(c.improvement))}`;
}

/** The change as a signed arrow for higher-is-better metrics (per-class): "▲ +0.0120". */
function changeArrow(c: MetricComparison): string | null {
  if (c.improvement === null || !Number.isFinite(c.improvement)) return null;
  if (c.improvement === 0 || !c.higherIsBetter) return changeWords(c);
  return `${c.improvement > 0 ? '▲' : '▼'} ${signedMetric(c.improvement)}`;
}

function intervalText(c: MetricComparison): string | null {
  return c.interval ? `[${signedMetric(c.interval.lower)}, ${signedMetric(c.interval.upper)}]` : null;
}

/** Why a cell of this comparison reads n/a: its own reason, never a bare n/a. */
function reasonOf(c: MetricComparison, r: EvaluationReport): string {
  if (c.unavailable) return c.unavailable;
  if (c.baseline === null && !r.models.baseline) return 'no baseline';
  return 'not computed for this report';
}

/** The level of the report's intervals, as a percentage ("95%"). */
function levelText(r: EvaluationReport | undefined, list: MetricComparison[]): string {
  const level = list.find((c) => c.interval)?.interval?.level ?? r?.inference?.level ?? 0.95;
  return `${Math.round(level * 1000) / 10}%`;
}

/** The legend under the metrics table: arrows by direction, the sign of intervals, what p is. */
function legend(list: MetricComparison[], withInterval: boolean, withP: boolean): string {
  const lower = [...new Set(list.filter((c) => !c.higherIsBetter).map((c) => c.metric))];
  const parts = [`▲ better, ▼ worse, by each metric's direction${lower.length ? ` (lower is better: ${lower.join(', ')})` : ''}`];
  if (withInterval || withP) parts.push('the interval and p are of the improvement: positive = the new model is better');
  if (withP) parts.push('p: one-sided, of "the new model is better"');
  return parts.join('; ') + '.';
}

/** Every metric of both models: values, the change in words, the improvement's interval, p, and why any is n/a. */
function metricSection(r: EvaluationReport): string[] {
  const list = gatingFirst(r, comparisonsOf(r));
  if (!list.length) return [];
  const hasBaseline = !!r.models.baseline || list.some((c) => c.baseline !== null);
  if (!hasBaseline) return newOnlyTable(r, list);
  const withInterval = list.some((c) => c.interval);
  const withP = list.some((c) => c.pNewBetter !== undefined);
  const head = ['metric', 'new', 'baseline', 'change'];
  if (withInterval) head.push(`improvement, ${levelText(r, list)} interval`);
  if (withP) head.push('p (new better)');
  const { shown, more } = capped(list, ROW_CAP, 'metrics');
  const rows = shown.map((c) => {
    const cells = [metricName(r, c), formatMetric(c.new), formatMetric(c.baseline), changeWords(c) ?? 'n/a'];
    if (withInterval) cells.push(intervalText(c) ?? 'n/a');
    if (withP) cells.push(c.pNewBetter !== undefined ? formatNumber(c.pNewBetter) : 'n/a');
    return { cells, why: cells.includes('n/a') ? tableCell(reasonOf(c, r)) : '' };
  });
  const withWhy = rows.some((row) => row.why);
  if (withWhy) head.push('why n/a');
  const out = [`| ${head.join(' | ')} |`, `|---|${'---:|'.repeat(head.length - (withWhy ? 2 : 1))}${withWhy ? '---|' : ''}`];
  for (const row of rows) out.push(`| ${[...row.cells, ...(withWhy ? [row.why] : [])].join(' | ')} |`);
  out.push('', ...more, legend(list, withInterval, withP), '');
  return out;
}

/** Without a baseline: the new model's values, and why any is n/a. */
function newOnlyTable(r: EvaluationReport, list: MetricComparison[]): string[] {
  const out = ['No baseline: the new model alone.', '', '| metric | new | why n/a |', '|---|---:|---|'];
  const { shown, more } = capped(list, ROW_CAP, 'metrics');
  for (const c of shown) {
    out.push(`| ${metricName(r, c)} | ${formatMetric(c.new)} | ${c.new === null ? tableCell(reasonOf(c, r)) : ''} |`);
  }
  out.push('', ...more);
  if (more.length) out.push('');
  return out;
}

/** The guard row of one subject ('class 3', 'region = EU') for one metric, if the guard has one. */
function guardRowOf(guard: GuardReport | undefined, subject: string, metric?: string): GuardRow | undefined {
  return guard?.rows.find(
    (g) => g.subject === subject && (metric === undefined || g.metric === metric || g.metric.startsWith(`${metric}[`)),
  );
}

/** The guard's verdict in a line, and each failed row, capped. */
function guardSummary(title: string, guard: GuardReport, what: { one: string; many: string }): string[] {
  const tol = Object.entries(guard.tolerances)
    .map(([m, t]) => `${m} may drop by at most ${formatNumber(t)}`)
    .join(', ');
  const holm =
    guard.significanceLevel !== null
      ? `; a drop blocks only when significant at ${formatNumber(guard.significanceLevel)} after Holm's correction`
      : '';
  const failed = guard.rows.filter((g) => g.failed);
  const verdictText = failed.length
    ? `❌ ${failed.length.toLocaleString('en-US')} ${failed.length === 1 ? what.one : what.many} failed`
    : `✅ no ${what.one} dropped beyond its tolerance`;
  const out = [`**${title}** (${tol}${holm}): ${verdictText}.`, ''];
  const { shown, more } = capped(failed, LIST_CAP, `failed ${what.many}`);
  for (const g of shown) out.push(`- ❌ ${guardRowText(g)}`);
  if (shown.length) out.push(...more, '');
  return out;
}

/** "class 2, recall 0.8000 → 0.6200 (drop 0.1800, 612 rows): <note>" */
function guardRowText(g: GuardRow): string {
  const values = g.new !== null && g.baseline !== null ? ` ${formatMetric(g.baseline)} → ${formatMetric(g.new)}` : '';
  const drop = g.drop !== null ? `drop ${formatMetric(g.drop)}, ` : '';
  return `${g.subject}, ${g.metric}${values} (${drop}${g.rows.toLocaleString('en-US')} rows)${g.note ? `: ${g.note}` : ''}`;
}

/** The metric the class guard watches (its first tolerance), recall when there is no guard. */
function guardedClassMetric(r: EvaluationReport): 'precision' | 'recall' | 'f1' {
  const first = Object.keys(r.classGuard?.tolerances ?? {})[0];
  return first === 'precision' || first === 'f1' ? first : 'recall';
}

/** Classes to show: all in order, or (beyond the cap) failed first, then the largest drops. */
function classOrder(
  list: ClassComparison[],
  failed: (c: ClassComparison) => boolean,
  metric: 'precision' | 'recall' | 'f1',
): ClassComparison[] {
  if (list.length <= ROW_CAP) return list;
  const change = (c: ClassComparison) => c[metric].improvement ?? 0;
  return [...list].sort((a, b) => Number(failed(b)) - Number(failed(a)) || change(a) - change(b) || a.class - b.class);
}

/** The class guard's verdict and its failed classes. */
function classGuardLines(r: EvaluationReport): string[] {
  return r.classGuard ? guardSummary('Class guard', r.classGuard, { one: 'class', many: 'classes' }) : [];
}

/** Each slice column's guard verdict and its failed slices. */
function sliceGuardLines(r: EvaluationReport): string[] {
  return (r.slices ?? []).flatMap((s) => (s.guard ? sliceGuardSummary(s, s.guard) : []));
}

function sliceGuardSummary(s: SliceReport, guard: GuardReport): string[] {
  return guardSummary(`Slice guard on ${s.column}`, guard, { one: 'slice', many: 'slices' });
}

/** Per class: support and the three per-class metrics of both models, guard failures flagged, and the chart. */
function perClassSection(r: EvaluationReport): string[] {
  const list = r.perClass ?? [];
  if (!list.length) return [];
  const metric = guardedClassMetric(r);
  const guard = r.classGuard;
  const flag = (c: ClassComparison) => guardRowOf(guard, `class ${c.class}`, metric) ?? guardRowOf(guard, `class ${c.class}`);
  const failed = (c: ClassComparison) => guard?.rows.some((g) => g.failed && g.subject === `class ${c.class}`) ?? false;
  const withBaseline = list.some((c) => c.recall.baseline !== null);
  const metrics = [metric, ...(['recall', 'precision', 'f1'] as const).filter((m) => m !== metric)];
  const table = classTable(classOrder(list, failed, metric), metrics, withBaseline, flag, failed);
  const { more } = capped(list, ROW_CAP, 'classes');
  const chart = withBaseline && list.length <= CHART_CLASSES ? classChart(list, metric, guard, failed) : [];
  const body = [...table, '', ...more, ...(more.length ? [''] : []), ...chart];
  const out = classGuardLines(r);
  const nFailed = list.filter(failed).length;
  if (list.length <= OPEN_CLASSES) return [...out, '**Per class**', '', ...body];
  const title = `Per class: ${list.length} classes${nFailed ? `, ${nFailed} failed ❌` : ''}`;
  return [...out, `<details><summary>${title}</summary>`, '', ...body, '</details>', ''];
}

/** The per-class table: ❌ on failed rows, each metric's new / baseline / change, the guard's note. */
function classTable(
  list: ClassComparison[],
  metrics: readonly ('precision' | 'recall' | 'f1')[],
  withBaseline: boolean,
  flag: (c: ClassComparison) => GuardRow | undefined,
  failed: (c: ClassComparison) => boolean,
): string[] {
  const label = { precision: 'precision', recall: 'recall', f1: 'F1' } as const;
  const head = ['', 'class', 'support'];
  const guarded = metrics[0];
  head.push(...(withBaseline ? [`${label[guarded]} new`, 'base', 'change'] : [label[guarded]]));
  for (const m of metrics.slice(1)) head.push(...(withBaseline ? [label[m], 'change'] : [label[m]]));
  head.push('guard');
  const out = [`| ${head.join(' | ')} |`, `|---|${'---:|'.repeat(head.length - 2)}---|`];
  for (const c of list.slice(0, ROW_CAP)) {
    const cells = [failed(c) ? '❌' : '', String(c.class), c.support.toLocaleString('en-US')];
    for (const m of metrics) {
      const v = c[m];
      cells.push(formatMetric(v.new));
      if (withBaseline && m === guarded) cells.push(formatMetric(v.baseline));
      if (withBaseline) cells.push(changeArrow(v) ?? 'n/a');
    }
    const note = flag(c)?.note ?? '';
    const missing = cells.includes('n/a') ? (c[metrics[0]].unavailable ?? c.recall.unavailable ?? 'not computed for this class') : '';
    cells.push(tableCell([note, missing].filter(Boolean).join('; ')));
    out.push(`| ${cells.join(' | ')} |`);
  }
  return out;
}

/** The Mermaid chart of the guarded metric's per-class changes (classes with a change only). */
function classChart(
  list: ClassComparison[],
  metric: 'precision' | 'recall' | 'f1',
  guard: GuardReport | undefined,
  failed: (c: ClassComparison) => boolean,
): string[] {
  const points = list.filter((c) => c[metric].improvement !== null && Number.isFinite(c[metric].improvement));
  const left = list.length - points.length;
  return classChangeChart({
    metric,
    classes: points.map((c) => ({ label: String(c.class), change: c[metric].improvement as number, failed: failed(c) })),
    tolerance: guard?.tolerances[metric],
    note: left ? `${left} of ${list.length} classes have no change (n/a) and are left out.` : undefined,
  });
}

/** Each slice column: its slices with the gating metric of both models compared, and its guard. */
function sliceSections(r: EvaluationReport): string[] {
  const gate = r.decision?.metric ?? r.primary.metric;
  return (r.slices ?? []).flatMap((s) => sliceSection(s, gate));
}

function sliceSection(s: SliceReport, gate: string): string[] {
  const name = (slice: SliceReport['slices'][number]) => slice.name ?? String(slice.code);
  const subject = (slice: SliceReport['slices'][number]) => `${s.column} = ${name(slice)}`;
  const row = (slice: SliceReport['slices'][number]) =>
    guardRowOf(s.guard, subject(slice)) ?? guardRowOf(s.guard, `${s.column} = ${slice.code}`);
  const ordered =
    s.slices.length > ROW_CAP ? [...s.slices].sort((a, b) => Number(row(b)?.failed ?? false) - Number(row(a)?.failed ?? false)) : s.slices;
  const { shown, more } = capped(ordered, ROW_CAP, `slices of ${s.column}`);
  const head = `**Slices by \`${tableCell(s.column)}\`** (\`${tableCell(s.file)}\`; slices under ${s.minRows.toLocaleString('en-US')} rows are reported, not gated)`;
  const out = [head, ''];
  if (s.guard) out.push(...sliceGuardSummary(s, s.guard));
  const level = levelText(
    undefined,
    s.slices.flatMap((k) => k.comparisons),
  );
  out.push(
    `| | ${tableCell(s.column)} | rows | ${gate} new | baseline | change | improvement, ${level} interval | guard |`,
    '|---|---|---:|---:|---:|---:|---:|---|',
  );
  for (const slice of shown) {
    const c = slice.comparisons.find((k) => k.metric === gate) ?? slice.comparisons[0];
    const g = row(slice);
    const cells = [
      g?.failed ? '❌' : '',
      tableCell(name(slice)),
      slice.rows.toLocaleString('en-US'),
      formatMetric(c?.new),
      formatMetric(c?.baseline),
      (c && changeWords(c)) ?? 'n/a',
      (c && intervalText(c)) ?? 'n/a',
    ];
    const missing = cells.includes('n/a') ? (c?.unavailable ?? 'not computed for this slice') : '';
    cells.push(tableCell([g?.note ?? '', missing].filter(Boolean).join('; ')));
    out.push(`| ${cells.join(' | ')} |`);
  }
  out.push('', ...more);
  if (more.length) out.push('');
  return out;
}

function matrix(title: string, m: number[][]): string[] {
  const k = m.length;
  const head = `| true \\ predicted | ${Array.from({ length: k }, (_, i) => i).join(' | ')} |`;
  return [`**${title}**`, '', head, `|---|${'---:|'.repeat(k)}`, ...m.map((row, t) => `| **${t}** | ${row.join(' | ')} |`), ''];
}

/** Both confusion matrices, folded, for up to MATRIX_CLASSES classes (the JSON report has them always). */
function confusionMatrices(r: EvaluationReport): string[] {
  const { new: n, baseline: b } = r.models;
  if (!n?.confusion?.length || n.confusion.length > MATRIX_CLASSES) return [];
  const out = ['<details><summary>Confusion matrices</summary>', '', ...matrix('New model', n.confusion)];
  if (b?.confusion) out.push(...matrix('Baseline', b.confusion));
  out.push('</details>', '');
  return out;
}

function short(sha?: string): string {
  return sha ? `\`${sha.slice(0, 12)}\`` : '';
}

function modelRow(name: string, m: ModelReport): string {
  const t =
    m.cache?.status === 'hit'
      ? 'read from baseline-cache'
      : m.timing
        ? `${formatDuration(m.timing.inferenceMs)} (${Math.round(m.timing.rowsPerSecond).toLocaleString('en-US')} rows/s)`
        : '';
  return `| ${name} | ${modelSource(m)} | ${short(m.sha256)} | ${m.output ? `${m.output.name} (${m.outputKind ?? m.output.type})` : ''} | ${t} |`;
}

/** Where a model came from: its path, or the release or workflow run a baseline was fetched from. */
function modelSource(m: ModelReport): string {
  const o = m.origin;
  if (o?.kind === 'release') return `release [${tableCell(o.tag)}](${o.releaseUrl}), asset \`${tableCell(o.asset)}\``;
  if (o?.kind === 'artifact')
    return `artifact \`${tableCell(o.artifactName)}\` of [run ${o.runId}](${o.runUrl}) (${tableCell(o.workflow)}), \`${tableCell(o.file)}\``;
  return `\`${m.path}\``;
}

/** How the intervals were computed: level, replicates, seed (so that a reader can reproduce them). */
function inferenceLine(r: EvaluationReport): string {
  const s = r.inference;
  if (!s) return '';
  const conf = s.confidence !== undefined ? `; lower confidence bounds at ${formatNumber(s.confidence)} (one-sided)` : '';
  return ` Intervals: ${Math.round(s.level * 1000) / 10}% two-sided${conf}; bootstrap replicates ${s.replicates.toLocaleString('en-US')}, seed ${s.seed}.`;
}

/** What was compared: the files, their SHA-256 (shortened here; in full in the JSON report), the run's settings. */
function modelsAndData(r: EvaluationReport): string[] {
  const { new: n, baseline: b } = r.models;
  if (!n && !r.evalSet) return [];
  const out = ['<details><summary>Models and data</summary>', '', '| | path | sha256 | output | inference |', '|---|---|---|---|---:|'];
  if (n) out.push(modelRow('new', n));
  if (b) out.push(modelRow('baseline', b));
  if (r.evalSet) {
    const e = r.evalSet;
    out.push(
      `| eval set | \`${e.path}\` | ${short(e.sha256)} | ${e.rows.toLocaleString('en-US')} rows; features ${e.features.dtype} [${e.features.shape.join(', ')}], labels ${e.labels.dtype} | |`,
    );
  }
  out.push(
    '',
    `Batch size ${r.settings.batchSize}${r.settings.onnxruntime ? `, onnxruntime ${r.settings.onnxruntime.version}` : ''}.${inferenceLine(r)}${shardsLine(r)}`,
    '</details>',
    '',
  );
  return out;
}

/** A merged evaluation: how many shards, and the rows of each. */
function shardsLine(r: EvaluationReport): string {
  const shards = r.shards;
  if (!shards?.length) return '';
  const sizes = shards.map((s) => (s.rows.end - s.rows.start).toLocaleString('en-US'));
  return ` Scored in ${shards.length} shards, merged exactly (rows per shard: ${sizes.join(', ')}).`;
}

function nextStep(r: EvaluationReport): string {
  if (r.status === 'error') {
    return r.error?.input
      ? `fix the \`${r.error.input}\` input${r.error.file ? ` (\`${r.error.file}\`)` : ''} and run again.`
      : `fix the problem above${r.error?.file ? ` in \`${r.error.file}\`` : ''} and run again.`;
  }
  if (r.status === 'failed') {
    if (r.baselineMissing?.policy === 'fail') {
      return 'provide the production model as `baseline-model`, or set `missing-baseline: pass` for the very first model.';
    }
    return 'this model does not replace production. Improve it and push again, or, if a bound is wrong, change it in the workflow (`min-improvement`, `thresholds`, `max-class-regression`; reviewed like any code change).';
  }
  return 'package the model (validate-onnx) and deploy it to staging; a person approves production after reading this report.';
}
