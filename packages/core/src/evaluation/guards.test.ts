import { describe, expect, it } from 'vitest';

import type { ClassComparison, MetricComparison } from './comparison.js';
import { guardClasses, guardSlices, parseClassRegression, sliceGuardsByColumn, type SliceComparison } from './guards.js';

describe('parseClassRegression', () => {
  const ok = (text: string) => {
    const r = parseClassRegression(text);
    if (!r.ok) throw new Error(`unexpected error: ${r.error}`);
    return r.value;
  };
  const fails = (text: string) => {
    const r = parseClassRegression(text);
    if (r.ok) throw new Error(`expected an error for ${JSON.stringify(text)}`);
    return r.error;
  };
  it('a number is the tolerance of recall', () => {
    expect(ok('0.05')).toEqual({ recall: 0.05 });
    expect(ok(' 0 ')).toEqual({ recall: 0 });
    expect(ok('.1')).toEqual({ recall: 0.1 });
  });
  it('per metric, separated by commas or newlines, any case, with an optional : or =', () => {
    expect(ok('recall 0.05, f1 0.1')).toEqual({ recall: 0.05, f1: 0.1 });
    expect(ok('Recall: 0.05\nF1=0.1\nprecision 0.2,')).toEqual({ recall: 0.05, f1: 0.1, precision: 0.2 });
    expect(ok('f1 0.02')).toEqual({ f1: 0.02 });
  });
  it('says what is wrong', () => {
    expect(fails('')).toBe('it is empty');
    expect(fails('  \n ')).toBe('it is empty');
    expect(fails('recal 0.05')).toBe("'recal 0.05' does not start with a per-class metric (precision, recall, f1)");
    expect(fails('accuracy 0.05')).toBe("'accuracy 0.05' does not start with a per-class metric (precision, recall, f1)");
    expect(fails('0.05, f1 0.1')).toBe("'0.05' does not start with a per-class metric (precision, recall, f1)");
    expect(fails('recall 0.05, RECALL 0.1')).toBe('recall is given twice');
    expect(fails('recall')).toBe('the tolerance of recall is missing');
    expect(fails('recall lots')).toBe("the tolerance of recall is 'lots', not a number");
    expect(fails('-0.1')).toBe('the tolerance of recall is -0.1; a tolerated drop is 0 or more');
    expect(fails('f1 -0.1')).toBe('the tolerance of f1 is -0.1; a tolerated drop is 0 or more');
    expect(fails('5%')).toBe("'5%' does not start with a per-class metric (precision, recall, f1)");
    expect(fails('recall 5%')).toBe("the tolerance of recall is in the metric's units (0.05 for five points), not %");
  });
});

/** A per-class comparison of one metric: improvement positive when the new model is better (all three are higher-is-better). */
function metric(
  name: string,
  n: number | null,
  b: number | null,
  pNewWorse?: number,
  extra: Partial<MetricComparison> = {},
): MetricComparison {
  const improvement = n === null || b === null ? null : n - b;
  return {
    metric: name,
    higherIsBetter: true,
    new: n,
    baseline: b,
    improvement,
    ...(pNewWorse === undefined ? {} : { pNewWorse }),
    ...extra,
  };
}

function perClass(cls: number, support: number, recall: MetricComparison, f1?: MetricComparison): ClassComparison {
  const unused = metric(`precision[${cls}]`, 0.5, 0.5, 0.5);
  return { class: cls, support, precision: unused, recall, f1: f1 ?? unused };
}

/**
 * Four classes, recall guarded at 0.05. Holm over the three gated classes (class 3 has no rows),
 * by hand: p sorted 0.001 (class 2), 0.03 (class 1), 0.2 (class 0); adjusted 3 x 0.001 = 0.003,
 * max(0.003, 2 x 0.03) = 0.06, max(0.06, 1 x 0.2) = 0.2.
 */
const classes = [
  perClass(0, 500, metric('recall[0]', 0.88, 0.9, 0.2)),
  perClass(1, 12, metric('recall[1]', 0.834, 0.917, 0.03)),
  perClass(2, 300, metric('recall[2]', 0.8, 0.9, 0.001)),
  perClass(3, 0, metric('recall[3]', null, null, undefined, { unavailable: 'no row of class 3' })),
];

