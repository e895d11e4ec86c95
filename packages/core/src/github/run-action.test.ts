import { describe, expect, it } from 'vitest';

import { UserError } from '../errors.js';
import { runInProcess } from '../../../../test/run-action.js';
import { annotationFile, annotationMessage, runAction } from './run-action.js';

describe('annotationFile', () => {
  it('points at the archive of an .npz member', () => {
    expect(annotationFile('data/eval.npz:features.npy')).toBe('data/eval.npz');
  });
  it('makes paths inside the workspace repository-relative', () => {
    expect(annotationFile('/home/runner/work/r/r/models/new.onnx', '/home/runner/work/r/r')).toBe('models/new.onnx');
    expect(annotationFile('/tmp/other.onnx', '/home/runner/work/r/r')).toBe('/tmp/other.onnx');
    expect(annotationFile('models/new.onnx', '/w')).toBe('models/new.onnx');
    expect(annotationFile(undefined)).toBeUndefined();
  });
});

// in this process with the runner's environment of a step (test/run-action.ts runInProcess)
describe('runAction', () => {
  const step = (body: () => Promise<void>) => runInProcess(() => runAction('Test', body), { name: 'validate-onnx' });

  it('a UserError on a file in the workspace: one annotation on its repository-relative path, exit 1', async () => {
    const r = await step(() => {
      throw new UserError('eval.npz: member labels.npy is missing.', { file: `${process.env.GITHUB_WORKSPACE}/data/eval.npz:labels.npy` });
    });
    expect(r.exitCode).toBe(1);
    expect(r.annotations).toEqual([
      { command: 'error', properties: { title: 'Test', file: 'data/eval.npz' }, message: 'eval.npz: member labels.npy is missing.' },
    ]);
  });
  it('anything thrown that is not an Error is still an internal error with its text', async () => {
    const r = await step(() => {
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- what a careless dependency may throw
      throw 'boom';
    });
    expect(r.exitCode).toBe(1);
    expect(r.errors.map((e) => e.message)).toEqual([
      'Internal error in Test: boom. Please report it with the debug log (ACTIONS_STEP_DEBUG=true).',
    ]);
    expect(r.commands.filter((c) => c.command === 'debug').map((c) => c.message)).toContain('boom');
  });
  it('a body that returns: exit code 0, nothing said', async () => {
    const r = await step(() => Promise.resolve());
    expect(r.exitCode).toBe(0);
    expect(r.annotations).toEqual([]);
  });
});

describe('annotationMessage', () => {
  it('names the input at fault when the message does not', () => {
    expect(annotationMessage(new UserError('The model m.onnx does not exist.', { input: 'model', file: 'm.onnx' }))).toBe(
      'The model m.onnx does not exist. (input model)',
    );
    expect(annotationMessage(new UserError('Input atol is -1; expected a number >= 0.', { input: 'atol' }))).toBe(
      'Input atol is -1; expected a number >= 0.',
    );
    expect(annotationMessage(new UserError('reference-inputs: x.npz holds no arrays.', { input: 'reference-inputs' }))).toBe(
      'reference-inputs: x.npz holds no arrays.',
    );
    expect(annotationMessage(new UserError('Inputs body and body-file are both given; give one.', { input: 'body-file' }))).toContain(
      '(input body-file)',
    );
    expect(annotationMessage(new UserError('No input at fault.'))).toBe('No input at fault.');
  });
});
