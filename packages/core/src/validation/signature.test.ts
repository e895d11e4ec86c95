import { execFileSync } from 'node:child_process';
import { mkdtemp, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { inputValue, parseError, parsed } from '../errors.js';
import { compareSignature, MAX_SIGNATURE_BYTES, parseSignature, readSignatureFile } from './signature.js';

const signature = (text: string) => inputValue('signature', parseSignature(text));

describe('parseSignature', () => {
  it('reads sections and prefixed lines', () => {
    expect(parseSignature('inputs:\n  features: float32[batch, 20]\noutputs:\n  - logits: float[batch,3]  # scores\n')).toEqual(
      parsed({
        inputs: [{ name: 'features', type: 'float32', shape: ['batch', 20] }],
        outputs: [{ name: 'logits', type: 'float32', shape: ['batch', 3] }],
      }),
    );
    expect(parseSignature('input x: int64[?, 4]\noutput y: float32[]')).toEqual(
      parsed({
        inputs: [{ name: 'x', type: 'int64', shape: [null, 4] }],
        outputs: [{ name: 'y', type: 'float32', shape: [] }],
      }),
    );
  });
  it('names the line it cannot read', () => {
    expect(parseSignature('features float32[batch, 20]')).toEqual(
      parseError("line 1 'features float32[batch, 20]' is not 'name: type[dims]' (e.g. 'features: float32[batch, 20]')"),
    );
    const second = parseSignature('ok: float32[1]\nlogits: float32(batch, 3)');
    expect(second.ok).toBe(false);
    expect(!second.ok && second.error).toMatch(/line 2 'logits: float32\(batch, 3\)'/);
    expect(parseSignature('x: float32[2, , 3]')).toEqual(parseError("line 1 'x: float32[2, , 3]' has an empty dimension"));
  });
  it('refuses a signature that names nothing (comments, headers alone)', () => {
    const nothing = parseError("it lists no input or output; give one 'name: type[dims]' line each (e.g. 'features: float32[batch, 20]')");
    expect(parseSignature('# to do')).toEqual(nothing);
    expect(parseSignature('inputs:\noutputs:\n')).toEqual(nothing);
  });
});

describe('readSignatureFile', () => {
  it('reads a signature file', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'signature-')), 'signature.txt');
    await writeFile(path, 'x: float32[batch, 4]\n');
    expect(await readSignatureFile(path)).toBe('x: float32[batch, 4]\n');
  });
  it('refuses at once what is not a regular file, and a file over 1 MiB unread', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'signature-'));
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    await expect(readSignatureFile(join(dir, 'fifo'))).rejects.toThrow(
      `Input signature names ${join(dir, 'fifo')}, which is a FIFO (named pipe), expected a signature file.`,
    );
    await expect(readSignatureFile(dir)).rejects.toThrow(`Input signature names ${dir}, which is a directory, expected a signature file.`);
    await expect(readSignatureFile(join(dir, 'nope.txt'))).rejects.toThrow(
      expect.objectContaining({ input: 'signature', message: `Input signature names ${join(dir, 'nope.txt')}, which does not exist.` }),
    );
    await writeFile(join(dir, 'big.txt'), '');
    await truncate(join(dir, 'big.txt'), MAX_SIGNATURE_BYTES + 1);
    await expect(readSignatureFile(join(dir, 'big.txt'))).rejects.toThrow(
      /big\.txt, which is 1\.00 MiB; a signature file is at most 1 MiB\.$/,
    );
  });
});

describe('compareSignature', () => {
  const inputs = [{ name: 'features', type: 'float32', shape: ['batch', 8] as (string | number | null)[] }];
  const outputs = [
    { name: 'logits', type: 'float32', shape: [6, 3] as (string | number | null)[] },
    { name: 'probs', type: 'float32', shape: ['batch', 3] as (string | number | null)[] },
  ];
  it('accepts a matching model; symbols match symbols of any name', () => {
    expect(
      compareSignature(signature('features: float32[N, 8]\noutputs:\nlogits: float32[?, 3]\nprobs: float32[b, 3]'), inputs, outputs),
    ).toEqual([]);
  });
  it('lists every difference', () => {
    const sig = signature('features: float64[batch, 20]\noutputs:\nlogits: float32[batch, 3]\nscores: float32[batch, 3]');
    expect(compareSignature(sig, inputs, outputs)).toEqual([
      "input 'features' is float32, expected float64",
      "input 'features' dimension 1 is 8, expected 20",
      "output 'logits' dimension 0 is 6, expected a symbolic dimension (batch)",
      "output 'scores' is missing; the model's outputs are logits, probs",
      "the model has an extra output 'probs' (probs: float32[batch, 3]) that the signature does not list",
    ]);
  });
});