describe('guardClasses', () => {
  it('without significance-level, a drop beyond the tolerance fails', () => {
    const g = guardClasses(classes, { recall: 0.05 });
    expect(g).toMatchObject({ tolerances: { recall: 0.05 }, significanceLevel: null, passed: false });
    expect(g.rows.map((r) => [r.subject, r.metric, r.rows, r.gated, r.failed, r.pHolm])).toEqual([
      ['class 0', 'recall[0]', 500, true, false, null],
      ['class 1', 'recall[1]', 12, true, true, null],
      ['class 2', 'recall[2]', 300, true, true, null],
      ['class 3', 'recall[3]', 0, false, false, null],
    ]);
    expect(g.rows[0].drop).toBeCloseTo(0.02, 12);
    expect(g.rows[1].drop).toBeCloseTo(0.083, 12);
    expect(g.rows.map((r) => r.note)).toEqual([
      'dropped by 0.0200 (0.9000 -> 0.8800), within the 0.05 tolerated',
      'dropped by 0.0830 (0.9170 -> 0.8340) on 12 rows, more than the 0.05 tolerated',
      'dropped by 0.1000 (0.9000 -> 0.8000) on 300 rows, more than the 0.05 tolerated',
      'no row of class 3 in the eval set: reported, not gated',
    ]);
    expect(g.rows[3]).toMatchObject({ new: null, baseline: null, drop: null });
  });
  it('with significance-level, only a drop significant after Holm fails: raw p < level is not enough', () => {
    const g = guardClasses(classes, { recall: 0.05 }, 0.05);
    expect(g).toMatchObject({ significanceLevel: 0.05, passed: false });
    expect(g.rows.map((r) => r.pNewWorse)).toEqual([0.2, 0.03, 0.001, null]);
    const holm = g.rows.map((r) => r.pHolm);
    expect(holm[0]).toBeCloseTo(0.2, 12);
    expect(holm[1]).toBeCloseTo(0.06, 12);
    expect(holm[2]).toBeCloseTo(0.003, 12);
    expect(holm[3]).toBeNull();
    expect(g.rows.map((r) => r.failed)).toEqual([false, false, true, false]);
    expect(g.rows[1].note).toBe(
      'dropped by 0.0830 (0.9170 -> 0.8340) on 12 rows, more than the 0.05 tolerated, ' +
        'but not significant after Holm (p = 0.03, Holm-adjusted across 3 classes 0.06 >= 0.05): it does not block',
    );
    expect(g.rows[2].note).toBe(
      'dropped by 0.1000 (0.9000 -> 0.8000) on 300 rows, more than the 0.05 tolerated, ' +
        'significant after Holm (p = 0.001, Holm-adjusted across 3 classes 0.003 < 0.05)',
    );
  });
  it('gives every class the same adjusted p whatever the order of the classes', () => {
    const forward = guardClasses(classes, { recall: 0.05 }, 0.05);
    const reversed = guardClasses([...classes].reverse(), { recall: 0.05 }, 0.05);
    expect(reversed.rows.map((r) => r.subject)).toEqual(['class 3', 'class 2', 'class 1', 'class 0']);
    expect([...reversed.rows].reverse()).toEqual(forward.rows);
  });
  it('Holm is step-down: a larger p never gets a smaller adjusted p than a smaller one', () => {
    // p 0.01, 0.04, 0.03 (m = 3): 3 x 0.01 = 0.03; 0.03 -> max(0.03, 2 x 0.03) = 0.06; 0.04 -> max(0.06, 1 x 0.04) = 0.06
    const g = guardClasses(
      [
        perClass(0, 100, metric('recall[0]', 0.7, 0.8, 0.01)),
        perClass(1, 100, metric('recall[1]', 0.7, 0.8, 0.04)),
        perClass(2, 100, metric('recall[2]', 0.7, 0.8, 0.03)),
      ],
      { recall: 0.05 },
      0.05,
    );
    const holm = g.rows.map((r) => r.pHolm as number);
    expect(holm[0]).toBeCloseTo(0.03, 12);
    expect(holm[1]).toBeCloseTo(0.06, 12);
    expect(holm[2]).toBeCloseTo(0.06, 12);
    expect(g.rows.map((r) => r.failed)).toEqual([true, false, false]);
  });
  it('one Holm family per metric; rows by class, then metric', () => {
    // f1 alone: p 0.02 (class 0), 0.04 (class 1): 2 x 0.02 = 0.04, max(0.04, 0.04) = 0.04 -> both significant at 0.05
    // recall alone: p 0.04, 0.5: 2 x 0.04 = 0.08 -> not significant; a family of four would make f1's adjusted p larger
    const g = guardClasses(
      [
        perClass(0, 100, metric('recall[0]', 0.7, 0.8, 0.04), metric('f1[0]', 0.6, 0.8, 0.02)),
        perClass(1, 100, metric('recall[1]', 0.8, 0.8, 0.5), metric('f1[1]', 0.6, 0.8, 0.04)),
      ],
      { f1: 0.1, recall: 0.05 },
      0.05,
    );
    expect(g.tolerances).toEqual({ f1: 0.1, recall: 0.05 });
    expect(g.rows.map((r) => [r.subject, r.metric, r.failed])).toEqual([
      ['class 0', 'recall[0]', false],
      ['class 0', 'f1[0]', true],
      ['class 1', 'recall[1]', false],
      ['class 1', 'f1[1]', true],
    ]);
    expect(g.rows.map((r) => r.pHolm)).toEqual([
      expect.closeTo(0.08, 12),
      expect.closeTo(0.04, 12),
      expect.closeTo(0.5, 12),
      expect.closeTo(0.04, 12),
    ]);
    expect(g.rows[2].note).toBe('unchanged (0.8000 -> 0.8000)');
  });
  it('an improvement passes; no baseline is reported, not gated; no p under a level fails closed; NaN fails', () => {
    const g = guardClasses(
      [
        perClass(0, 40, metric('recall[0]', 0.9, 0.8, 0.99)),
        perClass(1, 40, metric('recall[1]', 0.9, null, undefined, { unavailable: 'no baseline' })),
        perClass(2, 40, metric('recall[2]', 0.7, 0.8, undefined, { unavailable: 'the class has no paired rows' })),
        perClass(3, 40, metric('recall[3]', NaN, 0.8, 0.01)),
      ],
      { recall: 0.05 },
      0.05,
    );
    expect(g.rows.map((r) => [r.gated, r.failed, r.note])).toEqual([
      [true, false, 'improved by 0.1000 (0.8000 -> 0.9000)'],
      [false, false, 'not compared: no baseline'],
      [
        true,
        true,
        'dropped by 0.1000 (0.8000 -> 0.7000) on 40 rows, more than the 0.05 tolerated; no test of the drop could be made (the class has no paired rows), so it blocks',
      ],
      [
        true,
        true,
        expect.stringMatching(/^dropped by NaN \(0\.8000 -> NaN\) on 40 rows, more than the 0\.05 tolerated, significant after Holm/),
      ],
    ]);
    // the family: classes 0 and 3 (p 0.99 and 0.01): 2 x 0.01 = 0.02, max(0.02, 0.99) = 0.99
    expect(g.rows.map((r) => r.pHolm)).toEqual([expect.closeTo(0.99, 12), null, null, expect.closeTo(0.02, 12)]);
  });
  it('a NaN p-value is no test: out of the family, and a drop beyond the tolerance blocks', () => {
    const g = guardClasses(
      [perClass(0, 30, metric('recall[0]', 0.7, 0.8, NaN)), perClass(1, 30, metric('recall[1]', 0.7, 0.8, 0.02))],
      { recall: 0.05 },
      0.05,
    );
    // the family is class 1 alone: its adjusted p is its own, 0.02
    expect(g.rows.map((r) => [r.pNewWorse, r.pHolm, r.failed])).toEqual([
      [null, null, true],
      [0.02, 0.02, true],
    ]);
    expect(g.rows[0].note).toMatch(/no test of the drop could be made, so it blocks$/);
  });
  it('a drop equal to the tolerance passes, absorbing rounding', () => {
    // 0.9 - 0.85 is 0.05000000000000004
    const g = guardClasses([perClass(0, 10, metric('recall[0]', 0.85, 0.9, 0.001))], { recall: 0.05 });
    expect(g).toMatchObject({ passed: true, rows: [{ failed: false }] });
    expect(guardClasses([perClass(0, 10, metric('recall[0]', 0.849, 0.9))], { recall: 0.05 }).passed).toBe(false);
  });
});

