// End-to-end tests of the committed bundle for baseline-cache (issue 11): the second run with the
// same baseline, eval set and settings reads the baseline's per-row results from the cache instead
// of running it, and its report equals the first run's but for timings and the cache's status; a
// damaged or stale entry is a miss with its reason and is written again, never trusted. The
// fixture's outputs read as probabilities in the first 700 rows and as logits after
// (test/fixtures/shards/make.py), so an entry must keep both readings right.
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fixture } from '../../../test/fixtures.js';
import { committedAction, readReport, type ActionRun, type CommittedAction } from '../../../test/run-action.js';

let committed: CommittedAction;
let scratch: string;
beforeAll(async () => {
  committed = await committedAction('evaluate-baseline');
  scratch = await mkdtemp(join(tmpdir(), 'baseline-cache-e2e-'));
});
afterAll(async () => {
  await committed?.dispose();
  await rm(scratch, { recursive: true, force: true });
});

function run(set: string, cache: string, extra: Record<string, string> = {}): Promise<ActionRun> {
  return committed.run(
    {
      'new-model': fixture('shards', set, 'new.onnx'),
      'baseline-model': fixture('shards', set, 'baseline.onnx'),
      'eval-data': fixture('shards', set),
      'batch-size': '200',
      'min-improvement': '0.005',
      'baseline-cache': cache,
      ...(set === 'classification' ? { slices: 'region', metric: 'roc-auc' } : {}),
      ...extra,
    },
    { env: { ONNXRUNTIME_NODE_PATH: process.env.ONNXRUNTIME_NODE_PATH } },
  );
}

/** The report without timings, the run and the cache's status. */
function comparable(report: any): unknown {
  const r = structuredClone(report);
  delete r.createdAt;
  delete r.run;
  for (const m of [r.models.new, r.models.baseline]) {
    delete m.timing;
    delete m?.cache;
  }
  return r;
}

async function entryFiles(cache: string): Promise<string[]> {
  const [entry] = (await readdir(cache)).filter((e) => !e.startsWith('.'));
  return (await readdir(join(cache, entry))).map((f) => join(cache, entry, f));
}

describe.each(['classification', 'regression'])('%s: a second run reads the baseline from the cache', (set) => {
  it('miss, then hit with the same report; a damaged entry is a miss and is written again', async () => {
    const cache = join(scratch, set);
    const first = await run(set, cache);
    const firstReport = await readReport(first);
    expect(first.exitCode, first.stdout).not.toBeNull();
    expect(firstReport.models.baseline.cache).toMatchObject({ status: 'miss', reason: 'no entry' });

    const second = await run(set, cache);
    const secondReport = await readReport(second);
    expect(secondReport.models.baseline.cache).toMatchObject({ status: 'hit' });
    expect(comparable(secondReport)).toEqual(comparable(firstReport));
    expect(second.outputs).toEqual({ ...first.outputs, 'report-path': second.outputs['report-path'] });

    // one byte of a column flipped: detected, rebuilt, and the numbers stay those of the model
    const column = (await entryFiles(cache)).find((f) => f.endsWith('.bin'))!;
    const bytes = await readFile(column);
    bytes[bytes.length - 1] ^= 1;
    await writeFile(column, bytes);
    const third = await run(set, cache);
    const thirdReport = await readReport(third);
    expect(thirdReport.models.baseline.cache.status).toBe('miss');
    expect(thirdReport.models.baseline.cache.reason).toMatch(/SHA-256 differs/);
    expect(comparable(thirdReport)).toEqual(comparable(firstReport));
    expect((await readReport(await run(set, cache))).models.baseline.cache.status).toBe('hit');
  }, 60_000);
});

describe('what the entry is keyed on', () => {
  it('a baseline retrained into its external data file (same .onnx) is another baseline: a miss, cold numbers', async () => {
    const models = join(scratch, 'external-model');
    await cp(fixture('shards', 'classification', 'external'), models, { recursive: true });
    const cache = join(scratch, 'external-cache');
    const runWith = (c: string) => run('classification', c, { 'baseline-model': join(models, 'baseline.onnx') });
    expect((await readReport(await runWith(cache))).models.baseline.cache.status).toBe('miss');
    expect((await readReport(await runWith(cache))).models.baseline.cache.status).toBe('hit');
    // the new model's weights under the baseline's graph: the baseline now scores as the new model does
    await cp(join(models, 'new_weights.bin'), join(models, 'weights.bin'));
    const swapped = await readReport(await runWith(cache));
    expect(swapped.models.baseline.cache.status).toBe('miss');
    const cold = await readReport(await runWith(join(scratch, 'external-none')));
    expect(swapped.models.baseline.metrics.accuracy).toBe(cold.models.baseline.metrics.accuracy);
    expect(swapped.models.baseline.metrics.accuracy).toBe(swapped.models.new.metrics.accuracy);
  }, 60_000);

  it('another setting that changes a row (top-k) misses, then has an entry of its own', async () => {
    const cache = join(scratch, 'keyed');
    expect((await readReport(await run('classification', cache))).models.baseline.cache.status).toBe('miss');
    expect((await readReport(await run('classification', cache, { 'top-k': '2' }))).models.baseline.cache.status).toBe('miss');
    expect((await readReport(await run('classification', cache, { 'top-k': '2' }))).models.baseline.cache.status).toBe('hit');
  }, 60_000);

  it('shards keep entries of their own rows; merged from cache hits, they equal the unsharded run', async () => {
    const cache = join(scratch, 'shards');
    const shards = async (dir: string) => {
      const statuses: string[] = [];
      for (let k = 1; k <= 3; k++)
        statuses.push(
          (await readReport(await run('classification', cache, { shard: `${k}/3`, partials: dir }))).models.baseline.cache.status,
        );
      return statuses;
    };
    expect(await shards(join(scratch, 'cold'))).toEqual(['miss', 'miss', 'miss']);
    // shard 1's rows (0..399) are all distributions: its entry keeps the probability reading's columns too
    expect(await shards(join(scratch, 'warm'))).toEqual(['hit', 'hit', 'hit']);
    const merged = await readReport(
      await committed.run(
        { mode: 'merge', partials: join(scratch, 'warm') },
        { env: { ONNXRUNTIME_NODE_PATH: process.env.ONNXRUNTIME_NODE_PATH } },
      ),
    );
    const unsharded = await readReport(await run('classification', join(scratch, 'none')));
    delete merged.shards;
    expect(comparable(merged)).toEqual(comparable(unsharded));
    expect(merged.models.baseline.metrics['roc-auc']).toBeGreaterThan(0.7);
  }, 60_000);
});
