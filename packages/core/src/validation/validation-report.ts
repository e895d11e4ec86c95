import type { ReportError } from '../errors.js';
import { formatOpsets, type ModelInfo, type ValueInfo } from '../onnx/model-file.js';
import { formatShape } from '../onnx/session.js';
import { formatBytes, formatNumber } from '../util/format.js';
import { renderRunFooter, type RunInfo } from '../util/run-info.js';
import { tableCell } from '../util/markdown.js';
import type { Check } from './check.js';
import type { OutputComparison } from './runtime-checks.js';
import { formatEntry } from './signature.js';
import { formatElement, type ToleranceSettings } from './tolerance.js';
import type { Validation } from './validate.js';

/** The validate-onnx report: the JSON file and the job summary render this. */
export interface ValidationReport {
  schema: 'ml-gate/validate-onnx/v1';
  createdAt: string;
  status: 'passed' | 'failed' | 'error';
  passed: boolean;
  reason: string;
  /** The model as decoded; sha256 is the full 64 hex digits of the model file. */
  model?: Omit<ModelInfo, 'sha256'> & { sha256?: string };
  checks: Check[];
  outputs: OutputComparison[];
  /** The largest errors over all outputs compared with references. */
  summary: { maxAbsError: number | null; maxRelError: number | null; mismatchRatio: number | null };
  inputs?: { source: 'reference' | 'random'; shapes: Record<string, number[]> };
  settings: {
    tolerance?: ToleranceSettings;
    dynamicBatch?: boolean;
    maxSizeMb?: number | null;
    onnxruntime?: { version: string; source: string };
  };
  error?: ReportError;
  /** The commit and workflow run (filled by runReportedAction). */
  run?: RunInfo;
}

/** The report before anything ran: an error until the validation decides otherwise. */
export function newValidationReport(): ValidationReport {
  return {
    schema: 'ml-gate/validate-onnx/v1',
    createdAt: new Date().toISOString(),
    status: 'error',
    passed: false,
    reason: 'The validation did not run.',
    checks: [],
    outputs: [],
    summary: { maxAbsError: null, maxRelError: null, mismatchRatio: null },
    settings: {},
  };
}

function maxOf(values: number[]): number | null {
  return values.length ? Math.max(...values) : null;
}

/** "All 12 checks passed (1 skipped)." or "2 of 13 checks failed: Runs, Deterministic." */
function reasonOf(checks: Check[]): string {
  const count = (status: Check['status']) => checks.filter((c) => c.status === status).length;
  const failed = checks.filter((c) => c.status === 'fail');
  if (failed.length) return `${failed.length} of ${checks.length} checks failed: ${failed.map((c) => c.title).join(', ')}.`;
  return `All ${count('pass')} checks passed${count('skip') ? ` (${count('skip')} skipped)` : ''}.`;
}

/** Records the validation of the model file whose SHA-256 is `sha256`: its checks, errors and verdict. */
export function recordValidation(report: ValidationReport, v: Validation, sha256: string): void {
  report.model = { ...v.model, sha256 };
  report.checks = v.checks;
  report.outputs = v.comparisons;
  report.inputs = v.inputs;
  report.summary = {
    maxAbsError: maxOf(v.comparisons.map((c) => c.maxAbsError)),
    maxRelError: maxOf(v.comparisons.map((c) => c.maxRelError)),
    mismatchRatio: maxOf(v.comparisons.map((c) => c.mismatchRatio)),
  };
  report.passed = v.passed;
  report.status = v.passed ? 'passed' : 'failed';
  report.reason = reasonOf(v.checks);
}

const ICON: Record<Check['status'], string> = { pass: '✅', fail: '❌', skip: '➖' };

const measured = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : formatNumber(v));
const valueInfo = (v: ValueInfo) => `\`${formatEntry(v)}\``;

function checkTable(r: ValidationReport): string[] {
  if (!r.checks.length) return [];
  return [
    '| | check | detail |',
    '|---|---|---|',
    ...r.checks.map((c) => `| ${ICON[c.status]} | ${c.title} | ${tableCell(c.detail)} |`),
    '',
  ];
}

function outputTable(r: ValidationReport): string[] {
  if (!r.outputs.length) return [];
  const rows = r.outputs.map((o) => {
    const worst = o.worst ? `[${o.worst.index.join(', ')}]: ${formatElement(o.worst.actual)} vs ${formatElement(o.worst.expected)}` : '';
    const errors = `${measured(o.maxAbsError)} | ${measured(o.maxRelError)} | ${o.mismatches}/${o.elements}`;
    return `| ${o.passed ? '✅' : '❌'} ${o.name} | ${formatShape(o.shape)} | ${formatNumber(o.atol)} | ${formatNumber(o.rtol)} | ${errors} | ${worst} |`;
  });
  return [
    '| output | shape | atol | rtol | max abs error | max rel error | outside tolerance | worst element |',
    '|---|---|---:|---:|---:|---:|---:|---|',
    ...rows,
    '',
  ];
}

function modelDetails(m: Omit<ModelInfo, 'sha256'> & { sha256?: string }): string[] {
  const ops = Object.entries(m.operators)
    .sort((a, b) => b[1] - a[1])
    .map(([op, n]) => `${op} ×${n}`)
    .join(', ');
  return [
    '<details><summary>Model</summary>',
    '',
    '| | |',
    '|---|---|',
    `| IR version | ${m.irVersion} |`,
    `| opsets | ${formatOpsets(m.opsets)} |`,
    `| producer | ${m.producer.name} ${m.producer.version} |`,
    `| inputs | ${m.inputs.map(valueInfo).join(', ')} |`,
    `| outputs | ${m.outputs.map(valueInfo).join(', ')} |`,
    `| operators | ${m.nodes} nodes: ${ops} |`,
    `| parameters | ${m.parameters.toLocaleString('en-US')} in ${m.initializers} initializers |`,
    `| size | ${formatBytes(m.sizeBytes)}${m.externalData.length ? ` + external data (${m.externalData.length} tensors)` : ''} |`,
    ...(m.sha256 ? [`| sha256 | \`${m.sha256}\` |`] : []),
    '',
    '</details>',
    '',
  ];
}

/** The report as markdown (the job summary): verdict, checks, outputs, the model, the run last. */
export function renderValidationMarkdown(r: ValidationReport): string {
  const name = r.model ? `\`${r.model.path}\`` : 'the model';
  const head =
    r.status === 'passed'
      ? '✅ ONNX validation passed'
      : r.status === 'failed'
        ? '❌ ONNX validation failed'
        : '⚠️ ONNX validation could not run';
  const out = [`## ${head}: ${name}`, '', r.reason, '', ...checkTable(r), ...outputTable(r), ...(r.model ? modelDetails(r.model) : [])];
  const footer = renderRunFooter(r.run);
  if (footer) out.push(footer, '');
  return out.join('\n');
}
