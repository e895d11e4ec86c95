import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fixture, readJson } from '../../../../test/fixtures.js';
import { decodeCells } from '../metrics/paired-confusion.js';
import { loadOnnxRuntime, type OnnxRuntime } from '../onnx/runtime.js';
import { loadModel, type LoadedModel } from '../onnx/session.js';
import { compareModels, type CompareOptions, type Comparison } from './compare.js';
import type { MetricComparison } from './comparison.js';
import { openEvalSet } from './eval-set.js';
import { compareStatistics } from './metric-comparisons.js';

// Expected values: scikit-learn on PyTorch's outputs (test/fixtures/generate.py).
const multiclass = readJson('multiclass', 'expected.json');
const binary = readJson('binary', 'expected.json');
const regression = readJson('regression', 'expected.json');
const oneColumn = readJson('binary_one_column', 'expected.json');

let ort: OnnxRuntime;
const opened: LoadedModel[] = [];
beforeAll(async () => {
  ({ ort } = await loadOnnxRuntime({ path: process.env.ONNXRUNTIME_NODE_PATH }));
});
afterAll(async () => {
  for (const m of opened) await m.session.release();
});

async function model(set: string, name: string, role = name): Promise<LoadedModel> {
  const m = await loadModel(ort, fixture(set, `${name}.onnx`), { role, inputOfPath: role });
  opened.push(m);
  return m;
}

/** One model's side of a comparison, as the report gives it: metric values, confusion, per class. */
interface Side {
  metrics: Record<string, number | null>;
  confusion?: number[][];
  perClass?: { support: number[]; f1: number[] };
}

/** The comparison and each model's side, computed from its statistics (few replicates: the values are what is checked here). */
type Compared = Comparison & { sides: { new: Side; baseline?: Side }; mcnemar?: { newOnly: number; baselineOnly: number } };

function sides(c: Comparison): Compared {
  const { comparisons, perClass } = compareStatistics(c.statistics, { level: 0.95, replicates: 200, seed: 1 }, { ranks: c.ranks });
  const side = (pick: (m: MetricComparison) => number | null, model: 'new' | 'baseline'): Side => {
    const out: Side = { metrics: Object.fromEntries(comparisons.map((m) => [m.metric, pick(m)])) };
    if (c.statistics.task === 'classification') {
      const k = c.statistics.classes;
      const flat = c.statistics.confusion.confusion(model);
      out.confusion = Array.from({ length: k }, (_, t) => Array.from(flat.subarray(t * k, (t + 1) * k)));
      out.perClass = { support: perClass!.map((p) => p.support), f1: perClass!.map((p) => (model === 'new' ? p.f1.new! : p.f1.baseline!)) };
    }
    return out;
  };
  const result: Compared = { ...c, sides: { new: side((m) => m.new, 'new') } };
  if (c.baseline) result.sides.baseline = side((m) => m.baseline, 'baseline');
  if (c.statistics.task === 'classification' && c.baseline) {
    // McNemar's counts from the paired table: rows right by one model only
    const { keys, counts } = c.statistics.confusion.cells();
    const { label, newClass, baselineClass } = decodeCells(keys, c.statistics.classes);
    result.mcnemar = { newOnly: 0, baselineOnly: 0 };
    keys.forEach((_, i) => {
      if (newClass[i] === label[i] && baselineClass[i] !== label[i]) result.mcnemar!.newOnly += counts[i];
      if (baselineClass[i] === label[i] && newClass[i] !== label[i]) result.mcnemar!.baselineOnly += counts[i];
    });
  }
  return result;
}

async function compare(
  set: string,
  options: Partial<Omit<CompareOptions, 'data'>> & { data?: string; labels?: string; features?: string } = {},
): Promise<Compared> {
  const data = await openEvalSet(options.data ?? fixture(set), options.features, options.labels);
  try {
    const c = await compareModels({
      ort,
      newModel: options.newModel ?? (await model(set, 'new')),
      baseline: 'baseline' in options ? options.baseline : await model(set, 'baseline'),
      data,
      task: options.task ?? 'auto',
      batchSize: options.batchSize ?? 64,
      checkTask: options.checkTask,
      topK: 2,
      rankMetricsNeeded: false,
    });
    return sides(c);
  } finally {
    await data.close();
  }
}

function expectClassification(got: any, want: any) {
  for (const m of ['accuracy', 'balanced-accuracy', 'f1-macro', 'precision-macro', 'recall-macro']) {
    expect(got.metrics[m], m).toBeCloseTo(want[m], 10);
  }
  // onnxruntime's float32 arithmetic vs PyTorch's: agree to about 1e-6
  expect(got.metrics['log-loss']).toBeCloseTo(want['log-loss'], 5);
  expect(got.confusion).toEqual(want.confusion);
  expect(got.perClass.support).toEqual(want.per_class.support);
  got.perClass.f1.forEach((v: number, i: number) => expect(v).toBeCloseTo(want.per_class.f1[i], 10));
}