/**
 * Two slice columns, one Holm family. Gated slices: region EU (p 0.01), device 0 (p 0.03),
 * device tablet (p 0.9); region US has 50 rows < 100 and stays out of the family. By hand:
 * 3 x 0.01 = 0.03; max(0.03, 2 x 0.03) = 0.06; max(0.06, 0.9) = 0.9. (With US's p 0.5 in the
 * family, m = 4 would give 0.04, 0.09 and 1.)
 */
const slices: SliceComparison[] = [
  { column: 'region', code: 0, name: 'EU', rows: 400, comparison: metric('accuracy', 0.84, 0.9, 0.01) },
  { column: 'region', code: 1, name: 'US', rows: 50, comparison: metric('accuracy', 0.7, 0.9, 0.5) },
  { column: 'device', code: 0, rows: 600, comparison: metric('accuracy', 0.8, 0.87, 0.03) },
  { column: 'device', code: 1, name: 'tablet', rows: 200, comparison: metric('accuracy', 0.91, 0.9, 0.9) },
];

describe('guardSlices', () => {
  it('gates slices of min-slice-rows or more; the smaller are reported, not gated', () => {
    const g = guardSlices(slices, { tolerance: 0.05, minRows: 100 });
    expect(g).toMatchObject({ tolerances: { accuracy: 0.05 }, significanceLevel: null, passed: false });
    expect(g.rows.map((r) => [r.subject, r.rows, r.gated, r.failed])).toEqual([
      ['region = EU', 400, true, true],
      ['region = US', 50, false, false],
      ['device = 0', 600, true, true],
      ['device = tablet', 200, true, false],
    ]);
    expect(g.rows[1].note).toBe('50 rows < min-slice-rows 100: reported, not gated');
    expect(g.rows[1].drop).toBeCloseTo(0.2, 12);
    expect(g.rows[3].note).toBe('improved by 0.0100 (0.9000 -> 0.9100)');
  });
  it('with significance-level, Holm across every gated slice of every column', () => {
    const g = guardSlices(slices, { tolerance: 0.05, minRows: 100, significanceLevel: 0.05 });
    expect(g.rows.map((r) => r.pHolm)).toEqual([expect.closeTo(0.03, 12), null, expect.closeTo(0.06, 12), expect.closeTo(0.9, 12)]);
    expect(g.rows.map((r) => r.failed)).toEqual([true, false, false, false]);
    expect(g.rows[2].note).toBe(
      'dropped by 0.0700 (0.8700 -> 0.8000) on 600 rows, more than the 0.05 tolerated, ' +
        'but not significant after Holm (p = 0.03, Holm-adjusted across 3 slices 0.06 >= 0.05): it does not block',
    );
    expect(g.passed).toBe(false);
  });
  it('splits per column, keeping the family’s adjustment', () => {
    const g = guardSlices(slices, { tolerance: 0.05, minRows: 100, significanceLevel: 0.05 });
    const byColumn = sliceGuardsByColumn(slices, g);
    expect([...byColumn.keys()]).toEqual(['region', 'device']);
    expect(byColumn.get('region')).toEqual({
      tolerances: { accuracy: 0.05 },
      significanceLevel: 0.05,
      passed: false,
      rows: g.rows.slice(0, 2),
    });
    expect(byColumn.get('device')).toEqual({
      tolerances: { accuracy: 0.05 },
      significanceLevel: 0.05,
      passed: true,
      rows: g.rows.slice(2),
    });
  });
  it('no slices: nothing to block', () => {
    expect(guardSlices([], { tolerance: 0.05, minRows: 100 })).toEqual({ tolerances: {}, significanceLevel: null, passed: true, rows: [] });
  });
});
