import { describeTolerance } from '../oip/parity.js';
import { formatDuration } from '../util/duration.js';
import { formatNumber } from '../util/format.js';
import { renderRunFooter } from '../util/run-info.js';
import { tableCell } from '../util/markdown.js';
import type { SmokeTestReport } from './smoke-report.js';
import { joinUrl, modelPath } from './smoke-options.js';

const ICON = { passed: '✅', failed: '❌', error: '⚠️' } as const;

/** Table cells: no pipes or newlines from server text. */
/** A table cell, its `*` escaped too (URLs and status texts are not emphasis). */
const cell = (s: string) => tableCell(s).replace(/\*/g, '\\*');
const ms = (v: number | undefined) => (v === undefined ? '' : formatDuration(v));

function verdict(r: SmokeTestReport): string[] {
  const title = r.status === 'passed' ? 'passed' : r.status === 'failed' ? 'failed' : 'could not run';
  const out = [`## ${ICON[r.status]} Smoke test ${title}${r.request ? `: ${cell(r.request.url)}` : ''}`, '', r.reason, ''];
  for (const w of r.warnings) out.push(`> [!WARNING]\n> ${w}`, '');
  return out;
}

function requestTable(r: SmokeTestReport): string[] {
  if (!r.request) return [];
  const q = r.request;
  const out = ['| request | |', '|---|---|', `| protocol | ${q.protocol} |`];
  out.push(
    q.protocol === 'open-inference'
      ? `| infer | POST ${cell(joinUrl(q.url, modelPath(q.modelName, '/infer')))} |`
      : `| ${cell(q.method)} | ${cell(q.url)} |`,
  );
  if (q.modelName)
    out.push(`| model | ${cell(q.modelName)}${q.expectedModelVersion ? `, expected version ${cell(q.expectedModelVersion)}` : ''} |`);
  if (q.headers.length) out.push(`| headers | ${q.headers.map((h) => `\`${h}\``).join(', ')} (values hidden) |`);
  if (q.sample)
    out.push(
      `| sample | ${cell(q.sample.path)}: ${q.sample.arrays.map((a) => `${a.name ?? 'array'} ${a.dtype} [${a.shape.join(', ')}]`).join('; ')} |`,
    );
  if (r.response) {
    const s = r.response;
    out.push(
      `| response | HTTP ${s.status}${s.statusText ? ` ${cell(s.statusText)}` : ''} in ${ms(s.latencyMs)}${s.redirects.length ? ` after ${s.redirects.length} redirect(s)` : ''} |`,
    );
  }
  if (r.server?.modelVersion) out.push(`| served version | ${cell(r.server.modelVersion)} |`);
  out.push(`| attempts | ${r.attempts} in ${ms(r.elapsedMs)}${r.settings ? ` (timeout ${ms(r.settings.timeoutMs)})` : ''} |`, '');
  return out;
}

function checksTable(r: SmokeTestReport): string[] {
  if (!r.checks.length) return [];
  return [
    '| check | result | detail |',
    '|---|---|---|',
    ...r.checks.map((c) => `| ${cell(c.name)} | ${c.passed ? '✅' : '❌'} | ${cell(c.detail)} |`),
    '',
  ];
}

function latencyTable(r: SmokeTestReport): string[] {
  if (!r.latency) return [];
  const l = r.latency;
  return [
    '| latency | p50 | p95 | max | mean | budget (p95) |',
    '|---|---:|---:|---:|---:|---:|',
    `| ${l.count} of ${l.requested} requests${l.failed ? `, ${l.failed} failed` : ''} | ${ms(l.p50Ms)} | ${ms(l.p95Ms)} | ${ms(l.maxMs)} | ${ms(l.meanMs)} | ${l.budgetMs === null ? '—' : ms(l.budgetMs)} |`,
    '',
  ];
}

function parityTable(r: SmokeTestReport): string[] {
  if (!r.parity) return [];
  const p = r.parity;
  const out = [`**Parity** with ${cell(p.model)} (${p.mode === 'class' ? 'same class per row' : describeTolerance(p)}):`, ''];
  out.push('| output | shape | mismatches | max abs diff | max rel diff |', '|---|---|---:|---:|---:|');
  for (const o of p.outputs) {
    const mismatches = o.problem ? cell(o.problem) : `${o.mismatches} of ${p.mode === 'class' ? `${o.rows} rows` : o.elements}`;
    out.push(
      `| ${cell(o.name)} | [${o.shape.join(', ')}] | ${mismatches} | ${formatNumber(o.maxAbsDiff)} | ${formatNumber(o.maxRelDiff)} |`,
    );
  }
  out.push('');
  return out;
}

function details(r: SmokeTestReport): string[] {
  const out: string[] = [];
  if (r.response?.bodyExcerpt)
    out.push(
      '<details><summary>Response body (truncated)</summary>',
      '',
      '```',
      r.response.bodyExcerpt.replace(/```/g, "'''"),
      '```',
      '</details>',
      '',
    );
  if (r.attemptLog.length > 1) {
    out.push('<details><summary>Attempts</summary>', '', '| # | at | took | outcome |', '|---:|---:|---:|---|');
    for (const a of r.attemptLog)
      out.push(`| ${a.attempt} | ${ms(a.atMs)} | ${ms(a.durationMs)} | ${a.outcome}${a.reason ? `: ${cell(a.reason)}` : ''} |`);
    out.push('', '</details>', '');
  }
  return out;
}

/** The report as markdown, verdict first, the commit and run last (the job summary). */
export function renderSmokeTestMarkdown(r: SmokeTestReport): string {
  const footer = renderRunFooter(r.run);
  return [
    ...verdict(r),
    ...requestTable(r),
    ...checksTable(r),
    ...latencyTable(r),
    ...parityTable(r),
    ...details(r),
    ...(footer ? [footer, ''] : []),
  ].join('\n');
}
