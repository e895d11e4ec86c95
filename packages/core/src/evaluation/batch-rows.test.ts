import { describe, expect, it } from 'vitest';

import type { LoadedModel } from '../onnx/session.js';
import { MAX_BATCH_BYTES, chooseBatchRows } from './batch-rows.js';

const model = (type: string, batch: number | string = 'batch', pathInput = 'new-model') =>
  ({ path: `/m/${pathInput}.onnx`, pathInput, input: { name: 'x', type, shape: [batch, 8] } }) as unknown as LoadedModel;

describe('chooseBatchRows', () => {
  it('takes batch-size rows, or the whole set when it is smaller', () => {
    expect(chooseBatchRows([model('float32')], 4096, 1_000_000, 20)).toEqual({ rows: 4096 });
    expect(chooseBatchRows([model('float32')], 4096, 600, 20)).toEqual({ rows: 600 });
  });

  it('a fixed batch dimension wins; two different ones are refused, naming the new model', () => {
    expect(chooseBatchRows([model('float32', 7)], 4096, 1000, 8)).toEqual({ rows: 7 });
    expect(() => chooseBatchRows([model('float32', 7), model('float32', 9, 'baseline-model')], 4096, 1000, 8)).toThrow(
      expect.objectContaining({ input: 'new-model', message: expect.stringContaining('different fixed batch sizes (7 and 9)') }),
    );
  });

  it('refuses a fixed batch too large to hold, before any buffer is made, naming the model', () => {
    // 65536 rows of 224 x 224 x 3 float32: 36.75 GiB a batch, by hand
    expect(() => chooseBatchRows([model('float32', 65536)], 4096, 100_000, 224 * 224 * 3)).toThrow(
      expect.objectContaining({
        input: 'new-model',
        message: expect.stringContaining('fixed batch of 65536 rows of 588.0 KiB: 36.75 GiB a batch, more than the 256.00 MiB'),
      }),
    );
  });

  it('lowers batch-size when a batch of the widest input type would pass MAX_BATCH_BYTES, and says so', () => {
    // an image row, 224 x 224 x 3: 588 KiB as float32, twice that as float64
    const row = 224 * 224 * 3;
    const fit32 = Math.floor(MAX_BATCH_BYTES / (row * 4));
    expect(chooseBatchRows([model('float32')], 4096, 50_000, row)).toEqual({
      rows: fit32,
      lowered: `batch-size 4096 lowered to ${fit32} rows: a row of features is 588.0 KiB in the model's input type, and a batch is kept within 256.00 MiB.`,
    });
    expect(chooseBatchRows([model('float32'), model('float64', 'batch', 'baseline-model')], 4096, 50_000, row).rows).toBe(
      Math.floor(fit32 / 2),
    );
    // never below one row, and not lowered when batch-size already fits
    expect(chooseBatchRows([model('float64')], 4096, 10, 2 ** 26).rows).toBe(1);
    expect(chooseBatchRows([model('float32')], 64, 50_000, row)).toEqual({ rows: 64 });
  });
});
