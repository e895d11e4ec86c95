/** The leakage section of the job summary: overlap, duplicates per set and the label's shift, each with its limit. */
import { formatNumber } from '../../util/format.js';
import type { LeakageResult } from './leakage.js';

const pct = (f: number): string => `${formatNumber(100 * f)}%`;
const mark = (exceeded: boolean): string => (exceeded ? '❌' : '✅');

/** The section's lines. */
export function renderLeakageMarkdown(r: LeakageResult): string[] {
  const o = r.overlap;
  const d = r.duplicates;
  const dupLimit = (t: number | null): string => (t === null ? 'reported only' : `at most ${pct(t)}`);
  const rows = [
    `| ${mark(o.exceeded)} | evaluation rows also in the training set | ${o.rows.toLocaleString('en-US')} (${pct(o.fraction)}) | at most ${o.threshold} |`,
    `| ${mark(d.train.exceeded)} | duplicate training rows | ${d.train.rows.toLocaleString('en-US')} (${pct(d.train.fraction)}) | ${dupLimit(d.train.threshold)} |`,
    `| ${mark(d.eval.exceeded)} | duplicate evaluation rows | ${d.eval.rows.toLocaleString('en-US')} (${pct(d.eval.fraction)}) | ${dupLimit(d.eval.threshold)} |`,
  ];
  const l = r.labelShift;
  if (l) {
    const value = l.skipped
      ? `not measured: ${l.skipped}`
      : `JS ${formatNumber(l.js ?? 0)}; χ² p ${formatNumber(l.chiSquare?.pValue ?? 1)}`;
    rows.push(
      `| ${mark(l.exceeded)} | label \`${l.label}\` shift | ${value} | ${l.threshold === null ? 'reported only' : `JS at most ${formatNumber(l.threshold)}`} |`,
    );
  }
  const lines = [`### Leakage: ${r.summary}`, '', '| | check | found | limit |', '|---|---|---|---|', ...rows, ''];
  if (o.examples.length) {
    const shown = o.examples.map((e) => `${e.evalRow} (= train ${e.trainRow})`).join(', ');
    lines.push(`First overlapping evaluation rows (1-based): ${shown}${o.rows > o.examples.length ? ', ...' : ''}.`, '');
  }
  lines.push(
    `Rows compared on ${r.columns.length} columns${r.ignored.length ? `, ignoring ${r.ignored.map((c) => `\`${c}\``).join(', ')}` : ''}.`,
    '',
  );
  return lines;
}
