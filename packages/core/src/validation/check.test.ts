import { describe, expect, it } from 'vitest';

import { CHECKS, fail, pass, skipAfter, verdict } from './check.js';

describe('the check table', () => {
  it('gives every check its one title', () => {
    expect(pass('runs', 'ok')).toEqual({ id: 'runs', title: 'Runs', status: 'pass', detail: 'ok' });
    expect(fail('size', 'too big')).toEqual({ id: 'size', title: 'Size', status: 'fail', detail: 'too big' });
  });
  it('skips every check after one that failed, in report order', () => {
    expect(skipAfter('runs', 'the model does not run').map((c) => [c.id, c.title, c.status, c.detail])).toEqual([
      ['outputs-finite', 'Outputs are finite', 'skip', 'the model does not run'],
      ['matches-reference', 'Matches the reference outputs', 'skip', 'the model does not run'],
      ['batch-consistency', 'Batch of 1 = batch of N', 'skip', 'the model does not run'],
      ['deterministic', 'Deterministic', 'skip', 'the model does not run'],
    ]);
    expect(skipAfter('deterministic', 'x')).toEqual([]);
    expect(Object.keys(CHECKS)).toHaveLength(13);
  });
  it('fails with the problems joined, or passes with the detail', () => {
    expect(verdict('signature', ['a', 'b'], () => 'fine')).toMatchObject({ status: 'fail', detail: 'a; b' });
    expect(verdict('signature', [], () => 'fine')).toMatchObject({ status: 'pass', detail: 'fine' });
  });
});
