import { describe, expect, it } from 'vitest';

import { eventOfDeployment, statusDescription } from './github-deployments-ledger.js';

describe('github deployments as ledger events', () => {
  const payload = { schema: 'ml-gate/release-ledger/v1', kind: 'release', version: 'v1', at: '2026-01-01T00:00:00Z', commit: 'abc' };
  it('reads ours, verified by any success status (a later inactive does not undo it)', () => {
    expect(eventOfDeployment({ id: 7, created_at: 'c', payload }, ['inactive', 'success'])).toEqual({
      type: 'release',
      id: '7',
      version: 'v1',
      at: '2026-01-01T00:00:00Z',
      verified: true,
      commit: 'abc',
    });
    expect(eventOfDeployment({ id: 7, created_at: 'c', payload: JSON.stringify(payload) }, ['in_progress'])).toMatchObject({
      verified: false,
    });
  });
  it('ignores deployments that are not ours', () => {
    expect(eventOfDeployment({ id: 1, created_at: 'c', payload: {} }, ['success'])).toBeUndefined();
    expect(eventOfDeployment({ id: 1, created_at: 'c', payload: 'not json' }, [])).toBeUndefined();
  });
  it('reads a rollback and its outcome', () => {
    const p = { schema: 'ml-gate/release-ledger/v1', kind: 'rollback', from: 'v2', to: 'v1', reason: 'r', trigger: 't' };
    expect(eventOfDeployment({ id: 9, created_at: 'c', payload: p }, ['failure'])).toMatchObject({
      type: 'rollback',
      from: 'v2',
      to: 'v1',
      at: 'c',
      outcome: 'failed',
    });
  });
  it('keeps status descriptions within 140 characters', () => {
    expect(statusDescription('x'.repeat(200))).toHaveLength(140);
    expect(statusDescription('short')).toBe('short');
  });
});
