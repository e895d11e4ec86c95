// The task table of chooseTask (task.ts), on the label files test/fixtures/generate.py writes:
// the binary_one_column set's labels in each dtype and its label variants, the regression set's targets.
import { describe, expect, it } from 'vitest';

import { fixture } from '../../../../test/fixtures.js';
import { thrownUserError } from '../../../../test/user-error.js';
import { openNpy } from '../npy/array.js';
import type { LoadedModel } from '../onnx/session.js';
import { surveyLabels, type LabelSurvey } from './labels.js';
import { checkOutputsFit, chooseTask, type OutputLayout, type TaskChoice } from './task.js';

const survey = async (set: string, name: string, limit?: number): Promise<LabelSurvey> =>
  surveyLabels(await openNpy(fixture(set, `${name}.npy`)), 64, limit);

function output(width: number, outputIsLabels = false, role = 'new model'): OutputLayout {
  const pathInput = role === 'new model' ? 'new-model' : 'baseline-model';
  const model = { path: `/models/${pathInput}.onnx`, pathInput, output: { name: 'scores', type: 'float32', shape: ['batch', width] } };
  return { role, model: model as unknown as LoadedModel, width, outputIsLabels };
}

describe('chooseTask: task auto', () => {
  it('one output column and 0/1 labels of any dtype (float32 as BCELoss wants, int64, bool): binary classification', async () => {
    for (const name of ['labels', 'labels_int', 'labels_bool']) {
      const choice = chooseTask('auto', output(1), await survey('binary_one_column', name, 2));
      expect(choice, name).toEqual({
        task: 'classification',
        reason: 'labels are all 0/1 and the model has one output column: binary classification',
        fromInput: false,
      });
    }
  });

  it('one output column and labels that are not whole numbers, some outside [0, 1]: regression', async () => {
    const choice = chooseTask('auto', output(1), await survey('regression', 'labels'));
    expect(choice.task).toBe('regression');
    expect(choice.reason).toMatch(
      /^labels are not all whole numbers \(-?[\d.]+ at row 0\) and the model has one output column: regression$/,
    );
    // a NaN target does not change the task: checkLabelsFit names its row
    expect(chooseTask('auto', output(1), await survey('regression', 'labels_nan')).task).toBe('regression');
  });

  it('several columns or class ids: classification, whatever the labels', async () => {
    const labels = await survey('binary_one_column', 'labels_counts');
    expect(chooseTask('auto', output(5), labels).reason).toBe('the new model outputs 5 scores per row, one per class: classification');
    expect(chooseTask('auto', output(1, true), labels).reason).toBe('the new model outputs integer class ids: classification');
  });

  it('one column and whole numbers other than 0/1 (counts as int64 or float64, -1/1): asks for input task', async () => {
    for (const [name, value] of [
      ['labels_counts', /whole numbers other than 0 and 1 \(\d at row \d+\)/],
      ['labels_counts_float', /whole numbers other than 0 and 1 \(\d at row \d+\)/],
      ['labels_signed', /whole numbers other than 0 and 1 \(-1 at row \d+\)/],
    ] as const) {
      const labels = await survey('binary_one_column', name, 2);
      const e = thrownUserError(() => chooseTask('auto', output(1), labels));
      expect(e.input, name).toBe('task');
      expect(e.file).toBe(labels.label);
      expect(e.message).toMatch(/^Input task: auto cannot tell the task: the labels in .*\.npy are /);
      expect(e.message).toMatch(value);
      expect(e.message).toContain('the targets of a regression (counts, ratings) or class ids');
      expect(e.message).toContain('Set input task to classification or regression.');
    }
  });

  it('one column and fractions within [0, 1] (soft labels or a bounded target): asks for input task', async () => {
    const labels = await survey('binary_one_column', 'labels_fractions', 2);
    const error = thrownUserError(() => chooseTask('auto', output(1), labels));
    expect(error.input).toBe('task');
    expect(error.message).toContain('fractions between 0 and 1 (0.9 at row 0)');
    expect(error.message).toContain('soft labels');
  });
});

describe('chooseTask: task given', () => {
  it('is kept as given, even where auto would ask', async () => {
    const labels = await survey('binary_one_column', 'labels_counts', 2);
    expect(chooseTask('regression', output(1), labels)).toEqual({
      task: 'regression',
      reason: 'set by input task: regression',
      fromInput: true,
    });
    expect(chooseTask('classification', output(1), labels).task).toBe('classification');
  });
});

describe('checkOutputsFit', () => {
  const regression = (fromInput: boolean): TaskChoice => ({ task: 'regression', reason: '', fromInput });

  it('regression refuses several columns or class ids, naming task when it was set, the model otherwise', () => {
    expect(() => checkOutputsFit(regression(true), [output(1), output(1, false, 'baseline model')])).not.toThrow();
    const byInput = thrownUserError(() => checkOutputsFit(regression(true), [output(3)]));
    expect(byInput.input).toBe('task');
    expect(byInput.message).toMatch(
      /^Input task: Regression needs one number per row, but output 'scores' of the new model .* gives 3 values per row\.$/,
    );
    const detected = thrownUserError(() => checkOutputsFit(regression(false), [output(1), output(1, true, 'baseline model')]));
    expect(detected.input).toBe('baseline-model');
    expect(detected.message).toContain('gives integer class ids');
  });

  it('classification refuses models that score different numbers of classes (one column scores two)', () => {
    const classification: TaskChoice = { task: 'classification', reason: '', fromInput: false };
    expect(() => checkOutputsFit(classification, [output(1), output(2, false, 'baseline model')])).not.toThrow();
    expect(() => checkOutputsFit(classification, [output(3), output(1, true, 'baseline model')])).not.toThrow();
    const e = thrownUserError(() => checkOutputsFit(classification, [output(1), output(3, false, 'baseline model')]));
    expect(e.input).toBe('baseline-model');
    expect(e.message).toContain('(new model: 2, baseline model: 3)');
  });
});