describe('compareModels on models exported by PyTorch', () => {
  it('scores a 3-class pair like scikit-learn, in batches of 64 (last one short)', async () => {
    const c = await compare('multiclass');
    expect(c.task).toBe('classification');
    expect(c.classes).toBe(3);
    expect(c.rows).toBe(1000);
    expect(c.new.outputKind).toBe('probabilities'); // the new model ends in softmax
    expect(c.baseline!.outputKind).toBe('logits');
    expectClassification(c.sides.new, multiclass.new);
    expectClassification(c.sides.baseline, multiclass.baseline);
    expect(c.mcnemar).toEqual({ newOnly: multiclass.mcnemar.new_only, baselineOnly: multiclass.mcnemar.baseline_only });
  });

  it('gives the same numbers from a deflated .npz (float32 features, int32 labels) and any batch size', async () => {
    const c = await compare('multiclass', { data: fixture('multiclass', 'eval.npz'), batchSize: 999 });
    expectClassification(c.sides.new, multiclass.new);
    expectClassification(c.sides.baseline, multiclass.baseline);
  });

  it('runs a model exported with a fixed batch of 7 in padded batches of 7', async () => {
    const c = await compare('multiclass', { newModel: await model('multiclass', 'new_fixed_batch7'), batchSize: 4096 });
    expect(c.batchSize).toBe(7);
    expectClassification(c.sides.new, multiclass.new);
    expectClassification(c.sides.baseline, multiclass.baseline);
  });

  it('computes roc-auc for a binary pair', async () => {
    const c = await compare('binary');
    expect(c.classes).toBe(2);
    expect(c.sides.new.metrics['roc-auc']).toBeCloseTo(binary.new['roc-auc'], 6);
    expect(c.sides.baseline!.metrics['roc-auc']).toBeCloseTo(binary.baseline['roc-auc'], 6);
    expectClassification(c.sides.new, binary.new);
  });

  it('detects a regression from float labels and one output value', async () => {
    const c = await compare('regression');
    expect(c.task).toBe('regression');
    for (const side of ['new', 'baseline'] as const) {
      for (const m of ['rmse', 'mae', 'r2'] as const) {
        expect((c.sides[side]!.metrics[m] as number) / regression[side][m], `${side} ${m}`).toBeCloseTo(1, 5);
      }
    }
    expect(c.mcnemar).toBeUndefined();
  });

  it('says why the task: class scores, a regression', async () => {
    expect((await compare('multiclass')).taskReason).toBe('the new model outputs 3 scores per row, one per class: classification');
    expect((await compare('regression')).taskReason).toMatch(
      /^labels are not all whole numbers \(.* at row 0\) and the model has one output column: regression$/,
    );
    expect((await compare('regression', { task: 'regression' })).taskReason).toBe('set by input task: regression');
  });

  it('scores a one-column sigmoid classifier on float32 0/1 labels (BCELoss) as a binary classifier, like scikit-learn', async () => {
    for (const labels of ['labels', 'labels_int', 'labels_bool']) {
      const c = await compare('binary_one_column', { labels });
      expect(c.task, labels).toBe('classification');
      expect(c.taskReason).toBe('labels are all 0/1 and the model has one output column: binary classification');
      expect(c.classes).toBe(2);
      expect(c.new.outputKind).toBe('probabilities');
      expect(c.baseline!.outputKind).toBe('logits');
      expectClassification(c.sides.new, oneColumn.new);
      expectClassification(c.sides.baseline, oneColumn.baseline);
      expect(c.sides.new.metrics['roc-auc']).toBeCloseTo(oneColumn.new['roc-auc'], 6);
      expect(c.sides.baseline!.metrics['roc-auc']).toBeCloseTo(oneColumn.baseline['roc-auc'], 6);
      expect(c.mcnemar).toEqual({ newOnly: oneColumn.mcnemar.new_only, baselineOnly: oneColumn.mcnemar.baseline_only });
    }
  });

  it('task regression given for the same model still gates on its probabilities as values', async () => {
    const c = await compare('binary_one_column', { task: 'regression' });
    expect(c.task).toBe('regression');
    expect((c.sides.new.metrics.rmse as number) / oneColumn.new_probabilities_rmse).toBeCloseTo(1, 5);
  });

  it('refuses an integer output with two values per row (one-hot ids), instead of reading it as one class id per row', async () => {
    // test/fixtures/integer_output/make.py: Cast of [batch, 2] features to int64
    await expect(
      compare('integer_output', {
        newModel: await model('integer_output', 'one_hot_ids', 'new model'),
        baseline: undefined,
        data: fixture('integer_output', 'eval.npz'),
      }),
    ).rejects.toThrow(/Input output-name: Output 'ids' of the new model .*one_hot_ids\.onnx holds integers of shape \[8, 2\]: 2 per row/);
  });

  it('scores the new model alone when there is no baseline', async () => {
    const c = await compare('multiclass', { baseline: undefined });
    expect(c.baseline).toBeUndefined();
    expectClassification(c.sides.new, multiclass.new);
  });

  it('stops before the full pass when checkTask throws', async () => {
    await expect(
      compare('regression', {
        checkTask: (task) => {
          throw new Error(`no ${task}`);
        },
      }),
    ).rejects.toThrow('no regression');
  });
});

