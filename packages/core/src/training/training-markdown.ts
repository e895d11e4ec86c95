/**
 * The check-training job summary: the verdict, each check with the epoch and line it points at,
 * the loss curves drawn as a Mermaid chart (chart-mermaid.ts), the first/min/final values, and
 * what was read with which settings.
 */
import { tableCell } from '../util/markdown.js';
import { renderRunFooter } from '../util/run-info.js';
import { renderMermaidChart } from './chart-mermaid.js';
import { num, pct, type CheckStatus } from './check-result.js';
import type { CurvePoint, CurveSummary, TrainingReport } from './training-report.js';

const ICONS: Record<CheckStatus, string> = { passed: '✅', failed: '❌', warning: '⚠️', skipped: '➖' };

function checksTable(r: TrainingReport): string[] {
  if (!r.checks.length) return [];
  const order: CheckStatus[] = ['failed', 'warning', 'passed', 'skipped'];
  const rows = [...r.checks]
    .sort((a, b) => order.indexOf(a.status) - order.indexOf(b.status))
    .map((c) => `| ${ICONS[c.status]} | ${tableCell(c.name)} | ${c.epoch ?? ''} | ${c.line ?? ''} | ${tableCell(c.message)} |`);
  return ['| | check | epoch | line | result |', '|---|---|---:|---:|---|', ...rows, ''];
}

const shown = (p: CurvePoint | null): string => (p ? `${num(p.value)} (epoch ${p.epoch})` : '—');

function valuesTable(r: TrainingReport): string[] {
  const s = r.summary;
  if (!s) return [];
  const row = (c: CurveSummary) => `| \`${tableCell(c.column)}\` | ${shown(c.first)} | ${shown(c.min)} | ${shown(c.final)} |`;
  const rows = [row(s.loss), ...(s.valLoss ? [row(s.valLoss)] : [])];
  if (s.gradNorm) rows.push(`| \`${tableCell(s.gradNorm.column)}\` (largest) | | ${shown(s.gradNorm.max)} | |`);
  return ['| | first | min | final |', '|---|---:|---:|---:|', ...rows, ''];
}

function chartTitle(r: TrainingReport): string {
  const failed = r.checks.filter((c) => c.status === 'failed');
  if (!failed.length) return r.warningChecks.length ? `Loss per epoch (warning: ${r.warningChecks.join(', ')})` : 'Loss per epoch';
  return `Loss per epoch - failed: ${failed.map((c) => (c.epoch === undefined ? c.name : `${c.name} (epoch ${c.epoch})`)).join(', ')}`;
}

function chartSection(r: TrainingReport): string[] {
  const chart = r.chart && renderMermaidChart(r.chart, chartTitle(r));
  const lines = ['### Loss curves', ''];
  if (chart) lines.push(chart.block, '', ...chart.notes.map((n) => `<sub>${n}</sub><br>`), '');
  return [...lines, ...valuesTable(r)];
}

function readSection(r: TrainingReport): string[] {
  if (!r.log) return [];
  const used = r.log.used;
  const s = r.settings;
  const rows = [
    `| log | \`${tableCell(r.log.path)}\` (${r.log.format}), ${r.log.rows.toLocaleString('en-US')} rows${r.log.epochs === undefined ? '' : `, ${r.log.epochs.toLocaleString('en-US')} epochs`} |`,
    `| columns | ${tableCell(r.log.columns.join(', '))} |`,
  ];
  if (used) {
    rows.push(
      `| read | loss \`${used.loss}\`, validation loss ${used.valLoss ? `\`${used.valLoss}\`` : '—'}, gradient norm ${used.gradNorm ? `\`${used.gradNorm}\`` : '—'}, epoch ${used.epoch ? `\`${used.epoch}\`` : '(row position)'} |`,
    );
  }
  if (s) {
    rows.push(
      `| settings | min-loss-decrease ${pct(s.minLossDecrease)}, window ${s.window}, plateau-tolerance ${pct(s.plateauTolerance)}, divergence-tolerance ${pct(s.divergenceTolerance)}, max-grad-norm ${num(s.maxGradNorm)}, val-loss-rising ${s.valLossRising}${s.bounds.length ? `, bounds ${tableCell(s.bounds.join('; '))}` : ''} |`,
    );
  }
  return ['<details><summary>What was read</summary>', '', '| | |', '|---|---|', ...rows, '', '</details>', ''];
}

/** The report as markdown (the job summary). */
export function renderTrainingMarkdown(r: TrainingReport): string {
  const name = r.log ? `\`${r.log.path}\`` : 'the training log';
  const head =
    r.status === 'passed'
      ? `## ${r.warningChecks.length ? '⚠️' : '✅'} Training checks passed: ${name}`
      : r.status === 'failed'
        ? `## ❌ Training checks failed: ${name}`
        : `## ⚠️ Training checks could not finish: ${name}`;
  const lines = [head, '', r.reason, '', ...checksTable(r)];
  if (r.summary) lines.push(...chartSection(r));
  lines.push(...readSection(r), renderRunFooter(r.run));
  return lines.join('\n');
}
