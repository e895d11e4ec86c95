import { formatDuration } from '../util/duration.js';
import type { SmokeTestReport } from './smoke-report.js';
import { joinUrl } from './smoke-test.js';

const ICON = { passed: '✅', failed: '❌', error: '⚠️' } as const;

/** Table cells: no pipes or newlines from server text. */
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\*/g, '\\*').replace(/\r?\n/g, ' ');
const ms = (v: number | undefined) => (v === undefined ? '' : formatDuration(v));

/** The report as markdown, verdict first (the job summary). */
export function renderSmokeTestMarkdown(r: SmokeTestReport): string {
  const out: string[] = [];
  const title = r.status === 'passed' ? 'passed' : r.status === 'failed' ? 'failed' : 'could not run';
  out.push(`## ${ICON[r.status]} Smoke test ${title}${r.request ? `: ${cell(r.request.url)}` : ''}`, '');
  out.push(r.reason, '');
  for (const w of r.warnings) out.push(`> [!WARNING]\n> ${w}`, '');

  if (r.request) {
    const q = r.request;
    out.push('| request | |', '|---|---|');
    out.push(`| protocol | ${q.protocol} |`);
    out.push(
      q.protocol === 'open-inference'
        ? `| infer | POST ${cell(joinUrl(q.url, `/v2/models/${encodeURIComponent(q.modelName ?? '')}/infer`))} |`
        : `| ${cell(q.method)} | ${cell(q.url)} |`,
    );
    if (q.modelName) out.push(`| model | ${cell(q.modelName)}${q.expectedModelVersion ? `, expected version ${cell(q.expectedModelVersion)}` : ''} |`);
    if (q.headers.length) out.push(`| headers | ${q.headers.map((h) => `\`${h}\``).join(', ')} (values hidden) |`);
    if (q.sample) out.push(`| sample | ${cell(q.sample.path)}: ${q.sample.arrays.map((a) => `${a.name ?? 'array'} ${a.dtype} [${a.shape.join(', ')}]`).join('; ')} |`);
    if (r.response) {
      const s = r.response;
      out.push(`| response | HTTP ${s.status}${s.statusText ? ` ${cell(s.statusText)}` : ''} in ${ms(s.latencyMs)}${s.redirects.length ? ` after ${s.redirects.length} redirect(s)` : ''} |`);
    }
    if (r.server?.modelVersion) out.push(`| served version | ${cell(r.server.modelVersion)} |`);
    out.push(`| attempts | ${r.attempts} in ${ms(r.elapsedMs)}${r.settings ? ` (timeout ${ms(r.settings.timeoutMs)})` : ''} |`, '');
  }

  if (r.checks.length) {
    out.push('| check | result | detail |', '|---|---|---|');
    for (const c of r.checks) out.push(`| ${cell(c.name)} | ${c.passed ? '✅' : '❌'} | ${cell(c.detail)} |`);
    out.push('');
  }
  if (r.latency) {
    const l = r.latency;
    out.push('| latency | p50 | p95 | max | mean | budget (p95) |', '|---|---:|---:|---:|---:|---:|');
    out.push(`| ${l.count} of ${l.requested} requests${l.failed ? `, ${l.failed} failed` : ''} | ${ms(l.p50Ms)} | ${ms(l.p95Ms)} | ${ms(l.maxMs)} | ${ms(l.meanMs)} | ${l.budgetMs === null ? '—' : ms(l.budgetMs)} |`, '');
  }
  if (r.parity) {
    const p = r.parity;
    out.push(`**Parity** with ${cell(p.model)} (${p.mode === 'class' ? 'same class per row' : `atol ${p.atol}, rtol ${p.rtol}`}):`, '');
    out.push('| output | shape | mismatches | max abs diff | max rel diff |', '|---|---|---:|---:|---:|');
    for (const o of p.outputs) {
      out.push(`| ${cell(o.name)} | [${o.shape.join(', ')}] | ${o.problem ? cell(o.problem) : `${o.mismatches} of ${p.mode === 'class' ? `${o.rows} rows` : o.elements}`} | ${o.maxAbsDiff.toPrecision(3)} | ${o.maxRelDiff.toPrecision(3)} |`);
    }
    out.push('');
  }
  if (r.response?.bodyExcerpt) out.push('<details><summary>Response body (truncated)</summary>', '', '```', r.response.bodyExcerpt.replace(/```/g, "'''"), '```', '</details>', '');
  if (r.attemptLog.length > 1) {
    out.push('<details><summary>Attempts</summary>', '', '| # | at | took | outcome |', '|---:|---:|---:|---|');
    for (const a of r.attemptLog) out.push(`| ${a.attempt} | ${ms(a.atMs)} | ${ms(a.durationMs)} | ${a.outcome}${a.reason ? `: ${cell(a.reason)}` : ''} |`);
    out.push('', '</details>', '');
  }
  return out.join('\n');
}
