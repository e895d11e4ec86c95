// The checks on curves whose verdicts are worked out by hand here, at the boundaries of their
// thresholds (values chosen exact in binary, so that "at the threshold" is exact too).
import { describe, expect, it } from 'vitest';

import { parseBounds } from './bounds.js';
import { DEFAULT_TRAINING_SETTINGS, type TrainingCheckSettings } from './check-result.js';
import { boundChecks, finiteCheck, gradNormCheck, runTrainingChecks } from './checks.js';
import { chooseColumns, type NamedColumns } from './columns.js';
import { trainingCurves, type TrainingCurves } from './curves.js';
import type { TrainingLog } from './log.js';
import { convergedCheck, notDivergingCheck, slope, valLossRisingCheck } from './loss-checks.js';

/** Curves of a CSV log with these columns, one row per list element, rows on lines 2, 3, ... */
function curvesOf(cols: Record<string, (number | null)[]>, named: NamedColumns = {}, extra: string[] = []): TrainingCurves {
  const columns = Object.keys(cols);
  const n = cols[columns[0]].length;
  const log: TrainingLog = {
    path: 'log.csv',
    format: 'csv',
    columns,
    rows: Array.from({ length: n }, (_, i) => ({ line: i + 2, cells: columns.map((c) => cols[c][i]) })),
  };
  return trainingCurves(log, chooseColumns(log, named), extra);
}

const settings = (s: Partial<TrainingCheckSettings> = {}): TrainingCheckSettings => ({ ...DEFAULT_TRAINING_SETTINGS, ...s });

describe('converged', () => {
  // L0 = 10, Lf = Lmin = 2: decrease = 8/10 = 0.8; the last 4: [2.5, 2.25, 2, 2], max - min = 0.5,
  // the fall L0 - Lmin = 8: plateau = 0.5/8 = 0.0625
  const loss = [10, 6, 4, 3, 2.5, 2.25, 2, 2];
  const curves = curvesOf({ train_loss: loss });

  it('passes at the thresholds, with the numbers', () => {
    const r = convergedCheck(curves, settings({ window: 4, minLossDecrease: 0.8, plateauTolerance: 0.0625 }));
    expect(r.status).toBe('passed');
    expect(r.values).toEqual({ first: 10, final: 2, min: 2, decrease: 0.8, plateau: 0.0625 });
    expect(r.message).toBe(
      'train_loss fell by 80% (10 at epoch 0 to 2 at epoch 7), at least 80%; over the last 4 epochs (epochs 4-7) it moved by 6.25% of its whole fall (max - min 0.5 of 8), within 6.25%.',
    );
  });

  it('fails just past either threshold, saying which', () => {
    const decrease = convergedCheck(curves, settings({ window: 4, minLossDecrease: 0.81, plateauTolerance: 0.0625 }));
    expect(decrease.status).toBe('failed');
    expect(decrease.message).toBe('train_loss fell by 80% (10 at epoch 0 to 2 at epoch 7), less than min-loss-decrease 81%.');
    const plateau = convergedCheck(curves, settings({ window: 4, minLossDecrease: 0.8, plateauTolerance: 0.0624 }));
    expect(plateau.status).toBe('failed');
    expect(plateau.message).toContain('more than plateau-tolerance 6.24%: the loss has not settled');
    // it points at the window's first epoch: row 4, line 6
    expect(plateau).toMatchObject({ epoch: 4, row: 4, line: 6, column: 'train_loss' });
  });

  it('a loss that never fell fails; so does one that rose', () => {
    const flat = convergedCheck(curvesOf({ loss: [1, 1, 1, 1, 1] }), settings());
    expect(flat.status).toBe('failed');
    expect(flat.values).toMatchObject({ decrease: 0, plateau: Infinity });
    const rose = convergedCheck(curvesOf({ loss: [1, 2, 3, 4, 5] }), settings());
    expect(rose.values!.decrease).toBe(-4);
    expect(rose.message).toMatch(/^loss rose by 400% \(1 at epoch 0 to 5 at epoch 4\), less than min-loss-decrease 10%;/);
  });

  it('too few epochs for the window is a failure, not a pass', () => {
    const r = convergedCheck(curvesOf({ loss: [10, 5, 2, 1] }), settings({ window: 5 }));
    expect(r.status).toBe('failed');
    expect(r.message).toBe(
      'Only 4 epochs have a finite loss; the plateau test looks at the last 5 (window): too few epochs to tell whether the loss converged.',
    );
  });

  it('a final loss that is NaN or missing fails, pointing at the last epoch', () => {
    const nan = convergedCheck(curvesOf({ epoch: [0, 1, 2, 3, 4, 5], loss: [10, 5, 2, 1, 1, NaN] }), settings());
    expect(nan).toMatchObject({ status: 'failed', epoch: 5, line: 7 });
    expect(nan.message).toBe('The final loss is NaN (epoch 5): the training did not end on a finite loss.');
    const missing = convergedCheck(curvesOf({ epoch: [0, 1, 2, 3, 4, 5], loss: [10, 5, 2, 1, 1, null] }), settings());
    expect(missing.message).toBe('The last epoch (5) has no loss value: the final loss is unknown.');
  });

  it('a NaN in the middle is left out of the curve (finite fails on it)', () => {
    // finite: [10, 6, 4, 3, 2.5, 2.25, 2, 2] as above
    const r = convergedCheck(curvesOf({ loss: [10, 6, NaN, 4, 3, 2.5, 2.25, 2, 2] }), settings({ window: 4, plateauTolerance: 0.0625 }));
    expect(r.values).toEqual({ first: 10, final: 2, min: 2, decrease: 0.8, plateau: 0.0625 });
  });
});

