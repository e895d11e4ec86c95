// The baseline the action is measured against: about the least a program must do to get both
// models' accuracy on the eval set with onnxruntime-node. Each batch of rows is read (synchronous
// reads into one reused buffer) and fed zero-copy to both models, one after the other as the
// action runs them; argmax; count the rows right.
//
//   node bench/bare-loop.mjs <data dir> <new.onnx> <baseline.onnx> [batch size]
//
// Prints one JSON line: rows, features, correct and accuracy per model, time inside run().
//
// Why not read the whole arrays: on this VM, readFileSync of the 160 MB features takes ~0.55 s
// (first touch of fresh pages) against ~0.03 s for the same bytes read batch by batch into one
// buffer, and adds 176 MB of RSS. The batched reads make the stronger baseline.
import { availableParallelism } from 'node:os';
import { closeSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const ort = createRequire(import.meta.url)(join(root, 'node_modules', 'onnxruntime-node'));

/** Opens a .npy file: checks it is `descr` (little-endian) in C order; returns its shape and data offset. */
function openNpy(path, descr) {
  const fd = openSync(path, 'r');
  const head = Buffer.alloc(4096);
  const got = readSync(fd, head, 0, head.length, 0);
  if (head.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error(`${path}: not a .npy file`);
  const headerStart = head[6] === 1 ? 10 : 12;
  const dataStart = headerStart + (head[6] === 1 ? head.readUInt16LE(8) : head.readUInt32LE(8));
  if (dataStart > got) throw new Error(`${path}: header longer than ${got} bytes`);
  const header = head.toString('latin1', headerStart, dataStart);
  if (!header.includes(`'descr': '${descr}'`) || !header.includes("'fortran_order': False")) {
    throw new Error(`${path}: expected ${descr} in C order, header ${header.trim()}`);
  }
  const shape = header
    .match(/'shape': \(([^)]*)\)/)[1]
    .split(',')
    .filter((s) => s.trim())
    .map(Number);
  return { fd, shape, dataStart };
}

/** Fills `into` from `fd` at `position`. */
function readFully(fd, into, position) {
  const bytes = new Uint8Array(into.buffer, into.byteOffset, into.byteLength);
  for (let done = 0; done < bytes.length;) {
    const n = readSync(fd, bytes, done, bytes.length - done, position + done);
    if (n === 0) throw new Error('unexpected end of file');
    done += n;
  }
}

async function main() {
  const [dataDir, newPath, baselinePath, batchArg = '4096'] = process.argv.slice(2);
  if (!baselinePath) throw new Error('usage: bare-loop.mjs <data dir> <new.onnx> <baseline.onnx> [batch size]');
  const batchSize = Number(batchArg);

  const features = openNpy(join(dataDir, 'features.npy'), '<f4');
  const labels = openNpy(join(dataDir, 'labels.npy'), '<i8');
  const [rows, width] = features.shape;
  if (labels.shape[0] !== rows) throw new Error(`${labels.shape[0]} labels for ${rows} rows`);

  // as packages/core/src/onnx/session.ts creates them
  const options = {
    intraOpNumThreads: availableParallelism(),
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionProviders: ['cpu'],
    extra: { session: { intra_op: { allow_spinning: '0' } } },
    logSeverityLevel: 4,
  };
  const models = [];
  for (const path of [newPath, baselinePath]) {
    const session = await ort.InferenceSession.create(path, options);
    models.push({ session, input: session.inputNames[0], output: session.outputNames[0], correct: 0, inferenceMs: 0 });
  }

  const x = new Float32Array(batchSize * width);
  // int64 labels as pairs of int32 words (little-endian): label = low word when the high word is 0
  const yWords = new Int32Array(batchSize * 2);
  for (let start = 0; start < rows; start += batchSize) {
    const n = Math.min(batchSize, rows - start);
    const batch = x.subarray(0, n * width);
    const y = yWords.subarray(0, n * 2);
    readFully(features.fd, batch, features.dataStart + start * width * 4);
    readFully(labels.fd, y, labels.dataStart + start * 8);
    const tensor = new ort.Tensor('float32', batch, [n, width]);
    for (const m of models) {
      const t0 = performance.now();
      const out = (await m.session.run({ [m.input]: tensor }))[m.output];
      m.inferenceMs += performance.now() - t0;
      const scores = out.data;
      const classes = out.dims[1];
      let correct = 0;
      for (let i = 0; i < n; i++) {
        const o = i * classes;
        let best = 0;
        for (let c = 1; c < classes; c++) if (scores[o + c] > scores[o + best]) best = c;
        if (y[2 * i] === best && y[2 * i + 1] === 0) correct++;
      }
      m.correct += correct;
    }
  }
  for (const m of models) await m.session.release();
  closeSync(features.fd);
  closeSync(labels.fd);

  const result = (m) => ({ correct: m.correct, accuracy: m.correct / rows, inferenceMs: m.inferenceMs });
  const [nw, base] = models;
  process.stdout.write(JSON.stringify({ rows, features: width, batchSize, new: result(nw), baseline: result(base) }) + '\n');
}

await main();
