import { describe, expect, it } from 'vitest';

import type { ReleaseEvent } from './ledger.js';
import { describeServing, NO_SINGLE_VERSION, resolveUnsettled, servingAliases, unsettledFrom } from './unsettled.js';

const rel = (id: number, version: string): ReleaseEvent => ({ type: 'release', id: String(id), version, at: `t${id}`, verified: true });
const DIGEST = `sha256:${'b'.repeat(64)}`;

describe('resolveUnsettled: a deployment whose rollout is not complete', () => {
  it('names each version as the ledger knows it, what serves most first, and says what serves', () => {
    const live = resolveUnsettled(
      [rel(1, 'v2'), rel(2, DIGEST)],
      'deployment ml/web: its rollout is not complete (1 of 2 replicas updated)',
      {
        asked: ['v2'],
        replicaSets: [
          { aliases: ['v1'], available: 0, revision: 1 },
          { aliases: ['v3', DIGEST], available: 2, revision: 2 },
          { aliases: ['v2'], available: 0, revision: 3 },
        ],
      },
    );
    expect(live).toEqual({
      version: NO_SINGLE_VERSION,
      aliases: [],
      source: `deployment ml/web: its rollout is not complete (1 of 2 replicas updated). Serving: ${DIGEST} on 2 replicas; v2 (its spec's version) on none.`,
      unsettled: {
        versions: [
          { version: DIGEST, aliases: ['v3', DIGEST], available: 2, asked: false },
          { version: 'v2', aliases: ['v2'], available: 0, asked: true },
          { version: 'v1', aliases: ['v1'], available: 0, asked: false },
        ],
      },
    });
  });
  it('sums the replicas of one version over its ReplicaSets (a template changed elsewhere)', () => {
    const live = resolveUnsettled([], 's', {
      asked: ['v2'],
      replicaSets: [
        { aliases: ['v2'], available: 1, revision: 3 },
        { aliases: ['v2'], available: 1, revision: 2 },
        { aliases: ['v1'], available: 1, revision: 1 },
      ],
    });
    expect(live.unsettled!.versions.map((v) => [v.version, v.available])).toEqual([
      ['v2', 2],
      ['v1', 1],
    ]);
  });
  it('the asked version without a ReplicaSet yet (a change not observed), and ReplicaSets that could not be listed', () => {
    const pending = resolveUnsettled([], 's', { asked: ['v4'], replicaSets: [{ aliases: ['v3'], available: 2, revision: 1 }] });
    expect(pending.unsettled!.versions.map((v) => [v.version, v.asked])).toEqual([
      ['v3', false],
      ['v4', true],
    ]);
    const unknown = resolveUnsettled([], 's', { asked: ['v4'], replicaSets: [], unreadable: 'Forbidden' });
    expect(unknown.source).toBe('s. What serves is unknown: its ReplicaSets could not be listed (Forbidden).');
    expect(servingAliases(unknown.unsettled!)).toEqual([]);
  });
});

describe('what a rollback from an unsettled deployment goes from', () => {
  const u = {
    versions: [
      { version: 'v3', aliases: ['v3'], available: 2, asked: false },
      { version: 'v2', aliases: ['v2'], available: 0, asked: true },
    ],
  };
  it('what serves most, unless that is the target; then what it was asked to run', () => {
    expect(unsettledFrom(u, 'v1')).toBe('v3');
    expect(unsettledFrom(u, 'v3')).toBe('v2');
    expect(unsettledFrom({ versions: [u.versions[0]] }, 'v3')).toBe(NO_SINGLE_VERSION);
    expect(servingAliases(u)).toEqual(['v3']);
    expect(describeServing(u)).toBe("Serving: v3 on 2 replicas; v2 (its spec's version) on none.");
  });
});