describe('not-diverging', () => {
  // L0 = 10, Lmin = 2, Lf = 3: (3 - 2) / (10 - 2) = 0.125
  const ending = curvesOf({ loss: [10, 4, 2, 3] });

  it('passes at the tolerance and fails just under it', () => {
    expect(notDivergingCheck(ending, settings({ divergenceTolerance: 0.125 }))).toMatchObject({
      status: 'passed',
      values: { ratio: 0.125 },
    });
    const r = notDivergingCheck(ending, settings({ divergenceTolerance: 0.12 }));
    expect(r).toMatchObject({ status: 'failed', epoch: 3, line: 5 });
    expect(r.message).toBe(
      'The loss went back up at the end: the final loss 3 (epoch 3) is 1 above its minimum 2 (epoch 2), 12.5% of its fall from 10, more than divergence-tolerance 12%.',
    );
  });

  it('a spike in the middle that recovers passes; the same spike at the end fails', () => {
    expect(notDivergingCheck(curvesOf({ loss: [10, 4, 50, 3, 2] }), settings()).status).toBe('passed');
    expect(notDivergingCheck(curvesOf({ loss: [10, 4, 3, 2, 50] }), settings()).values!.ratio).toBe(6);
  });

  it('a loss that only rose is infinitely diverging; a flat one is not', () => {
    expect(notDivergingCheck(curvesOf({ loss: [1, 2] }), settings()).values!.ratio).toBe(Infinity);
    expect(notDivergingCheck(curvesOf({ loss: [1, 1] }), settings()).values!.ratio).toBe(0);
    expect(notDivergingCheck(curvesOf({ loss: [1] }), settings()).status).toBe('failed');
  });
});

