import { describe, expect, it } from 'vitest';

import { parsed } from '../errors.js';
import { readDeployment, readReplicaSets, rolloutProgress, selectorArgument, type DeploymentView } from './deployment.js';

// A Deployment as `kubectl get deployment -o json` prints it mid-rollout (zero counts left out by the API server).
const DEPLOYMENT = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'ml', uid: 'u-1', generation: 2 },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }] },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'server', image: 'reg/s:v2' }] } },
  },
  status: {
    observedGeneration: 2,
    replicas: 3,
    updatedReplicas: 1,
    readyReplicas: 2,
    availableReplicas: 2,
    unavailableReplicas: 1,
    conditions: [
      { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
      { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: 'ReplicaSet "web-abc" is progressing.' },
    ],
  },
};

function view(status: Partial<DeploymentView['status']>, generation = 2, replicas = 2): DeploymentView {
  const base = { observedGeneration: 2, replicas: 2, updatedReplicas: 2, availableReplicas: 2 };
  return {
    name: 'web',
    uid: 'u',
    generation,
    replicas,
    selector: { matchLabels: {}, matchExpressions: [] },
    containers: [],
    status: { ...base, ...status },
  };
}

describe('readDeployment', () => {
  it('narrows what kubectl prints', () => {
    const d = readDeployment(JSON.stringify(DEPLOYMENT));
    expect(d).toEqual(
      parsed({
        name: 'web',
        uid: 'u-1',
        generation: 2,
        replicas: 2,
        selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }] },
        containers: [{ name: 'server', image: 'reg/s:v2' }],
        status: {
          observedGeneration: 2,
          replicas: 3,
          updatedReplicas: 1,
          availableReplicas: 2,
          progressing: { status: 'True', reason: 'ReplicaSetUpdated', message: 'ReplicaSet "web-abc" is progressing.' },
        },
      }),
    );
  });
  it('takes absent counts as 0 and absent spec.replicas as 1, as the API defaults them', () => {
    const d = readDeployment(JSON.stringify({ kind: 'Deployment', metadata: { generation: 1 }, spec: {}, status: {} }));
    expect(d.ok && [d.value.replicas, d.value.status.availableReplicas, d.value.status.progressing]).toEqual([1, 0, undefined]);
  });
  it('refuses what is not JSON or not a Deployment', () => {
    expect(readDeployment('nope')).toMatchObject({ ok: false, error: expect.stringContaining('not JSON') });
    expect(readDeployment('{"kind":"Service"}')).toEqual({ ok: false, error: 'kubectl printed a Service, not a Deployment' });
  });
});

describe('rolloutProgress: complete exactly when `kubectl rollout status` says "successfully rolled out"', () => {
  it('a complete rollout', () => {
    expect(rolloutProgress(view({}))).toEqual({ complete: true });
  });
  it('a change the controller has not observed yet', () => {
    expect(rolloutProgress(view({ observedGeneration: 1 }, 2))).toEqual({
      complete: false,
      why: 'its latest change (generation 2) is not yet observed by the deployment controller',
    });
  });
  it('a progress deadline exceeded (the reason counts, as for kubectl)', () => {
    const progressing = { status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-abc" has timed out progressing.' };
    expect(rolloutProgress(view({ progressing, updatedReplicas: 1, replicas: 3 }))).toEqual({
      complete: false,
      why: 'its rollout exceeded its progress deadline (ReplicaSet "web-abc" has timed out progressing.)',
    });
  });
  it('replicas not updated, old replicas still running, updated replicas not available', () => {
    expect(rolloutProgress(view({ updatedReplicas: 1, replicas: 3 }))).toEqual({
      complete: false,
      why: 'its rollout is not complete (1 of 2 replicas updated)',
    });
    expect(rolloutProgress(view({ replicas: 3 }))).toEqual({
      complete: false,
      why: 'its rollout is not complete (1 replica of an older version still running)',
    });
    expect(rolloutProgress(view({ availableReplicas: 1 }))).toEqual({
      complete: false,
      why: 'its rollout is not complete (1 of 2 replicas updated available)',
    });
  });
});

describe('readReplicaSets', () => {
  const rs = (name: string, owner: string, revision: string, image: string, status: object, controller = true) => ({
    kind: 'ReplicaSet',
    metadata: { name, annotations: { 'deployment.kubernetes.io/revision': revision }, ownerReferences: [{ uid: owner, controller }] },
    spec: { replicas: 2, template: { spec: { containers: [{ name: 'server', image }] } } },
    status,
  });
  it("keeps the deployment's own (controller ownerReference), an absent availableReplicas as 0", () => {
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        rs('web-a', 'u-1', '1', 'reg/s:v3', { replicas: 2, availableReplicas: 2 }),
        rs('web-b', 'u-1', '2', 'reg/s:v2', { replicas: 1 }),
        rs('other', 'u-2', '1', 'reg/o:v1', { replicas: 1, availableReplicas: 1 }),
        rs('adopted', 'u-1', '1', 'reg/o:v1', { replicas: 1, availableReplicas: 1 }, false),
      ],
    };
    expect(readReplicaSets(JSON.stringify(list), 'u-1')).toEqual(
      parsed([
        { name: 'web-a', revision: 1, containers: [{ name: 'server', image: 'reg/s:v3' }], available: 2, replicas: 2 },
        { name: 'web-b', revision: 2, containers: [{ name: 'server', image: 'reg/s:v2' }], available: 0, replicas: 2 },
      ]),
    );
  });
});

describe('selectorArgument', () => {
  it('writes matchLabels and matchExpressions as kubectl -l takes them', () => {
    expect(
      selectorArgument({
        matchLabels: { app: 'web', tier: 'api' },
        matchExpressions: [
          { key: 'track', operator: 'In', values: ['stable', 'canary'] },
          { key: 'env', operator: 'NotIn', values: ['dev'] },
          { key: 'owned', operator: 'Exists', values: [] },
          { key: 'legacy', operator: 'DoesNotExist', values: [] },
        ],
      }),
    ).toBe('app=web,tier=api,track in (stable,canary),env notin (dev),owned,!legacy');
  });
});
