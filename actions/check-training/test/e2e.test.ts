// End-to-end tests of the COMMITTED bundle actions/check-training/dist/index.js, run the way the
// GitHub runner runs it (test/run-action.ts), on training logs real PyTorch runs wrote
// (test/fixtures/make_logs.py; Lightning's and Keras' CSVLogger files reproduced from their
// documented formats). Expected values: test/fixtures/expected.py (expected.json), which reads the
// logs back with Python's csv and json modules and computes every number with numpy from the
// README's definitions — never numbers this action produced.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  committedAction,
  expectErrorAnnotation,
  expectNoStackTrace,
  readReport,
  type ActionRun,
  type CommittedAction,
} from '../../../test/run-action.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const fixture = (name: string) => join(FIXTURES, name);
const expected = JSON.parse(await readFile(fixture('expected.json'), 'utf8'));
const TITLE = 'check-training';

let action: CommittedAction;
beforeAll(async () => {
  action = await committedAction('check-training');
});
afterAll(async () => {
  await action?.dispose();
});

/** A number as expected.json holds it (a non-finite one as Python's str: 'nan', 'inf'). */
const pyNumber = (v: number | string): number =>
  typeof v === 'number' ? v : Number(v.replace(/^(-?)inf$/, '$1Infinity').replace(/^nan$/, 'NaN'));

/** The outputs and report of a run against expected.json's entry for `name`. */
async function expectAsPython(r: ActionRun, name: string): Promise<any> {
  const want = expected[name];
  expect(r.outputs['failed-checks'], r.stdout).toBe(want.failed.join(','));
  expect(r.outputs['warning-checks']).toBe(want.warnings.join(','));
  expect(r.outputs.passed).toBe(String(want.failed.length === 0));
  expect(r.exitCode).toBe(want.failed.length === 0 ? 0 : 1);
  expect(Number(r.outputs.epochs)).toBe(want.epochs);
  expect(Number(r.outputs['first-loss'])).toBeCloseTo(want.first_loss, 10);
  expect(Number(r.outputs['min-loss'])).toBeCloseTo(want.min_loss, 10);
  if (typeof want.final_loss === 'number') expect(Number(r.outputs['final-loss'])).toBeCloseTo(want.final_loss, 10);
  else expect(Number(r.outputs['final-loss'])).toBe(pyNumber(want.final_loss));
  const rep = await readReport(r);
  expect(rep.status).toBe(want.failed.length ? 'failed' : 'passed');
  expect(rep.log).toMatchObject({ format: want.format, rows: want.rows, epochs: want.epochs });
  expect(rep.log.used).toEqual({
    loss: want.columns.loss,
    valLoss: want.columns.val_loss,
    gradNorm: want.columns.grad_norm,
    epoch: want.columns.epoch,
  });
  expect(rep.summary.loss.min.epoch).toBe(want.min_loss_epoch);
  const byId = Object.fromEntries(rep.checks.map((c: any) => [c.id, c]));
  for (const [id, check] of Object.entries<any>(want.checks)) {
    expect(byId[id].status, `${name} ${id}: ${byId[id].message}`).toBe(check.status);
    if (check.decrease !== undefined) expect(byId[id].values.decrease).toBeCloseTo(check.decrease, 12);
    if (check.plateau !== undefined) expect(byId[id].values.plateau).toBeCloseTo(check.plateau, 12);
    if (check.ratio !== undefined) expect(byId[id].values.ratio).toBeCloseTo(check.ratio, 12);
    if (check.val_slope !== undefined) {
      expect(byId[id].values.valSlope).toBeCloseTo(check.val_slope, 12);
      expect(byId[id].values.trainSlope).toBeCloseTo(check.train_slope, 12);
    }
  }
  return rep;
}

