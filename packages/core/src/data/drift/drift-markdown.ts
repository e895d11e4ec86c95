/**
 * The drift section of the job summary: one row per column with every statistic's raw value and
 * its threshold, drifted columns first — the values are shown whether or not an alarm fired.
 */
import { formatNumber } from '../../util/format.js';
import { tableCell } from '../../util/markdown.js';
import type { ColumnDrift, DriftResult, DriftStatistic } from './drift.js';

function stat(s: { value: number; threshold: number | null; drifted: boolean } | undefined, below = false): string {
  if (!s) return '—';
  const limit = s.threshold === null ? '' : ` (${below ? '<' : '>'} ${formatNumber(s.threshold)})`;
  return `${s.drifted ? '**' : ''}${formatNumber(s.value)}${s.drifted ? '**' : ''}${limit}`;
}

function pValue(c: ColumnDrift): DriftStatistic | undefined {
  if (c.ks) return { value: c.ks.pValue, threshold: c.ks.threshold, drifted: c.ks.drifted };
  if (c.chiSquare) return { value: c.chiSquare.pValue, threshold: c.chiSquare.threshold, drifted: c.chiSquare.drifted };
  return undefined;
}

function test(c: ColumnDrift): string {
  if (c.ks) return `KS D ${formatNumber(c.ks.statistic)}${c.ks.exact ? '' : ` (±${formatNumber(c.ks.errorBound ?? 0, 2)})`}`;
  if (c.chiSquare) return `χ² ${formatNumber(c.chiSquare.statistic)} (dof ${c.chiSquare.dof})`;
  return '—';
}

function note(c: ColumnDrift): string {
  const parts: string[] = [];
  if (c.skipped) parts.push(`not measured: ${c.skipped}`);
  if (c.unseen)
    parts.push(
      `${c.unseen.rows.toLocaleString('en-US')} rows of ${c.unseen.distinct}${c.unseen.distinctAtLeast ? '+' : ''} unseen categories`,
    );
  const missing = c.counts.current.missing;
  if (missing > 0) parts.push(`${missing.toLocaleString('en-US')} missing`);
  return parts.join('; ');
}

function row(c: ColumnDrift): string {
  const mark = c.skipped ? '➖' : c.drifted ? '❌' : '✅';
  const cells = [mark, `\`${tableCell(c.column)}\``, c.kind, stat(c.psi), stat(c.js), test(c), stat(pValue(c), true), tableCell(note(c))];
  return `| ${cells.join(' | ')} |`;
}

/** The section's lines. */
export function renderDriftMarkdown(r: DriftResult): string[] {
  const columns = [...r.columns].sort((a, b) => Number(b.drifted) - Number(a.drifted));
  const measured = r.columns.length - r.notMeasured.length;
  const head =
    measured === 0
      ? `measured on none of ${r.columns.length} columns`
      : (r.drifted.length === 0 ? `no drift in ${measured} columns` : `${r.drifted.length} of ${measured} columns drifted`) +
        (r.notMeasured.length > 0 ? `, ${r.notMeasured.length} not measured` : '');
  const lines = [
    `### Drift: ${head}`,
    '',
    '| | column | kind | PSI | JS distance | test | p-value | note |',
    '|---|---|---|---:|---:|---|---:|---|',
    ...columns.map(row),
    '',
  ];
  const left = [...r.referenceOnly.map((c) => `\`${c}\` (reference only)`), ...r.currentOnly.map((c) => `\`${c}\` (data only)`)];
  if (left.length) lines.push(`Not compared: ${left.join(', ')}.`, '');
  return lines;
}
