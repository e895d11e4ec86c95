// The merge of shards' accumulators equals one pass over all the rows, to the last bit: for any split
// of the rows into contiguous shards (empty ones too), each shard written as JSON and read back,
// merged in row order and finished, gives the same statistics (counts, exact sums, rank scores) as
// one pass — including when an output looks like probabilities in the first shards only, so that
// only the merged readings say it is logits.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { EvaluationAccumulators, type FinishedStatistics } from './accumulators.js';
import type { SliceColumn } from './eval-set.js';
import { RowValues, type ScoredBatch } from './row-values.js';

interface Rows {
  classes: number;
  width: number;
  paired: boolean;
  labels: number[];
  /** Per model, width scores per row. */
  scores: number[][];
  codes: number[];
}

const COLUMN = { name: 'region', file: 'region.npy', names: new Map([[0, 'EU']]) } as unknown as SliceColumn;

/** One pass over rows [from, to) in batches of `batch`: the accumulators, settled. */
function pass(rows: Rows, from: number, to: number, batch: number): EvaluationAccumulators {
  const { classes, width } = rows;
  const models: ScoredBatch[] = rows.scores.slice(0, rows.paired ? 2 : 1).map(() => ({
    values: new RowValues(width, false, classes, batch, 2),
    scores: new Float64Array(batch * width),
    width,
    outputIsLabels: false,
  }));
  const acc = EvaluationAccumulators.create({
    task: 'classification',
    classes,
    models,
    slices: [COLUMN],
    batchRows: batch,
    rows: { rows: rows.labels.length, scoredRows: to - from },
    rankMetricsNeeded: true,
  });
  for (let start = from; start < to; start += batch) {
    const n = Math.min(batch, to - start);
    const labels = Float64Array.from(rows.labels.slice(start, start + n));
    const codes = Int32Array.from(rows.codes.slice(start, start + n));
    models.forEach((m, i) => {
      m.scores.set(rows.scores[i].slice(start * width, (start + n) * width));
      m.values!.compute(m.scores, labels, n);
    });
    acc.add(labels, [codes], models, n);
  }
  acc.settle(models);
  return acc;
}

/** The finished statistics as plain JSON (the slices' Map as entries). */
function plain(f: FinishedStatistics): unknown {
  return JSON.parse(
    JSON.stringify({ ...f, slices: f.slices.map((s) => ({ ...s, names: [...(s.names ?? [])], subsets: [...s.subsets] })) }),
  );
}

const rowsArbitrary = fc
  .record({
    classes: fc.integer({ min: 2, max: 4 }),
    paired: fc.boolean(),
    n: fc.integer({ min: 1, max: 120 }),
    flip: fc.double({ min: 0, max: 1.2, noNaN: true }),
  })
  .chain(({ classes, paired, n, flip }) => {
    const width = classes === 2 ? 1 : classes;
    // rows before `flip * n` are distributions; after it, logits (so the probability reading ends there)
    const row = (i: number) =>
      fc
        .array(fc.double({ min: i < flip * n ? 0.01 : -3, max: i < flip * n ? 1 : 3, noNaN: true }), { minLength: width, maxLength: width })
        .map((v) => {
          if (i >= flip * n || width === 1) return v;
          const sum = v.reduce((a, b) => a + b, 0);
          return v.map((x) => x / sum);
        });
    const scores = fc.array(
      fc.tuple(...Array.from({ length: n }, (_, i) => row(i))).map((r) => r.flat()),
      { minLength: 2, maxLength: 2 },
    );
    return fc.record({
      classes: fc.constant(classes),
      width: fc.constant(width),
      paired: fc.constant(paired),
      labels: fc.array(fc.integer({ min: 0, max: classes - 1 }), { minLength: n, maxLength: n }),
      scores,
      codes: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: n, maxLength: n }),
    });
  });

describe('EvaluationAccumulators: shards merged in row order equal one pass', () => {
  it('for any contiguous split, batch size and reading flip (fast-check)', () => {
    fc.assert(
      fc.property(
        rowsArbitrary,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 5 }),
        fc.integer({ min: 1, max: 17 }),
        (rows, cuts, batch) => {
          const n = rows.labels.length;
          const bounds = [0, ...cuts.map((c) => Math.floor(c * n)).sort((a, b) => a - b), n];
          const whole = pass(rows, 0, n, batch).finish();
          let merged: EvaluationAccumulators | undefined;
          for (let i = 0; i + 1 < bounds.length; i++) {
            // through JSON, as a partial result travels
            const shard = EvaluationAccumulators.fromJSON(JSON.parse(JSON.stringify(pass(rows, bounds[i], bounds[i + 1], batch).toJSON())));
            if (merged) merged.merge(shard);
            else merged = shard;
          }
          expect(plain(merged!.finish())).toEqual(plain(whole));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a shard alone may read probabilities where the merge reads logits', () => {
    const rows: Rows = {
      classes: 3,
      width: 3,
      paired: false,
      labels: [0, 1, 2, 0],
      scores: [[0.7, 0.2, 0.1, 0.1, 0.8, 0.1, 0.2, 0.2, 0.6, 2, -1, 0.5], []],
      codes: [0, 0, 1, 1],
    };
    expect(pass(rows, 0, 3, 2).finish().outputKinds).toEqual(['probabilities']);
    const merged = EvaluationAccumulators.fromJSON(JSON.parse(JSON.stringify(pass(rows, 0, 3, 2).toJSON())));
    merged.merge(EvaluationAccumulators.fromJSON(JSON.parse(JSON.stringify(pass(rows, 3, 4, 2).toJSON()))));
    expect(merged.finish().outputKinds).toEqual(['logits']);
  });
});