describe('val-loss-rising', () => {
  // the last 3 epochs: val [0.75, 0.875, 1] rises (slope 0.125), train [1.25, 1.125, 1] falls (slope -0.125)
  const overfit = curvesOf({ train_loss: [2, 1.5, 1.25, 1.125, 1], val_loss: [1, 0.875, 0.75, 0.875, 1] });

  it('warns by default, fails with fail, is skipped when off', () => {
    const warn = valLossRisingCheck(overfit, settings({ window: 3 }));
    expect(warn).toMatchObject({ status: 'warning', epoch: 2, line: 4, values: { valSlope: 0.125, trainSlope: -0.125 } });
    expect(warn.message).toBe(
      'val_loss rose over the last 3 epochs (epochs 2-4: val_loss 0.75 -> 1, slope +0.125 per epoch) while train_loss fell (train_loss 1.25 -> 1, slope -0.125 per epoch): overfitting.',
    );
    expect(valLossRisingCheck(overfit, settings({ window: 3, valLossRising: 'fail' })).status).toBe('failed');
    expect(valLossRisingCheck(overfit, settings({ window: 3, valLossRising: 'off' })).status).toBe('skipped');
  });

  it('passes when the validation loss falls, or when both rise (that is not-diverging’s business)', () => {
    expect(valLossRisingCheck(overfit, settings({ window: 5 })).status).toBe('passed'); // over all 5 the val slope is 0
    const both = curvesOf({ train_loss: [1, 1.5, 2], val_loss: [1, 1.5, 2] });
    expect(valLossRisingCheck(both, settings({ window: 3 })).status).toBe('passed');
  });

  it('a validation loss that wobbles with a positive slope but ends lower is not rising', () => {
    // the example project's last 5 epochs: slope +0.00022 per epoch, yet 0.1341 -> 0.1258
    const wobble = curvesOf({ train_loss: [0.0343, 0.0324, 0.0309, 0.0277, 0.0285], val_loss: [0.1341, 0.125, 0.138, 0.1438, 0.1258] });
    const r = valLossRisingCheck(wobble, settings());
    expect(r.values!.valSlope).toBeCloseTo(0.00022, 12);
    expect(r.status).toBe('passed');
  });

  it('validation every other epoch: the epochs with both losses; too few of them is the mode’s severity', () => {
    const sparse = curvesOf({ train_loss: [4, 3.5, 3, 2.5, 2, 1.5], val_loss: [null, 1, null, 1.25, null, 1.5] });
    expect(valLossRisingCheck(sparse, settings({ window: 3 })).values).toEqual({ valSlope: 0.25, trainSlope: -1 });
    const few = valLossRisingCheck(sparse, settings({ window: 4, valLossRising: 'fail' }));
    expect(few.status).toBe('failed');
    expect(few.message).toBe('Only 3 epochs have both train_loss and val_loss finite; the trend over the last 4 (window) cannot be told.');
  });

  it('is skipped without a validation loss, or when the last one is NaN (finite fails on it)', () => {
    expect(valLossRisingCheck(curvesOf({ loss: [1, 2, 3] }), settings()).status).toBe('skipped');
    expect(valLossRisingCheck(curvesOf({ loss: [3, 2, 1], val_loss: [1, 2, NaN] }), settings({ window: 2 })).status).toBe('skipped');
  });

  it('slope: the least-squares slope against 0, 1, ..., n-1', () => {
    expect(slope([1, 2, 3])).toBe(1);
    expect(slope([3, 1, 2])).toBe(-0.5); // x̄ = 1, ȳ = 2: ((-1)(1) + 0 + (1)(0)) / 2
    expect(slope([5])).toBe(0);
  });
});

describe('grad-norm', () => {
  it('every norm at most max-grad-norm passes; one above fails at its row, NaN fails', () => {
    expect(gradNormCheck(curvesOf({ loss: [3, 2, 1], grad_norm: [1, 1000, 999] }), settings()).status).toBe('passed');
    expect(gradNormCheck(curvesOf({ loss: [3, 2, 1], grad_norm: [1, 1000.5, 999] }), settings()).status).toBe('failed');
    const over = gradNormCheck(curvesOf({ loss: [3, 2, 1, 1], grad_norm: [1, 1250, 3000, 2] }), settings());
    expect(over).toMatchObject({ status: 'failed', epoch: 1, line: 3, values: { value: 1250, max: 3000 } });
    expect(over.message).toBe(
      'grad_norm is 1250 at epoch 1 (line 3), above max-grad-norm 1000: exploding gradients. 2 of 4 logged norms are not within it; the largest finite one is 3000 at epoch 2 (line 4).',
    );
    expect(gradNormCheck(curvesOf({ loss: [3, 2], grad_norm: [1, NaN] }), settings()).status).toBe('failed');
  });

  it('is skipped when no norm is logged, but fails when the named column has no value', () => {
    expect(gradNormCheck(curvesOf({ loss: [3, 2] }), settings()).status).toBe('skipped');
    expect(gradNormCheck(curvesOf({ loss: [3, 2], grad_norm: [null, null] }), settings()).status).toBe('skipped');
    const named = curvesOf({ loss: [3, 2], gn: [null, null] }, { gradNorm: 'gn' });
    expect(gradNormCheck(named, settings()).status).toBe('failed');
  });

  it('reads every logged norm (steps), not only the epoch’s last', () => {
    // epoch 0 has a 5000 mid-epoch that merging per epoch would hide
    const c = curvesOf({ epoch: [0, 0, 0, 1], loss: [null, null, 2, 1], grad_norm: [1, 5000, 2, 1] });
    expect(c.merged.get('grad_norm')!.values).toEqual([2, 1]);
    expect(gradNormCheck(c, settings())).toMatchObject({ status: 'failed', row: 1, line: 3 });
  });
});

