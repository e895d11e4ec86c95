// The tables of `npm run bench:gate` (bench/gate-soundness.mjs), as markdown: printed, and written
// between the markers of docs/gate-soundness.md with --out.

export const BEGIN = '<!-- bench:gate results: begin (written by npm run bench:gate -- --out docs/gate-soundness.md) -->';
export const END = '<!-- bench:gate results: end -->';
const Z95 = 1.959963984540054; // the standard normal's 97.5% quantile
const LIMIT = 0.05;

/** The 95% Wilson score interval of k successes in n trials (Wilson 1927). */
export function wilson(k, n) {
  const p = k / n;
  const z2 = Z95 * Z95;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (Z95 / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

const pct = (x, digits = 1) => `${(100 * x).toFixed(digits)}`;

/** "3.1% ± 0.4 [2.4, 3.9]": the rate, its Monte Carlo standard error and its 95% Wilson interval. */
function rate(k, n) {
  const p = k / n;
  const [lo, hi] = wilson(k, n);
  return `${pct(p, 2)}% ± ${pct(Math.sqrt((p * (1 - p)) / n), 2)} [${pct(lo, 2)}, ${pct(hi, 2)}]`;
}

/** A rate held to at most 5%: within it when the Wilson interval reaches down to 5% or below. */
function limited(k, n) {
  const within = wilson(k, n)[0] <= LIMIT;
  return `${rate(k, n)} ${within ? '✓' : '**✗ over 5%**'}`;
}

function find(results, metric, n, target) {
  return results.find((r) => r.metric === metric && r.n === n && Math.abs(r.target - target) < 1e-12);
}

function claimsTable(results, meta) {
  const lines = [
    `| metric | N | significance-level 0.05, min-improvement ${meta.margin}: true improvement 0 | significance-level 0.05, min-improvement 0: true improvement 0 | confidence 0.95: true improvement = min-improvement | seed rule: true improvement 0 | seed rule: true improvement = min-improvement |`,
    '|---|---:|---|---|---|---|---|',
  ];
  for (const metric of metricsOf(results)) {
    for (const n of meta.sizes) {
      const zero = find(results, metric, n, 0);
      const margin = find(results, metric, n, meta.margin);
      if (!zero || !margin) continue;
      lines.push(
        `| ${metric} | ${n.toLocaleString('en-US')} | ${limited(zero.promotions.significance, zero.gates)} | ${limited(zero.promotions.test, zero.gates)} | ` +
          `${limited(margin.promotions.confidence, margin.gates)} | ${rate(zero.promotions.seed, zero.gates)} | ${rate(margin.promotions.seed, margin.gates)} |`,
      );
    }
  }
  return lines.join('\n');
}

function metricsOf(results) {
  return [...new Set(results.map((r) => r.metric))];
}

function powerTable(results, meta) {
  const lines = [`| metric | ${meta.rules.map((r) => r.label).join(' | ')} |`, `|---|${meta.rules.map(() => '---').join('|')}|`];
  for (const metric of metricsOf(results)) {
    const r = find(results, metric, meta.power.n, meta.power.improvement);
    if (r) lines.push(`| ${metric} | ${meta.rules.map((rule) => rate(r.promotions[rule.id], r.gates)).join(' | ')} |`);
  }
  return lines.join('\n');
}

function allRatesTable(results, meta) {
  const lines = [
    `| metric | N | true improvement | ${meta.rules.map((r) => r.label).join(' | ')} |`,
    `|---|---:|---:|${meta.rules.map(() => '---').join('|')}|`,
  ];
  for (const r of results) {
    lines.push(
      `| ${r.metric} | ${r.n.toLocaleString('en-US')} | ${r.target} | ${meta.rules.map((rule) => rate(r.promotions[rule.id], r.gates)).join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

/**
 * Where a rate comes from: the estimate's bias and spread over the simulated gates against the
 * standard error the comparison reported (half the 95% interval / 1.96), and how often the 95%
 * interval covered the truth and the 95% lower bound stayed at or below it (above: by more than 1e-12,
 * the rounding of a difference of two metric values).
 */
function diagnosticsTable(results) {
  const lines = [
    '| metric | N | true improvement | mean estimate − truth (± MC se) | sd of the estimate over gates | mean reported se | reported se / sd | 95% interval covers the truth | 95% lower bound above the truth | comparisons without interval, bound or p / errors | worker time (s) |',
    '|---|---:|---:|---|---:|---:|---:|---|---|---|---:|',
  ];
  for (const r of results) {
    const complete = r.gates - r.incomplete - r.errors;
    const mean = r.improvementSum / complete;
    const sd = Math.sqrt(Math.max(0, (r.improvementSquares - complete * mean * mean) / (complete - 1)));
    const se = r.halfWidthSum / complete / Z95;
    lines.push(
      `| ${r.metric} | ${r.n.toLocaleString('en-US')} | ${r.target} | ${(mean - r.target).toExponential(2)} ± ${(sd / Math.sqrt(complete)).toExponential(1)} | ` +
        `${sd.toExponential(3)} | ${se.toExponential(3)} | ${(se / sd).toFixed(3)} | ${rate(r.covered, complete)} | ${rate(r.boundAboveTruth, complete)} | ` +
        `${r.incomplete} / ${r.errors} | ${(r.millis / 1000).toFixed(1)} |`,
    );
  }
  return lines.join('\n');
}

/** The results section of docs/gate-soundness.md (also printed). */
export function renderReport(results, meta) {
  const run =
    `Run: seed ${meta.seed}, ${meta.gates.toLocaleString('en-US')} simulated gates per point, ${meta.replicates.toLocaleString('en-US')} bootstrap replicates per gate, ` +
    `commit ${meta.commit}, Node ${meta.node}, ${meta.cpu}, ${meta.workers} worker threads, ${Math.round(meta.seconds)} s in all${meta.quick ? ' (--quick: a smoke run, not the figures)' : ''}.`;
  return [
    run,
    '',
    '#### The false promotion rates the issue bounds',
    '',
    'Each cell: promotion rate ± its Monte Carlo standard error [95% Wilson interval]. ✓: the rate is at most 5% within Monte Carlo error (the Wilson interval reaches 5% or below); ✗: it is not.',
    '',
    claimsTable(results, meta),
    '',
    `#### Power at N = ${meta.power.n.toLocaleString('en-US')}, true improvement +${meta.power.improvement}`,
    '',
    powerTable(results, meta),
    '',
    '#### Every point and rule',
    '',
    allRatesTable(results, meta),
    '',
    '#### Diagnostics: the estimate, its reported standard error and the interval coverage',
    '',
    diagnosticsTable(results),
  ].join('\n');
}

/** `text` with everything between BEGIN and END replaced by `report`; throws when the markers are missing. */
export function replaceBetweenMarkers(text, report) {
  const begin = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`the markers ${BEGIN} ... ${END} are missing`);
  return `${text.slice(0, begin + BEGIN.length)}\n\n${report}\n\n${text.slice(end)}`;
}
