import type { LoadedModel } from '../onnx/session.js';
import { INPUT_ARRAYS } from '../onnx/tensor-types.js';
import { formatBytes } from '../util/format.js';
import { inputError } from './input-error.js';

/**
 * The most one batch of features takes in a model's input type. Two are kept (one read while the
 * other is scored), beside the reader's own copy: with image rows (224 x 224 x 3 float32, 588 KiB)
 * the default 4096 rows would take 2.3 GiB each and end the job out of memory, with no report.
 */
export const MAX_BATCH_BYTES = 256 * 2 ** 20;

/** How many rows each inference takes, and why when not the batch-size asked for. */
export interface BatchRows {
  rows: number;
  /** Said in the log when batch-size was lowered to fit MAX_BATCH_BYTES. */
  lowered?: string;
}

function fixedBatch(model: LoadedModel): number | undefined {
  const d = model.input.shape[0];
  return typeof d === 'number' && d > 0 ? d : undefined;
}

/** Bytes of one row of `rowLength` features in the model's input type. */
function rowBytes(model: LoadedModel, rowLength: number): number {
  const Ctor = INPUT_ARRAYS[model.input.type];
  return rowLength * (Ctor ? new Ctor(0).BYTES_PER_ELEMENT : 8);
}

/**
 * A model exported with a fixed batch size runs in batches of that size (the last one padded);
 * otherwise batch-size rows, fewer when the set is smaller or a batch would pass MAX_BATCH_BYTES
 * (the metrics do not depend on the batch size).
 */
export function chooseBatchRows(models: readonly LoadedModel[], batchSize: number, rows: number, rowLength: number): BatchRows {
  const fixed = [...new Set(models.map(fixedBatch).filter((b): b is number => b !== undefined))];
  if (fixed.length > 1) {
    throw inputError(
      models[0].pathInput,
      `The models were exported with different fixed batch sizes (${fixed.join(' and ')}); export them with a dynamic batch axis.`,
      { file: models[0].path },
    );
  }
  const widest = Math.max(...models.map((m) => rowBytes(m, rowLength)));
  if (fixed[0] !== undefined) {
    // a fixed batch cannot be lowered: too large, it is refused before two such buffers are made
    if (fixed[0] * widest > MAX_BATCH_BYTES) {
      throw inputError(
        models[0].pathInput,
        `The model ${models[0].path} was exported with a fixed batch of ${fixed[0]} rows of ${formatBytes(widest)}: ` +
          `${formatBytes(fixed[0] * widest)} a batch, more than the ${formatBytes(MAX_BATCH_BYTES)} evaluated at once.`,
        { file: models[0].path, hint: 'Export it with a dynamic batch axis (torch.onnx.export dynamic_axes), or a smaller fixed batch.' },
      );
    }
    return { rows: fixed[0] };
  }
  const fit = Math.max(1, Math.floor(MAX_BATCH_BYTES / widest));
  const wanted = Math.min(batchSize, rows);
  if (fit >= wanted) return { rows: wanted };
  return {
    rows: fit,
    lowered:
      `batch-size ${batchSize} lowered to ${fit} rows: a row of features is ${formatBytes(widest)} in the model's input type, ` +
      `and a batch is kept within ${formatBytes(MAX_BATCH_BYTES)}.`,
  };
}
