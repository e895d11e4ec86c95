import { describe, expect, it } from 'vitest';

import { annotationFile } from './run-action.js';

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
