// End-to-end tests of the committed bundle for issue 11 (sharded evaluation): the same evaluation
// run unsharded and as 1, 3 and 7 shards (shard: k/n, partials in a folder), then merged
// (mode: merge), run the way the runner runs the action (test/run-action.ts). The merged report
// must equal the unsharded one except for timings and the shard list; the values are checked
// against numpy and scikit-learn (test/fixtures/shards/make.py). The fixture's outputs look like
// probabilities in the first 700 rows and are logits after, so the early shards alone would read
// them wrongly: only an exact merge of the readings gets the unsharded numbers.
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fixture, readJson } from '../../../test/fixtures.js';
import { committedAction, expectErrorAnnotation, readReport, type ActionRun, type CommittedAction } from '../../../test/run-action.js';

interface Expected {
  rows: number;
  new: { accuracy: number; log_loss: number; roc_auc: number };
  baseline: { accuracy: number; log_loss: number; roc_auc: number };
  region: Record<string, { rows: number; new: { accuracy: number; log_loss: number }; baseline: { accuracy: number; log_loss: number } }>;
}

let committed: CommittedAction;
let scratch: string;
beforeAll(async () => {
  committed = await committedAction('evaluate-baseline');
  scratch = await mkdtemp(join(tmpdir(), 'sharded-e2e-'));
});
afterAll(async () => {
  await committed?.dispose();
  await rm(scratch, { recursive: true, force: true });
});

const ENV = () => ({ env: { ONNXRUNTIME_NODE_PATH: process.env.ONNXRUNTIME_NODE_PATH } });

/** The evaluation's inputs: 200-row batches over 1,003 rows make 6 batches (the last of 3 rows). */
function inputs(set: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'new-model': fixture('shards', set, 'new.onnx'),
    'baseline-model': fixture('shards', set, 'baseline.onnx'),
    'eval-data': fixture('shards', set),
    'batch-size': '200',
    'min-improvement': '0.005',
    ...(set === 'classification'
      ? { slices: 'region', 'max-slice-regression': '0.05', 'min-slice-rows': '100', thresholds: 'roc-auc >= 0.7' }
      : {}),
    ...extra,
  };
}

async function runShards(set: string, count: number, dir: string, extra: Record<string, string> = {}): Promise<ActionRun[]> {
  const runs: ActionRun[] = [];
  for (let k = 1; k <= count; k++) runs.push(await committed.run(inputs(set, { shard: `${k}/${count}`, partials: dir, ...extra }), ENV()));
  return runs;
}

function merge(dir: string, extra: Record<string, string> = {}): Promise<ActionRun> {
  return committed.run({ mode: 'merge', partials: dir, ...extra }, ENV());
}

/** The report without what may differ between an unsharded and a merged run: when and where it ran, timings, shards. */
function comparable(report: any): unknown {
  const r = structuredClone(report);
  delete r.createdAt;
  delete r.run;
  delete r.shards;
  for (const m of [r.models.new, r.models.baseline]) if (m) delete m.timing;
  return r;
}

