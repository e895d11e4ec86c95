import type { ModelInfo } from '../onnx/model-file.js';
import type { Check } from './check.js';
import type { OutputComparison } from './runtime-checks.js';
import type { ToleranceSettings } from './tolerance.js';

/** The validate-onnx report: the JSON file and the job summary render this. */
export interface ValidationReport {
  schema: 'ml-gate/validate-onnx/v1';
  createdAt: string;
  status: 'passed' | 'failed' | 'error';
  passed: boolean;
  reason: string;
  model?: ModelInfo & { sha256?: string };
  checks: Check[];
  outputs: OutputComparison[];
  /** The largest errors over all outputs compared with references. */
  summary: { maxAbsError: number | null; maxRelError: number | null; mismatchRatio: number | null };
  inputs?: { source: 'reference' | 'random'; shapes: Record<string, number[]> };
  settings: { tolerance?: ToleranceSettings; dynamicBatch?: boolean; maxSizeMb?: number | null; onnxruntime?: { version: string; source: string } };
  error?: { message: string; file?: string; input?: string };
}

const ICON: Record<Check['status'], string> = { pass: '✅', fail: '❌', skip: '➖' };

function num(v: number | null | undefined): string {
  if (v === null || v === undefined) return 'n/a';
  if (!Number.isFinite(v)) return String(v);
  return v === 0 ? '0' : v.toPrecision(3);
}

export function renderValidationMarkdown(r: ValidationReport): string {
  const out: string[] = [];
  const name = r.model ? `\`${r.model.path}\`` : 'the model';
  const head = r.status === 'passed' ? '✅ ONNX validation passed' : r.status === 'failed' ? '❌ ONNX validation failed' : '⚠️ ONNX validation could not run';
  out.push(`## ${head}: ${name}`, '', r.reason, '');
  if (r.checks.length) {
    out.push('| | check | detail |', '|---|---|---|');
    for (const c of r.checks) out.push(`| ${ICON[c.status]} | ${c.title} | ${c.detail.replace(/\|/g, '\\|')} |`);
    out.push('');
  }
  if (r.outputs.length) {
    out.push('| output | shape | atol | rtol | max abs error | max rel error | outside tolerance | worst element |', '|---|---|---:|---:|---:|---:|---:|---|');
    for (const o of r.outputs) {
      const worst = o.worst ? `[${o.worst.index.join(', ')}]: ${o.worst.actual} vs ${o.worst.expected}` : '';
      out.push(`| ${o.passed ? '✅' : '❌'} ${o.name} | [${o.shape.join(', ')}] | ${o.atol} | ${o.rtol} | ${num(o.maxAbsError)} | ${num(o.maxRelError)} | ${o.mismatches}/${o.elements} | ${worst} |`);
    }
    out.push('');
  }
  const m = r.model;
  if (m) {
    const ops = Object.entries(m.operators)
      .sort((a, b) => b[1] - a[1])
      .map(([op, n]) => `${op} ×${n}`)
      .join(', ');
    out.push('<details><summary>Model</summary>', '');
    out.push('| | |', '|---|---|');
    out.push(`| IR version | ${m.irVersion} |`);
    out.push(`| opsets | ${m.opsets.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`).join(', ')} |`);
    out.push(`| producer | ${m.producer.name} ${m.producer.version} |`);
    out.push(`| inputs | ${m.inputs.map((v) => `\`${v.name}\` ${v.type}[${(v.shape ?? []).map((d) => d ?? '?').join(', ')}]`).join(', ')} |`);
    out.push(`| outputs | ${m.outputs.map((v) => `\`${v.name}\` ${v.type}[${(v.shape ?? []).map((d) => d ?? '?').join(', ')}]`).join(', ')} |`);
    out.push(`| operators | ${m.nodes} nodes: ${ops} |`);
    out.push(`| parameters | ${m.parameters.toLocaleString('en-US')} in ${m.initializers} initializers |`);
    out.push(`| size | ${(m.sizeBytes / 1024).toFixed(1)} KiB${m.externalData.length ? ` + external data (${m.externalData.length} tensors)` : ''} |`);
    if (m.sha256) out.push(`| sha256 | \`${m.sha256}\` |`);
    out.push('', '</details>', '');
  }
  return out.join('\n');
}
