import { describe, expect, it } from 'vitest';
import type { ClassComparison, MetricComparison } from './comparison.js';
import { newEvaluationReport, type EvaluationReport, type GuardRow, type SliceReport, type ThresholdReport } from './evaluation-report.js';
import { tableCell } from '../util/markdown.js';
import { MARKDOWN_LIMIT, renderEvaluationMarkdown } from './evaluation-markdown.js';
import { classChangeChart, intervalPicture, mermaidNumber } from './evaluation-markdown-charts.js';

// Every report here is built by hand and every expected line is written out by hand: the numbers
// are made up, the lines are what a reviewer must read.

/** A comparison; the improvement follows the direction (positive = the new model is better). */
function comparison(
  metric: string,
  up: boolean,
  nv: number | null,
  bv: number | null,
  extra: Partial<MetricComparison> = {},
): MetricComparison {
  const improvement = nv !== null && bv !== null ? Math.round((up ? nv - bv : bv - nv) * 1e12) / 1e12 : null;
  return { metric, higherIsBetter: up, new: nv, baseline: bv, improvement, ...extra };
}

/** Classification with a baseline that passed: accuracy gains, log-loss (lower is better) goes down, roc-auc is n/a. */
function passedClassification(): EvaluationReport {
  const r = newEvaluationReport();
  Object.assign(r, {
    status: 'passed',
    passed: true,
    reason: 'accuracy 0.8600 vs baseline 0.8300: improvement +0.0300 clears min-improvement 0.01.',
    task: 'classification',
    taskReason: 'labels are integers 0..2 and the model has 3 output columns: classification',
    classes: 3,
  });
  r.primary = {
    metric: 'accuracy',
    higherIsBetter: true,
    new: 0.86,
    baseline: 0.83,
    improvement: 0.03,
    minImprovement: 0.01,
    required: 0.84,
  };
  r.inference = { level: 0.95, replicates: 2000, seed: 7 };
  // the gating metric is NOT first here: the markdown puts it first
  r.comparisons = [
    comparison('log-loss', false, 0.41, 0.45, { interval: { level: 0.95, lower: 0.01, upper: 0.07 }, pNewBetter: 0.004 }),
    comparison('accuracy', true, 0.86, 0.83, { interval: { level: 0.95, lower: 0.012, upper: 0.048 }, pNewBetter: 0.0011 }),
    comparison('roc-auc', true, null, null, { unavailable: 'the output holds predicted labels, not scores' }),
  ];
  r.decision = {
    rules: ['min-improvement'],
    metric: 'accuracy',
    minImprovement: 0.01,
    significanceLevel: null,
    confidence: null,
    improvement: 0.03,
    lowerBound: null,
    pNewBetter: 0.0011,
    checks: [{ name: 'min-improvement', passed: true, detail: 'improvement +0.0300 ≥ 0.01' }],
  };
  r.models = { new: { path: 'new.onnx', sha256: 'a'.repeat(64) }, baseline: { path: 'base.onnx', sha256: 'b'.repeat(64) } };
  r.settings = { batchSize: 256, threads: 1 };
  return r;
}

/** Per-class comparisons from (new, baseline) recall pairs; precision and F1 fixed. */
function classes(recall: [number, number][], support: number[]): ClassComparison[] {
  return recall.map(([n, b], k) => ({
    class: k,
    support: support[k],
    recall: comparison(`recall[${k}]`, true, n, b),
    precision: comparison(`precision[${k}]`, true, 0.8, 0.8),
    f1: comparison(`f1[${k}]`, true, 0.75, 0.7),
  }));
}

function guardRow(subject: string, metric: string, drop: number, failed: boolean, note: string, gated = true): GuardRow {
  return { subject, metric, rows: 600, new: 0.62, baseline: 0.62 + drop, drop, pNewWorse: 1e-9, pHolm: 3e-9, gated, failed, note };
}

function threshold(line: number, text: string, passed: boolean, extra: Partial<ThresholdReport> = {}): ThresholdReport {
  const base: ThresholdReport = {
    text,
    line,
    metric: 'accuracy',
    kind: 'value',
    basis: 'value',
    actual: 0.86,
    op: '>=',
    bound: 0.9,
    relative: false,
    passed,
    reason: passed ? 'holds' : 'accuracy 0.8600 is below 0.9000',
  };
  return { ...base, ...extra };
}

