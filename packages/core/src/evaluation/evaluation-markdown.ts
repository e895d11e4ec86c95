import { formatMetric } from '../util/format.js';
import { higherIsBetter, type MetricName } from '../metrics/definitions.js';
import { formatDuration } from '../util/duration.js';
import { renderRunFooter } from '../util/run-info.js';
import type { EvaluationReport, ModelReport } from './evaluation-report.js';

const ICON = { passed: '✅', failed: '❌', error: '⚠️' } as const;

function cell(v: number | null | undefined): string {
  return formatMetric(v);
}

function delta(metric: MetricName, a: number | null | undefined, b: number | null | undefined): string {
  if (a === null || a === undefined || b === null || b === undefined) return '';
  const d = a - b;
  const better = higherIsBetter(metric) ? d > 0 : d < 0;
  const arrow = d === 0 ? '' : better ? ' ▲' : ' ▼';
  return `${d >= 0 ? '+' : ''}${formatMetric(d)}${arrow}`;
}

function short(sha?: string): string {
  return sha ? `\`${sha.slice(0, 12)}\`` : '';
}

function matrix(title: string, m: number[][]): string[] {
  const k = m.length;
  const head = `| true \\ predicted | ${Array.from({ length: k }, (_, i) => i).join(' | ')} |`;
  return [`**${title}**`, '', head, `|---|${'---:|'.repeat(k)}`, ...m.map((row, t) => `| **${t}** | ${row.join(' | ')} |`), ''];
}

/** The report as markdown, verdict first (job summary and PR comment), the run last. */
export function renderEvaluationMarkdown(r: EvaluationReport, options: { marker?: string } = {}): string {
  const out: string[] = [];
  if (options.marker) out.push(options.marker);
  out.push(...verdict(r), ...metricTable(r), ...significance(r), ...perClassDetails(r), ...modelsAndData(r));
  out.push('**Next:** ' + nextStep(r), '');
  const footer = renderRunFooter(r.run);
  if (footer) out.push(footer, '');
  return out.join('\n');
}

function verdict(r: EvaluationReport): string[] {
  const title = r.status === 'passed' ? 'passed' : r.status === 'failed' ? 'failed' : 'could not run';
  const out = [`## ${ICON[r.status]} Model evaluation ${title}: ${r.primary.metric}`, '', r.reason, ''];
  if (r.taskReason) out.push(`**Task:** ${r.taskReason}.`, '');
  for (const w of r.warnings) out.push(`> [!WARNING]\n> ${w}`, '');
  return out;
}

/** Every metric of both models, the gate's first, and the threshold the new model had to reach. */
function metricTable(r: EvaluationReport): string[] {
  const { new: n, baseline: b } = r.models;
  if (!n?.metrics) return [];
  const p = r.primary;
  const out = ['| metric | new | baseline | change |', '|---|---:|---:|---:|'];
  for (const m of Object.keys(n.metrics) as MetricName[]) {
    const label = m === p.metric ? `**${m}** (gate${higherIsBetter(m) ? ', higher is better' : ', lower is better'})` : m;
    out.push(
      `| ${label} | ${cell(n.metrics[m])} | ${b?.metrics ? cell(b.metrics[m]) : '—'} | ${delta(m, n.metrics[m], b?.metrics?.[m])} |`,
    );
  }
  out.push('');
  if (p.required !== null) {
    out.push(
      `Threshold: ${p.metric} ${p.higherIsBetter ? '≥' : '≤'} ${formatMetric(p.required)} (baseline ${p.higherIsBetter ? '+' : '−'} min-improvement ${p.minImprovement}).`,
      '',
    );
  }
  return out;
}

function significance(r: EvaluationReport): string[] {
  const s = r.significance;
  if (!s) return [];
  return [
    `McNemar's exact test: the new model alone is right on ${s.newOnlyCorrect} rows, the baseline alone on ${s.baselineOnlyCorrect}; ` +
      `one-sided p (is the new model better?) = ${formatMetric(s.pValueNewBetter)}${s.level !== null ? ` (gate: p < ${s.level})` : ''}, ` +
      `two-sided p (do they differ?) = ${formatMetric(s.pValue)}.`,
    '',
  ];
}

function perClassDetails(r: EvaluationReport): string[] {
  const { new: n, baseline: b } = r.models;
  const pc = n?.perClass;
  if (!pc) return [];
  const bp = b?.perClass;
  const out = ['<details><summary>Per-class precision, recall and F1</summary>', ''];
  out.push(
    '| class | support | precision new | precision base | recall new | recall base | F1 new | F1 base |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  pc.precision.forEach((_, c) => {
    out.push(
      `| ${c} | ${pc.support[c]} | ${cell(pc.precision[c])} | ${cell(bp?.precision[c])} | ${cell(pc.recall[c])} | ${cell(bp?.recall[c])} | ${cell(pc.f1[c])} | ${cell(bp?.f1[c])} |`,
    );
  });
  out.push('', ...matrix('Confusion matrix, new model', n.confusion ?? []));
  if (b?.confusion) out.push(...matrix('Confusion matrix, baseline', b.confusion));
  out.push('</details>', '');
  return out;
}

function modelRow(name: string, m: ModelReport): string {
  const t = m.timing
    ? `${formatDuration(m.timing.inferenceMs)} (${Math.round(m.timing.rowsPerSecond).toLocaleString('en-US')} rows/s)`
    : '';
  return `| ${name} | \`${m.path}\` | ${short(m.sha256)} | ${m.output ? `${m.output.name} (${m.outputKind ?? m.output.type})` : ''} | ${t} |`;
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
    `Batch size ${r.settings.batchSize}${r.settings.onnxruntime ? `, onnxruntime ${r.settings.onnxruntime.version}` : ''}.`,
    '</details>',
    '',
  );
  return out;
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
    return 'this model does not replace production. Improve it and push again, or, if the margin is wrong, change `min-improvement` in the workflow (reviewed like any code change).';
  }
  return 'package the model (validate-onnx) and deploy it to staging; a person approves production after reading this report.';
}
