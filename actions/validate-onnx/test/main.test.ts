// In-process tests of actions/validate-onnx/src (run() called directly with the runner's
// environment): they test the source, whether or not dist/ was rebuilt.
// Expected errors: numpy in test/fixtures/generate.py (expected_drift.json).
import { execFileSync } from 'node:child_process';
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { elementCount } from '@ml-gate/core';
import { describe, expect, it } from 'vitest';

import { fixture, readJson } from '../../../test/fixtures.js';
import { expectNoStackTrace, readReport, runInProcess, type ActionRun } from '../../../test/run-action.js';
import { run } from '../src/main.js';

const drift = readJson('onnx', 'expected_drift.json');
const onnx = (name: string) => fixture('onnx', name);
const validate = (inputs: Record<string, string>) => runInProcess(run, { name: 'validate-onnx', inputs });
const references = { 'reference-inputs': onnx('inputs.npz'), 'reference-outputs': onnx('outputs.npz') };
const model = onnx('two_heads_dynamic.onnx');
const SIGNATURE = 'features: float32[batch, 8]\noutputs:\nlogits: float32[batch, 3]\nprobs: float32[batch, 3]';

/** Bad input: one error annotation naming the input, no stack trace, and a report that says so. */
async function expectBadInput(r: ActionRun, input: string, message: RegExp): Promise<any> {
  expect(r.exitCode, r.stdout).toBe(1);
  expect(r.errors, r.stdout).toHaveLength(1);
  expect(r.errors[0].message).toMatch(message);
  expect(r.errors[0].message).not.toMatch(/^Internal error/);
  // the annotation itself says which input is at fault
  expect(r.errors[0].message).toContain(input);
  expectNoStackTrace(r);
  const report = await readReport(r);
  expect(report.status).toBe('error');
  expect(report.error).toMatchObject({ message: r.errors[0].message, input });
  expect(r.summary).toContain('ONNX validation could not run');
  return report;
}

/** A float32 .npy of zeros (numpy's format 1.0: a header padded with spaces to 64 bytes). */
async function zerosNpy(shape: number[]): Promise<string> {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const prefix = Buffer.concat([
    Buffer.from('\x93NUMPY\x01\x00', 'latin1'),
    Buffer.from([header.length & 0xff, header.length >> 8]),
    Buffer.from(header, 'latin1'),
  ]);
  const path = join(await mkdtemp(join(tmpdir(), 'npy-')), 'zeros.npy');
  await writeFile(path, Buffer.concat([prefix, Buffer.alloc(4 * elementCount(shape))]));
  return path;
}

/** A FIFO with no writer: reading it would block forever. */
async function fifo(name: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'fifo-')), name);
  execFileSync('mkfifo', [path]);
  return path;
}