describe('check-training, committed bundle: runs that pass', () => {
  it('the example pipeline’s CSV (epoch,train_loss,val_loss,grad_norm,val_accuracy) with `log` alone: every check passes', async () => {
    const r = await action.run({ log: fixture('converging.csv') });
    const rep = await expectAsPython(r, 'converging.csv');
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(rep.checks.map((c: any) => c.id)).toEqual(['finite', 'converged', 'not-diverging', 'grad-norm', 'val-loss-rising']);
    expect(Number(r.outputs['final-val-loss'])).toBeCloseTo(expected['converging.csv'].final_val_loss, 10);
    expect(r.outputs['report-path']).toBe('training_report.json');
    // the summary: the verdict, a Mermaid chart of both curves, the values table
    expect(r.summary).toMatch(/^## ✅ Training checks passed/);
    const chart = /```mermaid\n([\s\S]*?)\n```/.exec(r.summary)![1];
    expect(chart).toContain('xychart-beta');
    expect(chart).toContain('x-axis "epoch" 0 --> 29');
    expect(chart.match(/^ {4}line \[/gm)).toHaveLength(2);
    expect(r.summary).toContain('blue: `train_loss` · orange: `val_loss`');
  });

  it('the same run as JSON lists (Keras’ history), JSON lines, a Lightning metrics.csv and a Keras CSVLogger file', async () => {
    for (const name of ['converging.json', 'converging.jsonl', 'converging_lightning.csv', 'converging_keras.csv']) {
      const r = await action.run({ log: fixture(name) });
      await expectAsPython(r, name);
    }
  });

  it('a spike in the middle that recovers passes', async () => {
    for (const name of ['spike.csv', 'spike.jsonl']) await expectAsPython(await action.run({ log: fixture(name) }), name);
  });

  it('bounds on the final value of a metric: within passes, outside fails on the line of the value', async () => {
    const accuracy = expected['converging.csv'].final_val_accuracy;
    const ok = await action.run({ log: fixture('converging.csv'), bounds: `val_accuracy >= ${accuracy - 0.001}\ntrain_loss <= 2` });
    expect(ok.exitCode, ok.stdout).toBe(0);
    const bad = await action.run({ log: fixture('converging.csv'), bounds: `# the release bar\nval_accuracy >= ${accuracy + 0.001}` });
    expect(bad.exitCode).toBe(1);
    expect(bad.outputs['failed-checks']).toBe('bounds');
    expect(bad.errors).toHaveLength(1);
    expect(bad.errors[0].properties).toMatchObject({ title: `check-training: val_accuracy >= ${accuracy + 0.001}`, line: '31' });
    expect(bad.errors[0].message).toContain('not >= ');
  });
});

describe('check-training, committed bundle: each failing check', () => {
  it('finite: a real blow-up (inf, then NaN) in every format, on the line of the first value that is not finite', async () => {
    for (const name of ['nan.csv', 'nan.json', 'nan.jsonl', 'nan_lightning.csv']) {
      const r = await action.run({ log: fixture(name) });
      const rep = await expectAsPython(r, name);
      const want = expected[name].checks.finite.first;
      const finite = rep.checks.find((c: any) => c.id === 'finite');
      expect(finite, name).toMatchObject({ epoch: want.epoch, column: want.column, row: want.row });
      expect(finite.message).toContain(`${want.column} is ${pyNumber(want.value)} at epoch ${want.epoch}`);
      const annotation = r.errors.find((e) => e.properties.title === 'check-training: finite')!;
      expect(annotation.properties.file).toBe(fixture(name));
      expect(annotation.properties.line).toBe(want.line === null ? undefined : String(want.line));
      expect(r.outputs['final-loss']).toBe('NaN');
      expect(rep.summary.loss.final.value).toBe('NaN'); // JSON cannot hold NaN: the report writes it as a string
      expectNoStackTrace(r);
    }
  });

  it('grad-norm: the corrupted batch’s norm, on its line; the blow-up’s first logged step above the limit in the Lightning file', async () => {
    const r = await action.run({ log: fixture('exploding.csv') });
    const rep = await expectAsPython(r, 'exploding.csv');
    const want = expected['exploding.csv'].checks['grad-norm'];
    expect(r.errors.map((e) => [e.properties.title, e.properties.line])).toEqual([
      ['check-training: grad-norm', String(want.first_over.line)],
    ]);
    expect(rep.summary.gradNorm.max.value).toBeCloseTo(want.max, 6);
    const lightning = await action.run({ log: fixture('nan_lightning.csv') });
    const g = (await readReport(lightning)).checks.find((c: any) => c.id === 'grad-norm');
    const wantL = expected['nan_lightning.csv'].checks['grad-norm'].first_over;
    expect([g.epoch, g.line, g.values.value]).toEqual([wantL.epoch, wantL.line, pyNumber(wantL.value)]);
    // a higher limit lets the corrupted batch through
    const allowed = await action.run({ log: fixture('exploding.csv'), 'max-grad-norm': String(Math.ceil(want.max)) });
    expect(allowed.exitCode, allowed.stdout).toBe(0);
  });

  it('not-diverging and converged: a loss that climbs over the last epochs (plain CSV and Keras CSVLogger)', async () => {
    for (const name of ['diverging.csv', 'diverging_keras.csv']) {
      const r = await action.run({ log: fixture(name) });
      await expectAsPython(r, name);
      const titles = r.errors.map((e) => e.properties.title);
      expect(titles).toEqual(['check-training: converged', 'check-training: not-diverging']);
      expect(r.errors[1].properties.line).toBe('31'); // the header, then epochs 0-29: the last epoch's line
      expect(r.errors[1].message).toMatch(/^The loss went back up at the end: the final (train_loss|loss) 3\.797 \(epoch 29\)/);
      expect(r.summary).toContain('title "Loss per epoch - failed: converged (epoch 29), not-diverging (epoch 29)"');
    }
  });

  it('val-loss-rising: overfitting warns by default (exit 0), fails with fail, is off with off', async () => {
    const warn = await action.run({ log: fixture('overfitting.csv') });
    await expectAsPython(warn, 'overfitting.csv');
    expect(warn.warnings.map((w) => w.properties.title)).toEqual(['check-training: val-loss-rising']);
    expect(warn.summary).toMatch(/^## ⚠️ Training checks passed/);
    const fail = await action.run({ log: fixture('overfitting.csv'), 'val-loss-rising': 'fail' });
    expect(fail.exitCode).toBe(1);
    expect(fail.outputs['failed-checks']).toBe('val-loss-rising');
    expect(fail.errors[0].message).toMatch(/^val_loss rose over the last 5 epochs \(epochs 55-59/);
    const off = await action.run({ log: fixture('overfitting.jsonl'), 'val-loss-rising': 'off' });
    expect(off.exitCode).toBe(0);
    expect(off.outputs['warning-checks']).toBe('');
  });

  it('too few epochs for the window fails converged, it does not pass', async () => {
    const r = await action.run({ log: fixture('converging.csv'), window: '31' });
    expect(r.exitCode).toBe(1);
    expect(r.outputs['failed-checks']).toBe('converged');
    expect(r.errors[0].message).toContain('Only 30 epochs have a finite train_loss; the plateau test looks at the last 31 (window)');
    // val-loss-rising cannot tell either: its default mode's status, a warning
    expect(r.outputs['warning-checks']).toBe('val-loss-rising');
  });
});

describe('check-training, committed bundle: bad input', () => {
  it('an empty log: a header and no row, an empty JSON lines file; the report is still written', async () => {
    const csv = await action.run({ log: fixture('empty.csv') });
    expectErrorAnnotation(csv, TITLE, 'empty.csv: the log has no rows (columns: epoch, train_loss, val_loss)');
    const rep = await readReport(csv);
    expect(rep.status).toBe('error');
    expect(rep.error).toMatchObject({ input: 'log', file: fixture('empty.csv') });
    expect(csv.summary).toMatch(/^## ⚠️ Training checks could not finish/);
    expectErrorAnnotation(await action.run({ log: fixture('empty.jsonl') }), TITLE, 'the log has no rows');
  });

  it('a missing column: a named one lists the columns the log has; no training loss found names the candidates', async () => {
    const named = await action.run({ log: fixture('converging.csv'), 'val-loss-column': 'valid_loss' });
    expectErrorAnnotation(
      named,
      TITLE,
      `Input val-loss-column is 'valid_loss', but ${fixture('converging.csv')} has no such column; its columns: epoch, train_loss, val_loss, grad_norm, val_accuracy.`,
    );
    const none = await action.run({ log: fixture('no_loss_column.csv') });
    const e = expectErrorAnnotation(
      none,
      TITLE,
      'has no training-loss column',
      '(epoch, objective, val_objective)',
      'Name it with input loss-column.',
    );
    expect(e.properties.file).toBe(fixture('no_loss_column.csv'));
    const fixed = await action.run({ log: fixture('no_loss_column.csv'), 'loss-column': 'objective', 'val-loss-column': 'val_objective' });
    // read with the named columns: the 10 epochs of this log are still falling, so only converged fails
    expect(fixed.outputs['failed-checks'], fixed.stdout).toBe('converged');
    expect((await readReport(fixed)).log.used).toMatchObject({ loss: 'objective', valLoss: 'val_objective' });
  });

  it('a malformed bounds line and a bound on an unknown column name the input and the line', async () => {
    const malformed = await action.run({ log: fixture('converging.csv'), bounds: 'val_accuracy >= 0.9\nval_accuracy => 0.9' });
    expectErrorAnnotation(
      malformed,
      TITLE,
      "Input bounds: line 2 ('val_accuracy => 0.9') is not a bound; expected one bound per line, COLUMN OPERATOR NUMBER",
    );
    expect((await readReport(malformed)).error.input).toBe('bounds');
    const unknown = await action.run({ log: fixture('converging.csv'), bounds: 'val_acc >= 0.9' });
    expectErrorAnnotation(unknown, TITLE, "Input bounds line 1 ('val_acc >= 0.9') names column val_acc", 'its columns: epoch, train_loss');
  });

  it('a number input out of range, a choice not in the list, a CSV row with a field missing', async () => {
    expectErrorAnnotation(
      await action.run({ log: fixture('converging.csv'), window: 'five' }),
      TITLE,
      "Input window is 'five'; expected an integer >= 2",
    );
    expectErrorAnnotation(
      await action.run({ log: fixture('converging.csv'), 'min-loss-decrease': '1.5' }),
      TITLE,
      "Input min-loss-decrease is '1.5'",
    );
    expectErrorAnnotation(
      await action.run({ log: fixture('converging.csv'), format: 'tensorboard' }),
      TITLE,
      "Input format is 'tensorboard'; expected one of: auto, json, jsonl, csv, lightning, keras",
    );
    const ragged = join(action.root, 'ragged.csv');
    const text = await readFile(fixture('converging.csv'), 'utf8');
    const lines = text.split('\n');
    lines[7] = lines[7].split(',').slice(0, 4).join(',');
    await writeFile(ragged, lines.join('\n'));
    const r = await action.run({ log: ragged });
    const e = expectErrorAnnotation(r, TITLE, `${ragged}: line 8 has 4 fields; the header (line 1) has 5.`);
    expect(e.properties.file).toBe(ragged);
    expect((await readReport(r)).status).toBe('error');
  });

  it('a missing log file', async () => {
    const r = await action.run({ log: 'model/metrics.csv' });
    expectErrorAnnotation(r, TITLE, 'The training log model/metrics.csv does not exist.');
  });
});