describe.each(['classification', 'regression'])('%s: unsharded, then 1, 3 and 7 shards merged', (set) => {
  let unsharded: ActionRun;
  beforeAll(async () => {
    unsharded = await committed.run(inputs(set), ENV());
  }, 60_000);

  it('the unsharded run agrees with numpy and scikit-learn', async () => {
    expect(unsharded.exitCode, unsharded.stdout).not.toBeNull();
    const report = await readReport(unsharded);
    const expected = readJson<Expected>('shards', set, 'expected.json');
    if (set === 'classification') {
      const metric = (side: 'new' | 'baseline', name: string) => report.models[side].metrics[name] as number;
      expect(report.models.new.outputKind).toBe('logits');
      expect(report.models.baseline.outputKind).toBe('logits');
      for (const side of ['new', 'baseline'] as const) {
        expect(metric(side, 'accuracy')).toBeCloseTo(expected[side].accuracy, 12);
        // float32 scores, softmax in float64 on both sides: agreement to ~1e-12
        expect(metric(side, 'log-loss')).toBeCloseTo(expected[side].log_loss, 10);
        expect(metric(side, 'roc-auc')).toBeCloseTo(expected[side].roc_auc, 12);
      }
      // region 0 lies wholly before the first logit row: it is read as logits all the same
      const region0 = report.slices[0].slices.find((s: { code: number }) => s.code === 0);
      expect(region0.rows).toBe(expected.region['0'].rows);
      const logLoss = region0.comparisons.find((c: { metric: string }) => c.metric === 'log-loss');
      expect(logLoss.new).toBeCloseTo(expected.region['0'].new.log_loss, 10);
      expect(logLoss.baseline).toBeCloseTo(expected.region['0'].baseline.log_loss, 10);
    } else {
      const e = readJson<{ new: { rmse: number }; baseline: { rmse: number } }>('shards', set, 'expected.json');
      expect(report.models.new.metrics.rmse).toBeCloseTo(e.new.rmse, 6);
      expect(report.models.baseline.metrics.rmse).toBeCloseTo(e.baseline.rmse, 6);
    }
  });

  it.each([1, 3, 7])(
    '%i shards: each writes a partial and decides nothing; the merge equals the unsharded run',
    async (count) => {
      const dir = join(scratch, `${set}-${count}`);
      const shards = await runShards(set, count, dir);
      for (const s of shards) {
        expect(s.exitCode, s.stdout + s.stderr).toBe(0);
        expect(s.outputs.passed).toBe('');
        expect(s.summary).toMatch(/shard \d+ of \d+ scored/);
      }
      const rows = await Promise.all(shards.map(async (s) => (await readReport(s)).shard.rows));
      // whole 200-row batches, contiguous; 7 shards of 6 batches leave shard 1 empty
      expect(rows[0].start).toBe(0);
      expect(rows.at(-1).end).toBe(1003);
      for (let i = 1; i < rows.length; i++) expect(rows[i].start).toBe(rows[i - 1].end);
      if (count === 7) expect(rows[0]).toEqual({ start: 0, end: 0 });
      if (count === 3) {
        expect(rows.map((r: { start: number; end: number }) => r.end - r.start)).toEqual([400, 400, 203]);
        if (set === 'classification') {
          // alone, shard 1 (rows 0..399) would read probabilities: the merge must see shard 2's logits
          const readings = async (k: number) =>
            JSON.parse(await readFile(join(dir, `partial-${k}-of-3.json`), 'utf8')).body.statistics.readings;
          expect((await readings(1)).map((r: { probabilitiesPossible: boolean }) => r.probabilitiesPossible)).toEqual([true, true]);
          expect((await readings(2)).map((r: { probabilitiesPossible: boolean }) => r.probabilitiesPossible)).toEqual([false, false]);
        }
      }

      const merged = await merge(dir);
      expect(merged.exitCode, merged.stdout + merged.stderr).toBe(unsharded.exitCode);
      expect(merged.outputs).toEqual({ ...unsharded.outputs, 'report-path': merged.outputs['report-path'] });
      const report = await readReport(merged);
      expect(comparable(report)).toEqual(comparable(await readReport(unsharded)));
      expect(report.shards.map((s: { index: number }) => s.index)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    },
    120_000,
  );
});

describe('the merge fails closed, naming the shard', () => {
  let dir: string;
  beforeAll(async () => {
    dir = join(scratch, 'closed-3');
    await runShards('classification', 3, dir);
  }, 60_000);

  /** A copy of the three partials to spoil. */
  async function copy(name: string): Promise<string> {
    const to = join(scratch, name);
    await cp(dir, to, { recursive: true });
    return to;
  }
  /**
   * Changes a partial's manifest and, unless told not to, signs it again (its contentSha256: SHA-256
   * of the manifest without it, a line break and the body, as the README documents), so that the
   * check behind the hash is reached.
   */
  async function editManifest(file: string, edit: (m: Record<string, any>) => void, sign = true): Promise<void> {
    const parsed = JSON.parse(await readFile(file, 'utf8'));
    edit(parsed.manifest);
    if (sign) {
      delete parsed.manifest.contentSha256;
      const text = `${JSON.stringify(parsed.manifest)}\n${JSON.stringify(parsed.body)}`;
      parsed.manifest.contentSha256 = createHash('sha256').update(text).digest('hex');
    }
    await writeFile(file, JSON.stringify(parsed));
  }

  it('a manifest changed after it was written', async () => {
    const to = await copy('unsigned');
    await editManifest(join(to, 'partial-2-of-3.json'), (m) => (m.rows.start -= 200), false);
    expectErrorAnnotation(await merge(to), 'evaluate-baseline', 'partial-2-of-3.json', 'changed or damaged');
  });

  it('a missing shard', async () => {
    const to = await copy('missing');
    await rm(join(to, 'partial-2-of-3.json'));
    const r = await merge(to);
    expectErrorAnnotation(r, 'evaluate-baseline', 'Shard 2 of 3 is missing');
    expect((await readReport(r)).status).toBe('error');
  });

  it('a shard given twice', async () => {
    const to = await copy('twice');
    await cp(join(to, 'partial-2-of-3.json'), join(to, 'again', 'partial-2-of-3.json'), { recursive: true }).catch(async () => {
      const { mkdir } = await import('node:fs/promises');
      await mkdir(join(to, 'again'));
      await cp(join(to, 'partial-2-of-3.json'), join(to, 'again', 'partial-2-of-3.json'));
    });
    expectErrorAnnotation(await merge(to), 'evaluate-baseline', /Shard 2 of 3 was given twice/);
  });

  it('overlapping rows', async () => {
    const to = await copy('overlap');
    // shard 2 claims rows 200..599: as many rows as its statistics hold, half of them shard 1's
    await editManifest(join(to, 'partial-2-of-3.json'), (m) => ((m.rows.start -= 200), (m.rows.end -= 200)));
    expectErrorAnnotation(await merge(to), 'evaluate-baseline', 'shard 2 of 3', 'rows 200..399 are scored twice');
    // a range that does not match the rows its statistics hold
    await editManifest(join(to, 'partial-2-of-3.json'), (m) => (m.rows.start += 1));
    expectErrorAnnotation(await merge(to), 'evaluate-baseline', 'shard 2 of 3', 'holds the statistics of 400 rows for rows 201..599');
  });

  it('missing rows', async () => {
    const to = await copy('gap');
    await editManifest(join(to, 'partial-3-of-3.json'), (m) => ((m.rows.start += 1), (m.rows.end += 1)));
    expectErrorAnnotation(await merge(to), 'evaluate-baseline', 'shard 3 of 3', 'rows 800..800 are scored by no shard');
  });

  it('another new model, another eval set, another setting', async () => {
    const other = join(scratch, 'other-model');
    const [shard] = await runShards('classification', 3, other, { 'new-model': fixture('shards', 'classification', 'baseline.onnx') });
    expect(shard.exitCode).toBe(0);
    const to = await copy('model');
    await cp(join(other, 'partial-1-of-3.json'), join(to, 'partial-1-of-3.json'));
    expectErrorAnnotation(await merge(to), 'evaluate-baseline', 'shard 2 of 3', 'a new model of SHA-256');

    const setting = await copy('setting');
    const two = await committed.run(inputs('classification', { shard: '2/3', partials: join(scratch, 'seed'), seed: '7' }), ENV());
    expect(two.exitCode).toBe(0);
    await cp(join(scratch, 'seed', 'partial-2-of-3.json'), join(setting, 'partial-2-of-3.json'));
    expectErrorAnnotation(await merge(setting), 'evaluate-baseline', 'shard 2 of 3', 'seed 7');

    const data = await copy('data');
    await editManifest(join(data, 'partial-3-of-3.json'), (m) => (m.sha256.evalSet = '0'.repeat(64)));
    expectErrorAnnotation(await merge(data), 'evaluate-baseline', 'shard 3 of 3', 'an eval set of SHA-256');
  }, 60_000);

  it('a partial from another build of the action, or damaged', async () => {
    const to = await copy('build');
    await editManifest(join(to, 'partial-3-of-3.json'), (m) => (m.producer.build = 'f'.repeat(64)));
    expectErrorAnnotation(await merge(to), 'evaluate-baseline', 'another build of evaluate-baseline', 'partial-3-of-3.json');

    const damaged = await copy('damaged');
    const file = join(damaged, 'partial-1-of-3.json');
    const text = await readFile(file, 'utf8');
    const body = text.indexOf('"body":');
    // one count in the statistics off by one: still JSON, no longer what was written
    await writeFile(file, text.slice(0, body) + text.slice(body).replace(/"rows":(\d+)/, (_m, d: string) => `"rows":${Number(d) + 1}`));
    expectErrorAnnotation(await merge(damaged), 'evaluate-baseline', 'partial-1-of-3.json', 'SHA-256', 'changed or damaged');
    await writeFile(file, text.slice(0, text.length / 2));
    expectErrorAnnotation(await merge(damaged), 'evaluate-baseline', 'partial-1-of-3.json', 'is not JSON');
  });

  it('no partials at all, and a setting given to the merge that the shards did not have', async () => {
    const empty = join(scratch, 'empty');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(empty, { recursive: true });
    expectErrorAnnotation(await merge(empty), 'evaluate-baseline', 'No partial results');
    expectErrorAnnotation(await merge(dir, { metric: 'f1-macro' }), 'evaluate-baseline', 'Input metric', 'merge');
    // the shards' own values may be repeated
    // a value the shards did not set, even the one they used (missing-baseline's fail): set is not left out
    expectErrorAnnotation(await merge(dir, { 'missing-baseline': 'fail' }), 'evaluate-baseline', 'Input missing-baseline', 'its default');
    const same = await merge(dir, { 'min-improvement': '0.005', 'batch-size': '200' });
    expect(same.errors.filter((e) => /Input/.test(e.message))).toEqual([]);
    expect((await readdir(dir)).sort()).toEqual(['partial-1-of-3.json', 'partial-2-of-3.json', 'partial-3-of-3.json']);
  });
});