/** The options a caller that asks for nothing in particular passes. */
const UNASKED = { topK: 5, rankMetricsNeeded: false };

describe('compareModels: bad input', () => {
  it('names both shapes when features do not fit the model', async () => {
    const data = await openEvalSet(fixture('multiclass'), 'features_wrong_width');
    await expect(
      compareModels({ ort, newModel: await model('multiclass', 'new', 'new model'), data, task: 'auto', batchSize: 64, ...UNASKED }),
    ).rejects.toThrow(
      /features_wrong_width\.npy have shape \[1000, 7\], which does not fit input 'features' \[batch, 8\] of the new model .*new\.onnx: expected \[rows, 8\]/,
    );
    await data.close();
  });
  it('names the row of a label outside the classes', async () => {
    const data = await openEvalSet(fixture('multiclass'), 'features', 'labels_out_of_range');
    await expect(
      compareModels({ ort, newModel: await model('multiclass', 'new', 'new model'), data, task: 'auto', batchSize: 64, ...UNASKED }),
    ).rejects.toThrow(/labels_out_of_range\.npy hold 5 at row 17; expected a class id from 0 to 2 \(the new model scores 3 classes\)/);
    await data.close();
  });
  it('names the row of a regression target that is not a number', async () => {
    const data = await openEvalSet(fixture('regression'), 'features', 'labels_nan');
    await expect(
      compareModels({ ort, newModel: await model('regression', 'new', 'new model'), data, task: 'auto', batchSize: 64, ...UNASKED }),
    ).rejects.toThrow(/labels_nan\.npy hold NaN at row 5; expected a finite number \(a regression target\)/);
    await data.close();
  });
  it('refuses a regression metric task for class scores', async () => {
    const data = await openEvalSet(fixture('multiclass'));
    await expect(
      compareModels({ ort, newModel: await model('multiclass', 'new', 'new model'), data, task: 'regression', batchSize: 64, ...UNASKED }),
    ).rejects.toThrow(/Regression needs one number per row, but output 'scores' of the new model .* gives 3 values per row/);
    await data.close();
  });
  it('names the model and row of a NaN output', async () => {
    const data = await openEvalSet(fixture('multiclass'));
    const nan = await loadModel(ort, fixture('models', 'nan_output.onnx'), { role: 'new model', inputOfPath: 'new-model' });
    opened.push(nan);
    await expect(compareModels({ ort, newModel: nan, data, task: 'auto', batchSize: 64, ...UNASKED })).rejects.toThrow(
      /The new model .*nan_output\.onnx output 'scores' holds NaN for row 0 of the eval set/,
    );
    await data.close();
  });

  it('asks for input task when the labels of a one-column model could be either task', async () => {
    for (const labels of ['labels_counts', 'labels_counts_float', 'labels_signed', 'labels_fractions']) {
      await expect(compare('binary_one_column', { labels }), labels).rejects.toMatchObject({
        input: 'task',
        message: expect.stringMatching(/^Input task: auto cannot tell the task/),
      });
    }
  });
  it('blames the eval set, not the model, for NaN or Inf features (after the cast to the input type)', async () => {
    // generate.py: features_nan[3, 5] = NaN; features_overflow[7, 2] = 1e300, Infinity as float32
    for (const [features, row, value] of [
      ['features_nan', 3, 'NaN'],
      ['features_overflow', 7, 'Infinity'],
    ] as const) {
      await expect(compare('binary_one_column', { features, batchSize: 4 }), features).rejects.toMatchObject({
        input: 'eval-data',
        file: fixture('binary_one_column', `${features}.npy`),
        message: expect.stringContaining(`the features of row ${row} in ${fixture('binary_one_column', `${features}.npy`)} hold ${value}`),
      });
    }
  });
  it('refuses an output with no value per row ([batch, 0]), naming output-name', async () => {
    const none = await model('binary_one_column', 'no_scores', 'new model');
    await expect(compare('binary_one_column', { newModel: none, baseline: undefined })).rejects.toMatchObject({
      input: 'output-name',
      message: expect.stringMatching(
        /^Input output-name: Output 'scores' of the new model .*no_scores\.onnx has shape \[64, 0\]: no value per row to score\.$/,
      ),
    });
  });
  it('refuses an eval set with no rows', async () => {
    await expect(compare('binary_one_column', { features: 'features_empty', labels: 'labels_empty' })).rejects.toMatchObject({
      input: 'eval-data',
      message: expect.stringMatching(/^Input eval-data: the eval set .*features_empty\.npy has no rows\.$/),
    });
  });
});
