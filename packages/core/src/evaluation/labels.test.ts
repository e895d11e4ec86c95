// surveyLabels and checkLabelsFit (labels.ts) on the label files test/fixtures/generate.py writes.
import { describe, expect, it } from 'vitest';

import { fixture } from '../../../../test/fixtures.js';
import { openNpy } from '../npy/array.js';
import { checkLabelsFit, surveyLabels } from './labels.js';

const survey = async (set: string, name: string, limit?: number, batchRows = 64) =>
  surveyLabels(await openNpy(fixture(set, `${name}.npy`)), batchRows, limit);

describe('surveyLabels', () => {
  it('reads every label in batches (the last one short) and records the first of each kind', async () => {
    // generate.py: labels_out_of_range holds 2 + 3 = 5 at row 17, class ids 0..2 elsewhere
    for (const batchRows of [1, 7, 64, 5000]) {
      const s = await survey('multiclass', 'labels_out_of_range', 3, batchRows);
      expect(s.tooLarge, `batch ${batchRows}`).toEqual({ row: 17, value: 5 });
      expect(s.notBinary!.row).toBeLessThanOrEqual(17);
      expect(s).toMatchObject({ max: 5, withinUnit: false, isFloat: false });
      expect([s.fraction, s.negative, s.nonFinite]).toEqual([undefined, undefined, undefined]);
    }
  });

  it('tells float 0/1 labels from fractions and targets', async () => {
    const binary = await survey('binary_one_column', 'labels', 2);
    expect(binary).toMatchObject({ withinUnit: true, isFloat: true, max: 1 });
    expect([binary.notBinary, binary.fraction]).toEqual([undefined, undefined]);
    expect(binary.dtype).toBe('float32 (little-endian)');
    const fractions = await survey('binary_one_column', 'labels_fractions', 2);
    expect(fractions.withinUnit).toBe(true);
    expect(fractions.negative).toBeUndefined();
    expect(fractions.fraction!.row).toBe(0);
    const targets = await survey('regression', 'labels_nan');
    // generate.py: with_nan[5] = NaN
    expect(targets.nonFinite!.row).toBe(5);
    expect(Number.isNaN(targets.nonFinite!.value)).toBe(true);
    expect(targets.withinUnit).toBe(false);
  });
});

describe('checkLabelsFit', () => {
  const scores = (limit: number | undefined, oneColumn = false) => ({ limit, scorer: 'new model', oneColumn });

  it('counts the classes: the ones scored, or the largest label + 1 for outputs of class ids (two at least)', async () => {
    expect(checkLabelsFit(await survey('multiclass', 'labels', 3), 'classification', scores(3))).toBe(3);
    expect(checkLabelsFit(await survey('multiclass', 'labels'), 'classification', scores(undefined))).toBe(3);
    expect(checkLabelsFit(await survey('binary_one_column', 'labels_bool', 2), 'classification', scores(2, true))).toBe(2);
    expect(checkLabelsFit(await survey('regression', 'labels'), 'regression', scores(undefined))).toBeUndefined();
  });

  it('names the first label that is no class id the models score, and input labels', async () => {
    const s = await survey('multiclass', 'labels_out_of_range', 3);
    expect(() => checkLabelsFit(s, 'classification', scores(3))).toThrow(
      /^Input labels: the labels in .*labels_out_of_range\.npy hold 5 at row 17; expected a class id from 0 to 2 \(the new model scores 3 classes\)\.$/,
    );
    const signed = await survey('binary_one_column', 'labels_signed', 2);
    expect(() => checkLabelsFit(signed, 'classification', scores(2, true))).toThrow(
      new RegExp(`hold -1 at row ${signed.negative!.row}; expected a class id from 0 to 1`),
    );
  });

  it('points a one-column model with float labels that are no class ids at task: regression', async () => {
    const s = await survey('binary_one_column', 'labels_fractions', 2);
    try {
      checkLabelsFit(s, 'classification', scores(2, true));
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).toContain('hold 0.9 at row 0');
      expect((e as { hint?: string }).hint).toBe('They are float32 (little-endian); for a regression set task: regression.');
    }
  });

  it('does not point NaN class labels at task: regression (a NaN is no target either)', async () => {
    const s = await survey('binary_one_column', 'labels', 2);
    s.nonFinite = { row: 9, value: NaN };
    try {
      checkLabelsFit(s, 'classification', scores(2, true));
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).toContain('hold NaN at row 9; expected a class id from 0 to 1');
      expect((e as { hint?: string }).hint).toBeUndefined();
    }
  });

  it('refuses a regression target that is not finite', async () => {
    const s = await survey('regression', 'labels_nan');
    expect(() => checkLabelsFit(s, 'regression', scores(undefined))).toThrow(
      /labels_nan\.npy hold NaN at row 5; expected a finite number \(a regression target\)/,
    );
  });
});
