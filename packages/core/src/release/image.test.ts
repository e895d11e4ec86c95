import { describe, expect, it } from 'vitest';

import { imageFor, imageVersions, isValidVersion, parseImage } from './image.js';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('image references', () => {
  it('splits repository, tag and digest (a registry port is not a tag)', () => {
    expect(parseImage('registry:5000/org/srv:v1')).toEqual({ repository: 'registry:5000/org/srv', tag: 'v1', digest: undefined });
    expect(parseImage('registry:5000/org/srv')).toEqual({ repository: 'registry:5000/org/srv', tag: undefined, digest: undefined });
    expect(parseImage(`ghcr.io/o/s:v2@${DIGEST}`)).toEqual({ repository: 'ghcr.io/o/s', tag: 'v2', digest: DIGEST });
    expect(imageVersions(`ghcr.io/o/s:v2@${DIGEST}`)).toEqual(['v2', DIGEST]);
    expect(imageVersions('nginx')).toEqual(['latest']);
  });
  it('builds the image of a version', () => {
    expect(imageFor('ghcr.io/o/s', 'v2')).toBe('ghcr.io/o/s:v2');
    expect(imageFor('ghcr.io/o/s', DIGEST)).toBe(`ghcr.io/o/s@${DIGEST}`);
  });
  it('accepts tags and digests only', () => {
    for (const v of ['v1', '2026.01.02', 'abc_DEF-1', DIGEST]) expect(isValidVersion(v), v).toBe(true);
    for (const v of ['', '-v1', 'v 1', 'a/b', 'sha256:xyz', 'x'.repeat(129), '$(id)']) expect(isValidVersion(v), v).toBe(false);
  });
});