describe('finite', () => {
  it('names the first value that is not finite, in row order, over the checked columns', () => {
    const c = curvesOf({ epoch: [0, 1, 2, 3], loss: [3, 2, Infinity, NaN], val_loss: [3, NaN, 1, 1], other: [NaN, 1, 1, 1] });
    const r = finiteCheck(c);
    expect(r).toMatchObject({ status: 'failed', epoch: 1, line: 3, column: 'val_loss' });
    expect(r.message).toBe(
      'val_loss is NaN at epoch 1 (line 3), the first value that is not finite; values that are not: loss 2, val_loss 1.',
    );
    expect(finiteCheck(curvesOf({ loss: [1, 1], other: [NaN, 1] })).status).toBe('passed'); // an unchecked column
  });

  it('reads the bounded columns and every row of an epoch', () => {
    const c = curvesOf({ epoch: [0, 0, 1], loss: [null, 2, 1], val_accuracy: [-Infinity, 0.5, 0.9] }, {}, ['val_accuracy']);
    expect(finiteCheck(c)).toMatchObject({ status: 'passed' });
    expect(finiteCheck(c, [{ column: 'val_accuracy', operator: '>=', value: 0.9, line: 1, text: 'val_accuracy >= 0.9' }])).toMatchObject({
      status: 'failed',
      row: 0,
      line: 2,
    });
  });

  it("fails on an epoch with no loss after one that has one (pandas' to_csv writes NaN as an empty cell)", () => {
    const r = finiteCheck(curvesOf({ epoch: [0, 1, 2], loss: [2, null, 1] }));
    expect(r).toMatchObject({ status: 'failed', epoch: 1, line: 3 });
    expect(r.message).toContain('loss has no value at epoch 1 (line 3) while earlier epochs have one');
    // Lightning: an epoch's step rows have no epoch loss, its last row has: no gap
    expect(finiteCheck(curvesOf({ epoch: [0, 0, 1, 1], loss: [null, 2, null, 1] })).status).toBe('passed');
  });
});

describe('bounds', () => {
  it('parses strictly, naming the line', () => {
    const ok = parseBounds('val_accuracy >= 0.9\n\n# a comment\ntrain_loss<=2 # inline\ngrad_2.0_norm_total < 1e3');
    expect(ok.ok && ok.value.map((b) => [b.column, b.operator, b.value, b.line])).toEqual([
      ['val_accuracy', '>=', 0.9, 1],
      ['train_loss', '<=', 2, 4],
      ['grad_2.0_norm_total', '<', 1000, 5],
    ]);
    for (const [text, line] of [
      ['val_acc => 0.9', 1],
      ['a >= 1\nval_acc >= high', 2],
      ['>= 1', 1],
      ['val acc >= 1', 1],
      ['x == 1', 1],
      ['x >= 1e999', 1],
    ] as const) {
      const r = parseBounds(text);
      expect(r.ok ? undefined : r.error, text).toMatch(new RegExp(`^line ${line} \\('.*'\\) is not a bound$`));
    }
  });

  it('hold the final value of the column to the bound', () => {
    const b = parseBounds('val_accuracy >= 0.9\nval_accuracy > 0.95\ntrain_loss <= 2');
    if (!b.ok) throw new Error(b.error);
    const c = curvesOf({ train_loss: [3, 2], val_accuracy: [0.5, 0.95] }, {}, ['val_accuracy']);
    const r = boundChecks(c, b.value);
    expect(r.map((x) => [x.name, x.status])).toEqual([
      ['val_accuracy >= 0.9', 'passed'],
      ['val_accuracy > 0.95', 'failed'],
      ['train_loss <= 2', 'passed'],
    ]);
    expect(r[1]).toMatchObject({ id: 'bounds', epoch: 1, line: 3 });
    expect(r[1].message).toBe('The final val_accuracy is 0.95, at epoch 1 (line 3): not > 0.95.');
  });
});

describe('runTrainingChecks', () => {
  it('gives every check, in order, with the bounds last', () => {
    const b = parseBounds('val_loss <= 1');
    if (!b.ok) throw new Error(b.error);
    const loss = [10, 6, 4, 3, 2.5, 2.25, 2, 2];
    const c = curvesOf({ train_loss: loss, val_loss: loss.map((v) => v / 2) }, {}, ['val_loss']);
    const r = runTrainingChecks(c, settings({ window: 4, plateauTolerance: 0.07, bounds: b.value }));
    expect(r.map((x) => [x.id, x.status])).toEqual([
      ['finite', 'passed'],
      ['converged', 'passed'],
      ['not-diverging', 'passed'],
      ['grad-norm', 'skipped'],
      ['val-loss-rising', 'passed'],
      ['bounds', 'passed'],
    ]);
  });
});