const lines = (md: string) => md.split('\n');

/** Cells of a table row, split at unescaped pipes. */
function cells(row: string): string[] {
  return row
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

/** What keeps markdown valid: fences and <details> balanced, every table row as wide as its header. */
function expectValidMarkdown(md: string): void {
  const all = lines(md);
  expect(all.filter((l) => l.startsWith('```')).length % 2).toBe(0);
  expect(all.filter((l) => l.startsWith('<details>')).length).toBe(all.filter((l) => l.startsWith('</details>')).length);
  for (let i = 0; i < all.length; i++) {
    if (!all[i].startsWith('|') || (i > 0 && all[i - 1].startsWith('|'))) continue;
    const width = cells(all[i]).length;
    expect(all[i + 1], `separator under ${all[i]}`).toMatch(/^\|(-+:?\|)+$/);
    for (let j = i + 1; j < all.length && all[j].startsWith('|'); j++) expect(cells(all[j]).length, all[j]).toBe(width);
  }
  // a cell reading n/a carries its reason in the same row (the last cell)
  for (const row of all.filter((l) => l.startsWith('|') && cells(l).includes('n/a'))) expect(cells(row).at(-1), row).not.toBe('');
}

describe('renderEvaluationMarkdown: metrics', () => {
  it('puts the verdict first, the gating metric first and bold, and words the change by direction', () => {
    const md = renderEvaluationMarkdown(passedClassification());
    expectValidMarkdown(md);
    expect(md.startsWith('## ✅ Model evaluation passed: accuracy\n')).toBe(true);
    expect(md).toContain('**Task:** labels are integers 0..2 and the model has 3 output columns: classification.');
    const table = lines(md).filter((l) => l.startsWith('| '));
    const header = table.findIndex((l) => l.startsWith('| metric |'));
    expect(table[header]).toBe('| metric | new | baseline | change | improvement, 95% interval | p (new better) | why n/a |');
    expect(table[header + 1]).toBe('| **accuracy** (gate) | 0.8600 | 0.8300 | ▲ better by 0.0300 | [+0.0120, +0.0480] | 0.0011 |  |');
    // log-loss is lower-is-better: its value went DOWN, which is better
    expect(table[header + 2]).toBe('| log-loss | 0.4100 | 0.4500 | ▲ better by 0.0400 | [+0.0100, +0.0700] | 0.004 |  |');
    // never a bare n/a
    expect(table[header + 3]).toBe('| roc-auc | n/a | n/a | n/a | n/a | n/a | the output holds predicted labels, not scores |');
    expect(md).toContain(
      `▲ better, ▼ worse, by each metric's direction (lower is better: log-loss); the interval and p are of the improvement: positive = the new model is better; p: one-sided, of "the new model is better".`,
    );
  });

  it('says worse for a lower-is-better metric that went up (the demo: log-loss 0.566 -> 0.606)', () => {
    const r = passedClassification();
    r.comparisons = [
      comparison('accuracy', true, 0.895, 0.8, { interval: { level: 0.95, lower: 0.07, upper: 0.12 } }),
      comparison('log-loss', false, 0.606, 0.566, { interval: { level: 0.95, lower: -0.061, upper: -0.019 } }),
    ];
    const md = renderEvaluationMarkdown(r);
    expectValidMarkdown(md);
    expect(lines(md)).toContain('| log-loss | 0.6060 | 0.5660 | ▼ worse by 0.0400 | [-0.0610, -0.0190] |');
    expect(lines(md)).toContain('| **accuracy** (gate) | 0.8950 | 0.8000 | ▲ better by 0.0950 | [+0.0700, +0.1200] |');
  });

  it('without a baseline: the new model alone, each n/a with its reason, no change column', () => {
    const r = passedClassification();
    r.models.baseline = undefined;
    r.comparisons = [
      comparison('accuracy', true, 0.86, null, { unavailable: 'no baseline' }),
      comparison('log-loss', false, null, null, { unavailable: 'the output holds predicted labels, not scores' }),
    ];
    r.decision = undefined;
    r.primary = { ...r.primary, baseline: null, improvement: null, required: null };
    const md = renderEvaluationMarkdown(r);
    expectValidMarkdown(md);
    expect(md).toContain(
      'No baseline: the new model alone.\n\n| metric | new | why n/a |\n|---|---:|---|\n| **accuracy** (gate) | 0.8600 |  |',
    );
    expect(lines(md)).toContain('| log-loss | n/a | the output holds predicted labels, not scores |');
    expect(md).not.toContain('change');
    expect(md).not.toContain('```');
  });

  it('regression without per-class values: rmse gates, lower is better, no per-class part, no chart', () => {
    const r = passedClassification();
    r.task = 'regression';
    r.primary = { metric: 'rmse', higherIsBetter: false, new: 0.5, baseline: 0.6, improvement: 0.1, minImprovement: 0.01, required: 0.59 };
    r.comparisons = [
      comparison('rmse', false, 0.5, 0.6, { interval: { level: 0.9, lower: 0.05, upper: 0.15 }, pNewBetter: 2e-5 }),
      comparison('r2', true, 0.8, 0.7, { interval: { level: 0.9, lower: 0.02, upper: 0.18 } }),
    ];
    r.decision = { ...r.decision!, metric: 'rmse', improvement: 0.1 };
    const md = renderEvaluationMarkdown(r);
    expectValidMarkdown(md);
    expect(md.startsWith('## ✅ Model evaluation passed: rmse')).toBe(true);
    expect(lines(md)).toContain('| metric | new | baseline | change | improvement, 90% interval | p (new better) | why n/a |');
    expect(lines(md)).toContain('| **rmse** (gate) | 0.5000 | 0.6000 | ▲ better by 0.1000 | [+0.0500, +0.1500] | 2e-5 |  |');
    expect(lines(md)).toContain('| r2 | 0.8000 | 0.7000 | ▲ better by 0.1000 | [+0.0200, +0.1800] | n/a | not computed for this report |');
    expect(md).not.toContain('Per class');
    expect(md).not.toContain('```mermaid');
  });

  it('caps a long metric list with "… N more"', () => {
    const r = passedClassification();
    r.comparisons = Array.from({ length: 60 }, (_, k) => comparison(k ? `recall[${k}]` : 'accuracy', true, 0.8, 0.7));
    const md = renderEvaluationMarkdown(r);
    expect(md).toContain('… 10 more metrics (all of them are in the JSON report).');
    expect(lines(md).filter((l) => l.startsWith('| recall['))).toHaveLength(49);
  });
});

describe('renderEvaluationMarkdown: decision, interval picture, thresholds', () => {
  it('states the rules with their numbers and each check in one line', () => {
    const r = passedClassification();
    Object.assign(r.decision!, {
      rules: ['min-improvement', 'significance', 'confidence'],
      significanceLevel: 0.05,
      confidence: 0.95,
      lowerBound: 0.015,
    });
    r.decision!.checks.push(
      { name: 'significance', passed: true, detail: 'McNemar one-sided p = 0.0011 < 0.05' },
      { name: 'confidence', passed: false, detail: 'the 0.95 lower bound +0.0150 ≥ 0.01' },
    );
    const md = renderEvaluationMarkdown(r);
    expect(lines(md)).toContain(
      '**Rule on accuracy:** improvement ≥ 0.01 (min-improvement) and "the new model is better" significant at 0.05 (one-sided p < significance-level) and the 0.95 lower confidence bound of the improvement ≥ 0.01.',
    );
    expect(lines(md)).toContain(
      '✅ min-improvement: improvement +0.0300 ≥ 0.01 · ✅ significance: McNemar one-sided p = 0.0011 < 0.05 · ❌ confidence: the 0.95 lower bound +0.0150 ≥ 0.01',
    );
  });

  it('draws the interval against 0 and the margin, at the columns a hand calculation gives', () => {
    const r = passedClassification();
    Object.assign(r.decision!, { rules: ['min-improvement', 'confidence'], confidence: 0.95, lowerBound: 0.02 });
    const md = lines(renderEvaluationMarkdown(r));
    const at = md.indexOf('```text');
    expect(at).toBeGreaterThan(0);
    // values 0, 0.01 (m), 0.012..0.048 (interval), 0.03 (estimate), 0.02 (L): span [0, 0.048], a
    // tenth (0.0048) added each side -> [-0.0048, 0.0528] over 49 cells (48 steps):
    // col(v) = round((v + 0.0048) / 0.0576 * 48): 0 -> 4, 0.01 -> 12.33 -> 12, 0.012 -> 14,
    // 0.02 -> 20.67 -> 21, 0.03 -> 29, 0.048 -> 44
    const ruler = md[at + 1];
    const left = 'worse < '.length;
    expect(ruler.startsWith('worse < ')).toBe(true);
    expect(ruler.endsWith(' > better')).toBe(true);
    expect([...ruler].length).toBe(left + 49 + ' > better'.length);
    expect(ruler.indexOf('├') - left).toBe(14);
    expect(ruler.indexOf('┿') - left).toBe(29);
    expect(ruler.indexOf('┤') - left).toBe(44);
    const markers = md[at + 2];
    expect(markers.indexOf('0') - left).toBe(4);
    expect(markers.indexOf('m') - left).toBe(12);
    expect(markers.indexOf('L') - left).toBe(21);
    expect(md[at + 3]).toBe('```');
    expect(md[at + 4]).toBe(
      'Improvement of accuracy (positive = the new model is better): ┿ the improvement +0.0300; ├━┤ its 95% interval [+0.0120, +0.0480]; 0 no change; m min-improvement +0.0100; L the 0.95 lower confidence bound +0.0200.',
    );
  });

  it('puts markers that share a cell on separate rows (min-improvement 0: m and 0 coincide)', () => {
    const pic = intervalPicture({
      metric: 'accuracy',
      improvement: -0.01,
      interval: { level: 0.95, lower: -0.03, upper: 0.01 },
      minImprovement: 0,
    });
    expect(pic[0]).toBe('```text');
    const left = 'worse < '.length;
    // span [-0.03, 0.01] padded by 0.004 -> [-0.034, 0.014]: col(0) = round(0.034 / 0.048 * 48) = 34
    expect(pic[2].indexOf('0') - left).toBe(34);
    expect(pic[3].indexOf('m') - left).toBe(34);
    expect(pic[4]).toBe('```');
  });

  it('lists thresholds failed first, with what was compared, the bound and why', () => {
    const r = passedClassification();
    Object.assign(r, { status: 'failed', passed: false, reason: 'threshold on line 3 failed' });
    r.thresholds = [
      threshold(1, 'log-loss regression <= 0.01', true, {
        metric: 'log-loss',
        kind: 'regression',
        basis: 'improvement',
        actual: 0.04,
        bound: -0.01,
      }),
      threshold(2, 'f1-macro improvement >= 2%', true, {
        metric: 'f1-macro',
        kind: 'improvement',
        basis: 'lower-bound',
        actual: 0.031,
        bound: 0.02,
        relative: true,
      }),
      threshold(3, 'accuracy >= 0.90', false),
    ];
    const md = renderEvaluationMarkdown(r);
    expectValidMarkdown(md);
    const t = lines(md);
    const head = t.indexOf('| | threshold | compared | actual | bound | why |');
    expect(t[head - 2]).toBe('**Thresholds:** ❌ 1 of 3 failed.');
    expect(t[head + 2]).toBe('| ❌ | `accuracy >= 0.90` (line 3) | new value | 0.8600 | ≥ 0.9000 | accuracy 0.8600 is below 0.9000 |');
    expect(t[head + 3]).toBe('| ✅ | `log-loss regression <= 0.01` (line 1) | improvement | +0.0400 | ≥ -0.0100 | holds |');
    expect(t[head + 4]).toBe(
      '| ✅ | `f1-macro improvement >= 2%` (line 2) | lower confidence bound of the improvement ÷ \\|baseline\\| | +3.1% | ≥ 2% | holds |',
    );
    // the thresholds come before the metrics table
    expect(head).toBeLessThan(t.findIndex((l) => l.startsWith('| metric |')));
  });

  it('escapes pipes in cells: a threshold line and a reason with | keep the table its width', () => {
    const r = passedClassification();
    r.thresholds = [threshold(1, 'accuracy >= 0.9 | typo', false, { actual: null, reason: 'could not parse a | b' })];
    r.comparisons![2].unavailable = 'scores | labels';
    const md = renderEvaluationMarkdown(r);
    expectValidMarkdown(md);
    expect(lines(md)).toContain('| ❌ | `accuracy >= 0.9 \\| typo` (line 1) | new value | n/a | ≥ 0.9000 | could not parse a \\| b |');
    expect(tableCell('a|b\nc')).toBe('a\\|b c');
  });
});

describe('renderEvaluationMarkdown: per class', () => {
  function withGuard(): EvaluationReport {
    const r = passedClassification();
    Object.assign(r, { status: 'failed', passed: false });
    r.perClass = classes(
      [
        [0.9, 0.88],
        [0.62, 0.8],
        [0.95, 0.9],
      ],
      [500, 600, 12],
    );
    r.classGuard = {
      tolerances: { recall: 0.05 },
      significanceLevel: 0.05,
      passed: false,
      rows: [
        guardRow('class 0', 'recall[0]', -0.02, false, 'no drop'),
        guardRow('class 1', 'recall[1]', 0.18, true, 'drop 0.1800 > 0.05, significant after Holm (3e-9 < 0.05)'),
        guardRow('class 2', 'recall[2]', -0.05, false, 'no drop'),
      ],
    };
    return r;
  }

  it('flags the failed class in the table and in the guard line, and draws the Mermaid chart', () => {
    const md = renderEvaluationMarkdown(withGuard());
    expectValidMarkdown(md);
    const t = lines(md);
    expect(t).toContain(
      "**Class guard** (recall may drop by at most 0.05; a drop blocks only when significant at 0.05 after Holm's correction): ❌ 1 class failed.",
    );
    expect(t).toContain(
      '- ❌ class 1, recall[1] 0.8000 → 0.6200 (drop 0.1800, 600 rows): drop 0.1800 > 0.05, significant after Holm (3e-9 < 0.05)',
    );
    expect(t).toContain('|  | class | support | recall new | base | change | precision | change | F1 | change | guard |');
    expect(t).toContain(
      '| ❌ | 1 | 600 | 0.6200 | 0.8000 | ▼ -0.1800 | 0.8000 | = no change | 0.7500 | ▲ +0.0500 | drop 0.1800 > 0.05, significant after Holm (3e-9 < 0.05) |',
    );
    expect(t).toContain('|  | 0 | 500 | 0.9000 | 0.8800 | ▲ +0.0200 | 0.8000 | = no change | 0.7500 | ▲ +0.0500 | no drop |');
    const at = t.indexOf('```mermaid');
    // y range: values 0.02, -0.18, 0.05, 0 and -0.05 span [-0.18, 0.05]; a tenth (0.023) each side
    // -> [-0.203, 0.073], rounded outwards to 4 decimals
    expect(t.slice(at, at + 9)).toEqual([
      '```mermaid',
      'xychart-beta',
      '    title "Change of recall per class (new - baseline)"',
      '    x-axis "class" ["0", "1 ✗", "2"]',
      '    y-axis "recall change" -0.2030 --> 0.0730',
      '    line [0.0000, 0.0000, 0.0000]',
      '    line [0.0200, -0.1800, 0.0500]',
      '    line [-0.0500, -0.0500, -0.0500]',
      '```',
    ]);
    expect(t[at + 9]).toBe(
      "The line: each class's change of recall, new - baseline (above 0 = better). Flat lines: 0, and -0.0500, the largest drop max-class-regression tolerates; ✗ marks a class the guard failed.",
    );
  });

  it('folds more than 10 classes into <details>, leaves the chart out beyond 30, caps at 50 with failed first', () => {
    const r = withGuard();
    const recall = Array.from({ length: 12 }, (_, k): [number, number] => [0.8, k === 11 ? 0.9 : 0.8]);
    r.perClass = classes(recall, Array(12).fill(100));
    r.classGuard!.rows = [guardRow('class 11', 'recall[11]', 0.1, true, 'drop 0.1000 > 0.05')];
    let md = renderEvaluationMarkdown(r);
    expectValidMarkdown(md);
    expect(lines(md)).toContain('<details><summary>Per class: 12 classes, 1 failed ❌</summary>');
    expect(md).toContain('```mermaid');

    const many = Array.from({ length: 80 }, (_, k): [number, number] => [0.8, k === 70 ? 0.95 : 0.8]);
    r.perClass = classes(many, Array(80).fill(10));
    r.classGuard!.rows = [guardRow('class 70', 'recall[70]', 0.15, true, 'drop 0.1500 > 0.05')];
    md = renderEvaluationMarkdown(r);
    expectValidMarkdown(md);
    expect(md).not.toContain('```mermaid');
    expect(md).toContain('… 30 more classes (all of them are in the JSON report).');
    const rows = lines(md).filter((l) => /^\| (❌)? \| \d+ \|/.test(l));
    expect(rows).toHaveLength(50);
    expect(rows[0].startsWith('| ❌ | 70 | 10 |')).toBe(true);
  });

  it('without a class guard: no guard line, no ✗, only the zero line in the chart', () => {
    const r = passedClassification();
    r.perClass = classes(
      [
        [0.7, 0.75],
        [0.95, 0.9],
      ],
      [10, 20],
    );
    const md = renderEvaluationMarkdown(r);
    expectValidMarkdown(md);
    expect(md).not.toContain('Class guard');
    expect(lines(md)).toContain('|  | 0 | 10 | 0.7000 | 0.7500 | ▼ -0.0500 | 0.8000 | = no change | 0.7500 | ▲ +0.0500 |  |');
    expect(md).toContain('    x-axis "class" ["0", "1"]');
    expect(md).toContain('    line [-0.0500, 0.0500]\n```');
    expect(md).toContain("The line: each class's change of recall, new - baseline (above 0 = better). Flat line: 0.");
  });
});

describe('renderEvaluationMarkdown: slices', () => {
  function slices(): SliceReport {
    const c = (nv: number, bv: number, lower: number, upper: number) =>
      comparison('accuracy', true, nv, bv, { interval: { level: 0.95, lower, upper } });
    return {
      column: 'region',
      file: 'region.npy',
      minRows: 100,
      slices: [
        { code: 0, name: 'EU', rows: 1500, comparisons: [c(0.9, 0.85, 0.02, 0.08)] },
        { code: 2, name: 'APAC', rows: 800, comparisons: [c(0.7, 0.8, -0.14, -0.06)] },
        {
          code: 3,
          rows: 20,
          comparisons: [comparison('accuracy', true, 0.7, null, { unavailable: 'the baseline has no rows of this slice' })],
        },
      ],
      guard: {
        tolerances: { accuracy: 0.01 },
        significanceLevel: null,
        passed: false,
        rows: [
          guardRow('region = EU', 'accuracy', -0.05, false, 'no drop'),
          guardRow('region = APAC', 'accuracy', 0.1, true, 'drop 0.1000 > 0.01'),
          guardRow('region = 3', 'accuracy', 0, false, '20 rows < min-slice-rows 100: reported, not gated', false),
        ],
      },
    };
  }

  it('gives each slice its rows, both values, the change and interval, and the guard note', () => {
    const r = passedClassification();
    r.slices = [slices()];
    const md = renderEvaluationMarkdown(r);
    expectValidMarkdown(md);
    const t = lines(md);
    expect(t).toContain('**Slices by `region`** (`region.npy`; slices under 100 rows are reported, not gated)');
    expect(t).toContain('**Slice guard on region** (accuracy may drop by at most 0.01): ❌ 1 slice failed.');
    expect(t).toContain('| | region | rows | accuracy new | baseline | change | improvement, 95% interval | guard |');
    expect(t).toContain('|  | EU | 1,500 | 0.9000 | 0.8500 | ▲ better by 0.0500 | [+0.0200, +0.0800] | no drop |');
    expect(t).toContain('| ❌ | APAC | 800 | 0.7000 | 0.8000 | ▼ worse by 0.1000 | [-0.1400, -0.0600] | drop 0.1000 > 0.01 |');
    expect(t).toContain(
      '|  | 3 | 20 | 0.7000 | n/a | n/a | n/a | 20 rows < min-slice-rows 100: reported, not gated; the baseline has no rows of this slice |',
    );
  });
});

describe('renderEvaluationMarkdown: errors, legacy reports, length', () => {
  it('an error report is the verdict, the reason and the next step, valid markdown', () => {
    const r = newEvaluationReport();
    r.reason = 'Input eval-data: no such file `data|x.npz`.';
    r.error = { message: r.reason, input: 'eval-data', file: 'data.npz' };
    r.warnings = ['first', 'second\nline'];
    const md = renderEvaluationMarkdown(r, { marker: '<!-- ml-gate:x -->' });
    expectValidMarkdown(md);
    expect(lines(md).slice(0, 4)).toEqual(['<!-- ml-gate:x -->', '## ⚠️ Model evaluation could not run: accuracy', '', r.reason]);
    expect(md).toContain('> [!WARNING]\n> second\n> line');
    expect(md).toContain('**Next:** fix the `eval-data` input (`data.npz`) and run again.');
    expect(lines(md).filter((l) => l.startsWith('|'))).toEqual([]);
    expect(md).not.toContain('```');
  });

  it('keeps the McNemar line and the threshold line for a report without a decision block', () => {
    const r = passedClassification();
    r.decision = undefined;
    r.comparisons = undefined;
    r.models.new!.metrics = { accuracy: 0.86 };
    r.models.baseline!.metrics = { accuracy: 0.83 };
    r.significance = {
      test: 'mcnemar-exact',
      newOnlyCorrect: 40,
      baselineOnlyCorrect: 10,
      pValue: 0.00002,
      pValueNewBetter: 0.00001,
      level: 0.005,
    };
    const md = renderEvaluationMarkdown(r);
    expectValidMarkdown(md);
    expect(md).toContain('Threshold: accuracy ≥ 0.8400 (baseline + min-improvement 0.01).');
    expect(md).toContain('one-sided p (is the new model better?) = 1e-5 (gate: p < 0.005)');
    expect(lines(md)).toContain('| **accuracy** (gate) | 0.8600 | 0.8300 | ▲ better by 0.0300 |');
  });

  it('caps the warnings', () => {
    const r = passedClassification();
    r.warnings = Array.from({ length: 25 }, (_, k) => `warning ${k}`);
    const md = renderEvaluationMarkdown(r);
    expect(md.split('> [!WARNING]').length - 1).toBe(20);
    expect(md).toContain('… 5 more warnings (all of them are in the JSON report).');
  });

  it("stays under GitHub's comment limit with huge per-class and slice parts, saying what it left out", () => {
    const r = passedClassification();
    const n = 2000;
    r.perClass = classes(
      Array.from({ length: n }, (): [number, number] => [0.5, 0.6]),
      Array(n).fill(3),
    );
    r.classGuard = {
      tolerances: { recall: 0.05 },
      significanceLevel: null,
      passed: false,
      rows: Array.from({ length: n }, (_, k) => guardRow(`class ${k}`, `recall[${k}]`, 0.1, true, 'x'.repeat(200))),
    };
    const column = (k: number): SliceReport => ({
      ...slicesOf(k),
      guard: {
        tolerances: { accuracy: 0.01 },
        significanceLevel: null,
        passed: false,
        rows: [guardRow(`c${k} = 7`, 'accuracy', 0.1, true, 'drop')],
      },
    });
    const slicesOf = (k: number): SliceReport => ({
      column: `column ${k} ${'y'.repeat(100)}`,
      file: 'f.npy',
      minRows: 1,
      slices: Array.from({ length: 60 }, (_, s) => ({
        code: s,
        name: 'z'.repeat(150),
        rows: 5,
        comparisons: [comparison('accuracy', true, 0.5, 0.5)],
      })),
    });
    r.slices = Array.from({ length: 20 }, (_, k) => column(k));
    r.models.new!.confusion = Array.from({ length: 3 }, () => [1, 2, 3]);
    const marker = '<!-- ml-gate:evaluate-baseline key -->';
    const md = renderEvaluationMarkdown(r, { marker });
    expect(md.length).toBeLessThanOrEqual(MARKDOWN_LIMIT);
    expect(md.length).toBeLessThanOrEqual(65_536);
    expectValidMarkdown(md);
    expect(md.startsWith(`${marker}\n## ✅ Model evaluation passed: accuracy`)).toBe(true);
    expect(md).toMatch(/> \[!NOTE\]\n> Shortened to fit GitHub's comment limit: the (slices|per-class details)/);
    expect(md).toContain('**Next:**');
    // what failed stays, whatever was dropped: the guards' verdicts and their first failures
    expect(md).toContain(
      '**Class guard** (recall may drop by at most 0.05): ❌ 2,000 classes failed.\n\n- ❌ class 0, recall[0] 0.7200 → 0.6200 (drop 0.1000, 600 rows): xxx',
    );
    expect(md).toContain('… 1,980 more failed classes (all of them are in the JSON report).');
    for (let k = 0; k < 20; k++) expect(md).toContain(`- ❌ c${k} = 7, accuracy`);
  });
});

describe('Mermaid numbers and the chart', () => {
  it('writes plain decimals, never exponents, which the xychart grammar cannot read', () => {
    expect(mermaidNumber(1e-7)).toBe('0.0000');
    expect(mermaidNumber(-1e-7)).toBe('0.0000');
    expect(mermaidNumber(-0.05)).toBe('-0.0500');
    expect(mermaidNumber(12345.678)).toBe('12345.6780');
    for (const v of [1e-9, -3e-12, 0.25, -1e6]) expect(mermaidNumber(v)).toMatch(/^[+-]?(\d+(\.\d+)?|\.\d+)$/);
  });

  it('draws nothing for one class (a line needs two points) and quotes labels safely', () => {
    expect(classChangeChart({ metric: 'recall', classes: [{ label: '0', change: 0.1 }] })).toEqual([]);
    const chart = classChangeChart({
      metric: 'recall',
      classes: [
        { label: 'a "b"', change: 0.1 },
        { label: 'c', change: -0.1 },
      ],
      note: '1 of 3 left out.',
    });
    expect(chart).toContain(`    x-axis "class" ["a 'b'", "c"]`);
    expect(chart.at(-2)).toBe("The line: each class's change of recall, new - baseline (above 0 = better). Flat line: 0. 1 of 3 left out.");
  });
});

describe('renderEvaluationMarkdown: shards, a cached baseline, a baseline fetched from GitHub', () => {
  it("a shard's summary says what it scored and that the merge decides", () => {
    const r = passedClassification();
    Object.assign(r, {
      status: 'partial',
      passed: false,
      reason: 'Shard 2 of 3 scored rows 400..799 of 1,003; nothing is decided until the partials of every shard are merged (mode: merge).',
      shard: { index: 2, count: 3, rows: { start: 400, end: 800 }, partial: 'partial-2-of-3' },
    });
    const md = renderEvaluationMarkdown(r);
    expect(lines(md)[0]).toBe('## 🧩 Model evaluation: shard 2 of 3 scored');
    expect(md).toContain('Shard 2 of 3 scored rows 400..799 of 1,003');
    expect(md).toContain('reads the partial `partial-2-of-3` with the other shards');
    expect(md).not.toContain('PASSED');
    expectValidMarkdown(md);
  });

  it('the baseline row names the release or run it came from, and a cache hit instead of a time', () => {
    const r = passedClassification();
    r.models.baseline = {
      ...r.models.baseline!,
      cache: { status: 'hit', dir: 'baseline-rows' },
      origin: {
        kind: 'release',
        repository: 'octo/models',
        tag: 'models/v1',
        asset: 'model.onnx',
        assetId: 71,
        releaseUrl: 'https://github.com/octo/models/releases/tag/models/v1',
      },
    };
    r.shards = [
      { index: 1, count: 2, rows: { start: 0, end: 4096 }, partial: 'partial-1-of-2', inferenceMs: [1, 1] },
      { index: 2, count: 2, rows: { start: 4096, end: 5000 }, partial: 'partial-2-of-2', inferenceMs: [1, 1] },
    ];
    const md = renderEvaluationMarkdown(r);
    const row = lines(md).find((l) => l.startsWith('| baseline |'))!;
    expect(row).toContain('release [models/v1](https://github.com/octo/models/releases/tag/models/v1), asset `model.onnx`');
    expect(row).toContain('read from baseline-cache');
    expect(md).toContain('Scored in 2 shards, merged exactly (rows per shard: 4,096, 904).');
  });
});
