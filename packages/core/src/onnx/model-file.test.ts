import { execFileSync } from 'node:child_process';
import { copyFile, mkdtemp, readFile, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

import { fixture } from '../../../../test/fixtures.js';
import { MAX_MODEL_BYTES, readModel } from './model-file.js';

// Fixtures: test/fixtures/generate.py (validate_onnx_set, validate_onnx_bad_inputs).
const onnx = (...parts: string[]) => fixture('onnx', ...parts);
const scratch = () => mkdtemp(join(tmpdir(), 'model-file-'));

/** readModel's UserError: its message, and the input and file it names. */
async function refusal(path: string): Promise<{ message: string; input?: string; file?: string }> {
  const e: unknown = await readModel(path).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(e, path).toMatchObject({ name: 'UserError' });
  const { message, input, file } = e as { message: string; input?: string; file?: string };
  return { message, input, file };
}

describe('readModel', () => {
  it('decodes a PyTorch export and where its external data is', async () => {
    const { info } = await readModel(onnx('external', 'model.onnx'));
    expect(info.inputs).toEqual([{ name: 'features', type: 'float32', shape: ['batch', 8] }]);
    // Linear(8,16) + Linear(16,3), float32, one after the other in weights.bin
    expect(info.externalData.map((r) => [r.tensor, r.location, r.length])).toEqual([
      ['body.0.weight', 'weights.bin', 16 * 8 * 4],
      ['body.0.bias', 'weights.bin', 16 * 4],
      ['head.weight', 'weights.bin', 3 * 16 * 4],
      ['head.bias', 'weights.bin', 3 * 4],
    ]);
  });
});

describe('readModel: the SHA-256 of the bytes it decoded', () => {
  it("is the file's SHA-256 (as sha256sum computes it)", async () => {
    const path = onnx('two_heads_dynamic.onnx');
    const { info } = await readModel(path);
    expect(info.sha256).toBe(execFileSync('sha256sum', [path], { encoding: 'utf8' }).split(' ')[0]);
  });
});

describe('readModel refuses what is not a model file, naming the model input', () => {
  it('a FIFO at once (it would block a read forever), a directory, a device, a missing file', async () => {
    const dir = await scratch();
    execFileSync('mkfifo', [join(dir, 'model.onnx')]);
    const started = Date.now();
    expect(await refusal(join(dir, 'model.onnx'))).toEqual({
      message: `The model ${join(dir, 'model.onnx')} is a FIFO (named pipe), expected an ONNX model file.`,
      input: 'model',
      file: join(dir, 'model.onnx'),
    });
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await refusal(dir)).message).toBe(`The model ${dir} is a directory, expected an ONNX model file.`);
    expect((await refusal('/dev/zero')).message).toBe('The model /dev/zero is a character device, expected an ONNX model file.');
    expect((await refusal(join(dir, 'nope.onnx'))).message).toBe(`The model ${join(dir, 'nope.onnx')} does not exist.`);
  });

  it('a file over protobuf’s 2 GiB, before reading it', async () => {
    const path = join(await scratch(), 'model.onnx');
    await writeFile(path, '');
    await truncate(path, MAX_MODEL_BYTES + 1); // sparse: no 2 GiB written or read
    expect(MAX_MODEL_BYTES).toBe(2 ** 31 - 1);
    expect((await refusal(path)).message).toBe(`The model ${path} is 2.00 GiB, larger than any ONNX model file (protobuf's limit, 2 GiB).`);
  });

  it('a zip (an .npz, a zipped download), a gzip file, an LFS pointer: said as what they are', async () => {
    const dir = await scratch();
    await copyFile(onnx('inputs.npz'), join(dir, 'zip.onnx'));
    await writeFile(join(dir, 'gz.onnx'), gzipSync(await readFile(onnx('two_heads_dynamic.onnx'))));
    await copyFile(onnx('external_lfs', 'weights.bin'), join(dir, 'lfs.onnx'));
    expect((await refusal(join(dir, 'zip.onnx'))).message).toBe(`The model ${join(dir, 'zip.onnx')} is a zip archive, not an ONNX model.`);
    expect((await refusal(join(dir, 'gz.onnx'))).message).toBe(`The model ${join(dir, 'gz.onnx')} is gzip-compressed, not an ONNX model.`);
    expect((await refusal(join(dir, 'lfs.onnx'))).message).toBe(
      `The model ${join(dir, 'lfs.onnx')} is a Git LFS pointer file, not the model.`,
    );
  });

  it('a truncated export says it is cut short; an empty file has no graph', async () => {
    const dir = await scratch();
    await writeFile(join(dir, 'cut.onnx'), (await readFile(onnx('two_heads_dynamic.onnx'))).subarray(0, 700));
    await writeFile(join(dir, 'empty.onnx'), '');
    expect((await refusal(join(dir, 'cut.onnx'))).message).toMatch(
      /^The model .*cut\.onnx does not decode as an ONNX ModelProto: it ends inside a field after 700 B \(index out of range: .*\): the file is cut short\.$/,
    );
    expect((await refusal(join(dir, 'empty.onnx'))).message).toMatch(/empty\.onnx does not decode as an ONNX model: it has no graph\.$/);
  });
});

describe('readModel checks external data offsets and lengths before any file is read', () => {
  // a negative or NaN position makes Node 24's FileHandle.read throw "out of range": refused here,
  // where no data file is opened (the data file is even absent from the copy below)
  it.each([
    ['negative_offset', "offset '-64'"],
    ['text_offset', "offset 'abc'"],
    ['negative_length', "length '-4'"],
    ['huge_offset', "offset '9007199254740993'"],
    ['negative_dims', 'dims [-16, 8]'],
  ])('%s', async (name, what) => {
    const path = join(await scratch(), 'model.onnx');
    await copyFile(onnx('external_offsets', `${name}.onnx`), path);
    expect(await refusal(path)).toEqual({
      message: `The model ${path}: tensor 'body.0.weight' has external data ${what} (in weights.bin); expected a whole number of bytes from 0 to 2^53 - 1.`,
      input: 'model',
      file: path,
    });
  });
});