describe('validate-onnx run(), in process', () => {
  it('passes a sound export against its own outputs', async () => {
    const r = await validate({ model, ...references, signature: SIGNATURE, 'max-size-mb': '1' });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.errors).toEqual([]);
    expect(r.outputs.passed).toBe('true');
    expect(r.outputs['mismatch-ratio']).toBe('0');
    // onnxruntime vs PyTorch: ~1e-7, an output in exponent form with 12 significant digits at most
    expect(r.outputs['max-abs-error']).toMatch(/^\d(\.\d{1,11})?e-\d+$/);
    expect(Number(r.outputs['max-abs-error'])).toBeLessThan(1e-5);
    const report = await readReport(r);
    expect(report.status).toBe('passed');
    expect(report.reason).toBe('All 13 checks passed.');
    expect(report.checks.map((c: any) => c.status)).toEqual(Array(13).fill('pass'));
    expect(report.model.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(report.run).toEqual({
      commit: '0123456789abcdef0123456789abcdef01234567',
      commitUrl: 'https://github.com/owner/repo/commit/0123456789abcdef0123456789abcdef01234567',
      runUrl: 'https://github.com/owner/repo/actions/runs/1',
    });
    expect(r.summary).toContain('ONNX validation passed');
    expect(r.summary).toContain(`| sha256 | \`${report.model.sha256}\` |`);
    expect(r.summary).toContain('| size | 1.4 KiB |');
    expect(r.summary.trimEnd().endsWith('[workflow run](https://github.com/owner/repo/actions/runs/1)</sub>')).toBe(true);
    expect(r.stdout).toContain('PASSED: All 13 checks passed.');
  });

  it('a second run in the same process writes its own summary', async () => {
    const r = await validate({ model: onnx('missing.onnx') });
    expect(r.exitCode).toBe(1);
    expect(r.errors).toHaveLength(1);
    expect(r.summary).not.toContain('ONNX validation passed');
  });

  it('fails drifting references with numpy’s numbers, one annotation on the model file, and writes the report', async () => {
    const r = await validate({ model, 'reference-inputs': onnx('inputs.npz'), 'reference-outputs': onnx('outputs_drift.npz') });
    expect(r.exitCode).toBe(1);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].properties).toMatchObject({ file: model, title: 'validate-onnx: Matches the reference outputs' });
    // numpy: max abs 0.00300000608, max rel 0.0183327770 (three significant digits in messages)
    expect(r.errors[0].message).toMatch(
      /^Matches the reference outputs: 'logits': 1\/18 outside atol 1e-5 rtol 1e-4 \(numpy\), max abs 0\.003, max rel 0\.0183, worst at \[4, 1\]: \S+ vs reference \S+ \(max-mismatch-ratio 0\)$/,
    );
    expect(Number(r.outputs['max-abs-error'])).toBeCloseTo(drift.logits.max_abs_error, 6);
    expect(Number(r.outputs['max-rel-error']) / drift.logits.max_rel_error).toBeCloseTo(1, 3);
    expect(Number(r.outputs['mismatch-ratio'])).toBeCloseTo(1 / 18, 12);
    expect(r.outputs['mismatch-ratio']).toBe('0.0555555555556');
    expect(r.outputs.passed).toBe('false');
    const report = await readReport(r);
    expect(report.status).toBe('failed');
    expect(report.reason).toBe('1 of 13 checks failed: Matches the reference outputs.');
    const logits = report.outputs.find((o: any) => o.name === 'logits');
    expect(logits.worst.index).toEqual(drift.logits.argmax_abs);
    expect(logits.mismatches).toBe(drift.logits.mismatches_numpy_default);
    expect(r.summary).toContain('❌ ONNX validation failed');
    expect(r.summary).toMatch(/\| ❌ logits \| \[6, 3\] \| 1e-5 \| 1e-4 \| 0\.003 \| 0\.0183 \| 1\/18 \| \[4, 1\]: /);
    expectNoStackTrace(r);

    const lifted = await validate({
      model,
      'reference-inputs': onnx('inputs.npz'),
      'reference-outputs': onnx('outputs_drift.npz'),
      atol: '1e-5, logits:0.01',
    });
    expect(lifted.exitCode, lifted.stdout).toBe(0);
  });

  it('fails a signature the model does not have, naming each difference', async () => {
    const r = await validate({ model, signature: 'features: float32[batch, 20]\noutputs:\nlogits: float32[batch, 3]' });
    expect(r.exitCode).toBe(1);
    expect(r.errors.map((e) => e.properties.title)).toEqual(['validate-onnx: Signature']);
    expect(r.errors[0].message).toBe(
      "Signature: input 'features' dimension 1 is 8, expected 20; the model has an extra output 'probs' (probs: float32[batch, 3]) that the signature does not list",
    );
    expect((await readReport(r)).checks.find((c: any) => c.id === 'signature').status).toBe('fail');
  });

  it('bad input: one clear error naming the input, no stack trace, a report', async () => {
    const cases: [Record<string, string>, string, RegExp][] = [
      [
        { atol: '1e-5, logits:x' },
        'atol',
        /^Input atol has 'logits:x'; expected a number >= 0, or output:number \(e\.g\. '1e-5, logits:1e-4'\)\.$/,
      ],
      [{ rtol: '-1' }, 'rtol', /^Input rtol has '-1'; expected a number >= 0/],
      [
        { signature: 'features float32[batch]' },
        'signature',
        /^Input signature: line 1 'features float32\[batch\]' is not 'name: type\[dims\]' \(e\.g\. 'features: float32\[batch, 20\]'\)\.$/,
      ],
      [{ 'tolerance-mode': 'loose' }, 'tolerance-mode', /Input tolerance-mode is 'loose'; expected one of: numpy, either/],
      [
        { 'reference-inputs': onnx('outputs.npz') },
        'reference-inputs',
        /holds 'logits', 'probs', which the model does not have; its inputs are features/,
      ],
      [{ 'reference-inputs': onnx('nope.npz') }, 'reference-inputs', /nope\.npz does not exist/],
    ];
    for (const [inputs, input, message] of cases) await expectBadInput(await validate({ model, ...inputs }), input, message);
  });

  it('a signature file that does not parse is annotated on the file', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'signature-')), 'signature.txt');
    await writeFile(path, 'features: float32[batch, 8]\nlogits float32[batch, 3]\n');
    const r = await validate({ model, signature: path });
    await expectBadInput(
      r,
      'signature',
      /^Input signature \(.*signature\.txt\): line 2 'logits float32\[batch, 3\]' is not 'name: type\[dims\]'/,
    );
    expect(r.errors[0].properties.file).toBe(path);
  });

  it('a model that is a directory or missing is told apart', async () => {
    await expectBadInput(
      await validate({ model: onnx('external') }),
      'model',
      /^The model .*external is a directory, expected an ONNX model file\. \(input model\)$/,
    );
    await expectBadInput(
      await validate({ model: onnx('missing.onnx') }),
      'model',
      /^The model .*missing\.onnx does not exist\. \(input model\)$/,
    );
  });

  it('reference-outputs without reference-inputs: says the model ran on seeded random inputs', async () => {
    // outputs.npz holds 6 rows; the random inputs are a batch of 4
    const r = await validate({ model, 'reference-outputs': onnx('outputs.npz'), seed: '7' });
    const report = await expectBadInput(
      r,
      'reference-outputs',
      /^reference-outputs: 'logits' has shape \[6, 3\], but the model computes \[4, 3\] from the seeded random inputs \(seed 7\)\. Give reference-inputs/,
    );
    expect(r.errors[0].message).not.toMatch(/the reference inputs/);
    expect(report.model.path).toBe(model);

    // references of the right shape, but not computed from these inputs
    const same = await validate({ model, 'reference-outputs': await zerosNpy([4, 3]) });
    expect(same.exitCode).toBe(1);
    expect(same.errors).toHaveLength(1);
    expect(same.errors[0].message).toMatch(
      /^Matches the reference outputs: 'logits': \d+\/12 outside .*; the model ran on seeded random inputs \(seed 0\), as no reference-inputs were given$/,
    );
    expect(same.errors[0].message).not.toMatch(/the reference inputs/);
    const runs = (await readReport(same)).checks.find((c: any) => c.id === 'runs');
    expect(runs.detail).toBe('on seeded random inputs (seed 0) features [4, 8]');
  });

  it('writes the report where report says, on failure too', async () => {
    const r = await validate({ model: onnx('nondeterministic.onnx'), report: 'out/validation.json' });
    expect(r.exitCode).toBe(1);
    expect(r.outputs['report-path']).toBe('out/validation.json');
    const report = await readReport(r);
    expect(report.status).toBe('failed');
    expect(report.checks.find((c: any) => c.id === 'deterministic').detail).toMatch(
      /^'y' differs between two runs in 16\/16 values \(up to \S+\)$/,
    );
    expect(report.run.commit).toBe('0123456789abcdef0123456789abcdef01234567');
  });

  it('fail closed: every bad file or value ends in one clear error naming its input, exit 1, a report', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bad-'));
    await writeFile(join(dir, 'cut.onnx'), (await readFile(model)).subarray(0, 700));
    await copyFile(onnx('external_offsets/negative_offset.onnx'), join(dir, 'no-data.onnx'));
    const cases: [Record<string, string>, string, RegExp][] = [
      [
        { model: join(dir, 'cut.onnx') },
        'model',
        /^The model .*cut\.onnx does not decode as an ONNX ModelProto: it ends inside a field after 700 B .*: the file is cut short\. Export it again/,
      ],
      [{ model: onnx('inputs.npz') }, 'model', /^The model .*inputs\.npz is a zip archive, not an ONNX model\. Unzip it/],
      [
        { model: onnx('external_offsets/negative_offset.onnx') },
        'model',
        /^The model .*negative_offset\.onnx: tensor 'body\.0\.weight' has external data offset '-64' \(in weights\.bin\); expected a whole number of bytes from 0 to 2\^53 - 1\./,
      ],
      [
        { model: onnx('external_offsets/text_offset.onnx') },
        'model',
        /tensor 'body\.0\.weight' has external data offset 'abc' \(in weights\.bin\)/,
      ],
      // refused before the data file is looked for
      [{ model: join(dir, 'no-data.onnx') }, 'model', /has external data offset '-64' \(in weights\.bin\)/],
      [
        { model: onnx('fixed_huge_input.onnx') },
        'reference-inputs',
        /^Random inputs of the model's declared shapes \(x \[100000, 100000, 20\]\) would hold 200,000,000,000 elements; validate-onnx generates at most 16,777,216 \(2\^24\)\. Give reference-inputs/,
      ],
      [
        { 'reference-inputs': onnx('inputs_huge_claim.npz') },
        'reference-inputs',
        /^reference-inputs: .*holds shape \(20000, 20000\), 400,000,000 elements; references are read whole, up to 134,217,728/,
      ],
      [
        { 'reference-inputs': onnx('inputs_strings.npz') },
        'reference-inputs',
        /^reference-inputs: .*inputs_strings\.npz:features\.npy holds dtype '<U1'/,
      ],
      [
        { 'reference-inputs': onnx('empty.npz') },
        'reference-inputs',
        /^reference-inputs .*empty\.npz holds no arrays; the model's inputs are features\.$/,
      ],
      [
        { ...references, 'reference-outputs': onnx('outputs_nan.npz') },
        'reference-outputs',
        /^reference-outputs .*outputs_nan\.npz: 'logits' holds 1 NaN of 18 values \(first at \[2, 1\]\); a NaN never matches/,
      ],
      [
        { ...references, 'reference-outputs': onnx('outputs_extra.npz') },
        'reference-outputs',
        /^reference-outputs .*outputs_extra\.npz holds 'labels', which the model does not have; its outputs are logits, probs\.$/,
      ],
      [
        { 'reference-inputs': onnx('input.npy'), 'reference-outputs': onnx('inputs.npz') },
        'reference-outputs',
        /holds 'features', which the model does not have; its outputs are logits, probs/,
      ],
      [{ atol: '-1e-5' }, 'atol', /^Input atol has '-1e-5'; expected a number >= 0/],
      [{ atol: '1e-5, logit:1e-3' }, 'atol', /^Input atol names 'logit', which the model does not have; its outputs are logits, probs\.$/],
      [{ signature: '# to do' }, 'signature', /^Input signature: it lists no input or output; give one 'name: type\[dims\]' line each/],
      [{ signature: 'signature.txt' }, 'signature', /^Input signature names signature\.txt, which does not exist\.$/],
      [{ signature: dir }, 'signature', /^Input signature names .*, which is a directory, expected a signature file\.$/],
    ];
    for (const [inputs, input, message] of cases) await expectBadInput(await validate({ model, ...inputs }), input, message);
  });

  it('a FIFO given for any file input fails at once, never waits for a writer', async () => {
    const cases: [Record<string, string>, string, RegExp][] = [
      [
        { model: await fifo('model.onnx') },
        'model',
        /^The model .*model\.onnx is a FIFO \(named pipe\), expected an ONNX model file\. \(input model\)$/,
      ],
      [
        { 'reference-inputs': await fifo('inputs.npz') },
        'reference-inputs',
        /^reference-inputs: the \.npz file .* is a FIFO \(named pipe\), expected a file\.$/,
      ],
      [
        { 'reference-outputs': await fifo('outputs.npy') },
        'reference-outputs',
        /^reference-outputs: the \.npy file .* is a FIFO \(named pipe\), expected a file\.$/,
      ],
      [
        { signature: await fifo('signature.txt') },
        'signature',
        /^Input signature names .* which is a FIFO \(named pipe\), expected a signature file\.$/,
      ],
    ];
    for (const [inputs, input, message] of cases) {
      const started = Date.now();
      const r = await validate({ model, ...inputs });
      expect(Date.now() - started, input).toBeLessThan(5000);
      const report = await expectBadInput(r, input, message);
      expect(report.error.file).toBe(Object.values(inputs)[0]);
    }
  });

  it('external data that is a FIFO is a failed check, at once; onnxruntime is not given the model', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fifo-data-'));
    await copyFile(onnx('external/model.onnx'), join(dir, 'model.onnx'));
    execFileSync('mkfifo', [join(dir, 'weights.bin')]);
    const started = Date.now();
    const r = await validate({ model: join(dir, 'model.onnx') });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r.exitCode).toBe(1);
    // one annotation: the runtime checks that would repeat it are skipped
    expect(r.errors.map((e) => e.message)).toEqual([
      "External data: tensor 'body.0.weight' needs weights.bin, which is a FIFO (named pipe), expected a file of tensor data",
    ]);
    const report = await readReport(r);
    expect(report.status).toBe('failed');
    expect(report.checks.find((c: any) => c.id === 'loads')).toMatchObject({ status: 'skip' });
  });
});
