/**
 * The validate-data job summary: the verdict, the failed expectations first with the values that
 * failed them, drift per column with every statistic's raw value, leakage, then what was read.
 */
import { formatNumber } from '../util/format.js';
import { tableCell } from '../util/markdown.js';
import { renderRunFooter } from '../util/run-info.js';
import { dataChecks, type DataValidationReport, type TableDescription } from './data-report.js';
import { renderDriftMarkdown } from './drift/drift-markdown.js';
import { renderLeakageMarkdown } from './leakage/leakage-markdown.js';
import type { ExpectationValidationResult } from './suite-validation.js';

const MAX_SHOWN_VALUES = 8;

/** The entry's type and its main kwargs: "expect_column_values_to_be_between(age, min_value=0, max_value=120)". */
export function describeEntry(r: ExpectationValidationResult): string {
  const c = r.expectation_config;
  const type = String(c.type ?? c.expectation_type);
  const kwargs = (c.kwargs ?? {}) as Record<string, unknown>;
  const args = Object.entries(kwargs)
    .filter(([k]) => !['result_format', 'catch_exceptions', 'include_config', 'meta', 'batch_id'].includes(k))
    .map(([k, v]) => (k === 'column' ? String(v) : `${k}=${JSON.stringify(v)}`));
  const text = `${type}(${args.join(', ')})`;
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

function shownValue(v: unknown): string {
  if (typeof v === 'number') return formatNumber(v, 6);
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** What the entry saw: the unexpected count and values, or the observed value, or the exception. */
export function observedOf(r: ExpectationValidationResult): string {
  if (r.exception_info.raised_exception) return `not evaluated: ${r.exception_info.exception_message}`;
  const res = r.result;
  const parts: string[] = [];
  if (res.unexpected_count !== undefined && res.element_count !== undefined) {
    const pct =
      res.unexpected_percent === null || res.unexpected_percent === undefined ? '' : ` (${formatNumber(res.unexpected_percent)}%)`;
    parts.push(`${res.unexpected_count.toLocaleString('en-US')} of ${res.element_count.toLocaleString('en-US')} unexpected${pct}`);
  }
  if (res.partial_unexpected_list?.length) {
    const shown = res.partial_unexpected_list.slice(0, MAX_SHOWN_VALUES).map(shownValue).join(', ');
    parts.push(`e.g. ${shown}${res.partial_unexpected_list.length > MAX_SHOWN_VALUES ? ', ...' : ''}`);
  }
  if (res.observed_value !== undefined) parts.push(`observed ${shownValue(res.observed_value)}`);
  return parts.join('; ') || '—';
}

function expectationRows(results: readonly ExpectationValidationResult[]): string[] {
  return results.map((r) => `| ${r.success ? '✅' : '❌'} | \`${tableCell(describeEntry(r))}\` | ${tableCell(observedOf(r))} |`);
}

function suiteSection(r: DataValidationReport): string[] {
  if (!r.validation || !r.suite) return [];
  const failed = r.validation.results.filter((x) => !x.success);
  const passed = r.validation.results.filter((x) => x.success);
  const head = '| | expectation | observed |\n|---|---|---|';
  const lines = [`### Expectations: \`${r.suite.path}\` (${r.suite.name})`, ''];
  if (failed.length) lines.push(`**${failed.length} failed**`, '', head, ...expectationRows(failed), '');
  if (passed.length) {
    lines.push(
      `<details${failed.length ? '' : ' open'}><summary>${passed.length} passed</summary>`,
      '',
      head,
      ...expectationRows(passed),
      '',
      '</details>',
      '',
    );
  }
  return lines;
}

function tableLine(label: string, t: TableDescription | undefined): string[] {
  if (!t) return [];
  const columns = t.columns.map((c) => `${c.name} (${c.dtype})`).join(', ');
  return [`| ${label} | \`${tableCell(t.path)}\` | ${t.format} | ${t.rows.toLocaleString('en-US')} | ${tableCell(columns)} |`];
}

function readSection(r: DataValidationReport): string[] {
  const rows = [...tableLine('data', r.data), ...tableLine('reference', r.drift?.reference), ...tableLine('train', r.leakage?.train)];
  if (!rows.length) return [];
  const speed = r.timings
    ? ` in ${formatNumber(r.timings.seconds)} s (${Math.round(r.timings.rowsPerSecond).toLocaleString('en-US')} rows/s)`
    : '';
  return [
    `<details><summary>Files read${speed}</summary>`,
    '',
    '| | file | format | rows | columns |',
    '|---|---|---|---:|---|',
    ...rows,
    '',
    '</details>',
    '',
  ];
}

/** The report as markdown (the job summary). */
export function renderDataValidationMarkdown(r: DataValidationReport): string {
  const name = r.data ? `\`${r.data.path}\`` : 'the data';
  const head =
    r.status === 'passed'
      ? `## ✅ Data validation passed: ${name}`
      : r.status === 'failed'
        ? `## ❌ Data validation failed: ${name}`
        : `## ⚠️ Data validation could not finish: ${name}`;
  const checks = dataChecks(r);
  const lines = [head, '', r.reason, ''];
  if (checks.length)
    lines.push(
      '| | check | result |',
      '|---|---|---|',
      ...checks.map((c) => `| ${c.passed ? '✅' : '❌'} | ${c.name} | ${tableCell(c.detail)} |`),
      '',
    );
  lines.push(...suiteSection(r));
  if (r.drift) lines.push(...renderDriftMarkdown(r.drift));
  if (r.leakage) lines.push(...renderLeakageMarkdown(r.leakage));
  lines.push(...readSection(r), renderRunFooter(r.run));
  return lines.join('\n');
}
