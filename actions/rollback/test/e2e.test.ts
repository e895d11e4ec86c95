// End-to-end tests of the COMMITTED bundle actions/rollback/dist/index.js, run the way the GitHub
// runner runs it (test/run-action.ts): a child `node dist/index.js` with INPUT_* variables,
// GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files, from a copy of action.yml + dist/ with no
// node_modules above it.
//
// The REAL kubectl (from PATH) talks to test/kubernetes-api-stub.ts, a loopback stand-in for a
// Kubernetes API server (none can run here), through a kubeconfig written per test; the
// github-deployments ledger talks to test/github-deployments-stub.ts. Both record every request,
// so "nothing changed" is checked as "no write request reached them". Expected versions, images
// and ledger entries are written out by hand below, never taken from the code under test.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import type { GitHubDeploymentsStub } from '../../../test/github-deployments-stub.js';
import { readReport, runAction, type ActionRun, type RunActionOptions } from '../../../test/run-action.js';
import {
  CM,
  deploymentPatches,
  expectFailure,
  expectOk,
  K8S,
  ledgerEvents,
  NS,
  recordThreeReleases,
  recordV1,
  rel,
  REPO,
  rollBackForAlert,
  rollbackIn,
  rollbackX,
  SCHEMA,
  seedLedger,
  world,
} from './world.js';

const ACTION_SOURCE = fileURLToPath(new URL('..', import.meta.url));

let action: string;
const w = world('rollback-e2e-', async (root) => {
  action = join(root, 'action');
  await mkdir(action);
  await copyFile(join(ACTION_SOURCE, 'action.yml'), join(action, 'action.yml'));
  await cp(join(ACTION_SOURCE, 'dist'), join(action, 'dist'), { recursive: true });
});
const { cluster, github } = w;

function run(inputs: Record<string, string>, options: Partial<RunActionOptions> = {}): Promise<ActionRun> {
  return runAction({ action, tempDir: w.root, timeoutMs: 60_000, ...options, inputs, env: { HOME: w.home, ...options.env } });
}

describe('the bundle under test', () => {
  // Whether dist/ matches the sources is checked by `npm run check-dist` (a rebuild and a diff),
  // not here. This checks that the copy these tests run is the repository's actions/rollback/dist
  // and that it runs without the workspace: no node_modules above it.
  it('runs from a folder with no node_modules above it', () => {
    for (let d = resolve(action); dirname(d) !== d; d = dirname(d)) expect(existsSync(join(d, 'node_modules')), d).toBe(false);
  });
  it("is the repository's dist/index.js: an ESM bundle of this action, built from the current sources", async () => {
    const committed = await readFile(join(ACTION_SOURCE, 'dist', 'index.js'), 'utf8');
    expect(await readFile(join(action, 'dist', 'index.js'), 'utf8')).toBe(committed);
    expect(committed).not.toMatch(/from ['"]@ml-gate\/core/); // the workspace package is bundled in
  });
});

describe('configmap ledger + kubernetes target (real kubectl)', () => {
  it('records three releases, then rolls back from v3 to v2 with set image + rollout status', async () => {
    const { kube, env, workspace } = await recordThreeReleases(w, run);
    // the first record created the ConfigMap, the next two patched it with the resourceVersion
    const cmWrites = kube.writes().filter((w) => w.path.includes('/configmaps'));
    expect(cmWrites.map((w) => w.method)).toEqual(['POST', 'PATCH', 'PATCH']);
    expect(cmWrites[1].contentType).toBe('application/merge-patch+json');
    expect(cmWrites[1].body.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(deploymentPatches(kube)).toEqual([]); // record changes nothing but the ledger

    const recorded = ledgerEvents(kube);
    expect(recorded.map((e) => [e.type, e.id, e.version, e.verified, e.image])).toEqual([
      ['release', '1', 'v1', true, `${REPO}:v1`],
      ['release', '2', 'v2', true, `${REPO}:v2`],
      ['release', '3', 'v3', true, `${REPO}:v3`],
    ]);
    expect(recorded[1].modelSha256).toBe(createHash('sha256').update('model bytes of v2').digest('hex'));
    expect(recorded[0].commit).toBe('0123456789abcdef0123456789abcdef01234567'); // GITHUB_SHA of the run
    expect(recorded[0].runUrl).toBe('https://github.com/owner/repo/actions/runs/1');

    const before = kube.requests.length;
    const r = await rollBackForAlert(kube, run, { env, workspace });

    // kubectl set image: a strategic merge patch of that one container; then rollout status watched
    const patches = deploymentPatches(kube);
    expect(patches).toHaveLength(1);
    expect(patches[0].contentType).toBe('application/strategic-merge-patch+json');
    expect(patches[0].body.spec.template.spec.containers).toEqual([{ name: 'server', image: `${REPO}:v2` }]);
    const during = kube.requests.slice(before);
    expect(
      during.some(
        (q) => q.method === 'GET' && q.query.get('watch') === 'true' && q.query.get('fieldSelector') === 'metadata.name=model-server',
      ),
    ).toBe(true);
    // the README's RBAC list names every verb kubectl used on deployments (rollout status lists, then watches)
    const deploymentVerbs = new Set(
      during
        .filter((q) => q.path.startsWith(`/apis/apps/v1/namespaces/${NS}/deployments`))
        .map((q) =>
          q.method === 'PATCH' ? 'patch' : q.query.get('watch') === 'true' ? 'watch' : q.path.endsWith('/deployments') ? 'list' : 'get',
        ),
    );
    expect([...deploymentVerbs].sort()).toEqual(['get', 'list', 'patch', 'watch']);
    const readme = (await readFile(join(ACTION_SOURCE, 'README.md'), 'utf8')).replace(/\s+/g, ' ');
    const rbac = /\(and ([^)]*?) on the deployment for a rollback/.exec(readme);
    expect(
      rbac?.[1]
        .match(/`(\w+)`/g)
        ?.map((v) => v.slice(1, -1))
        .sort(),
    ).toEqual(['get', 'list', 'patch', 'watch']);

    expect(ledgerEvents(kube)).toHaveLength(4);

    const report = await readReport(r);
    expect(report.live).toMatchObject({ version: 'v3', aliases: ['v3'] });
    expect(report.target.commands).toEqual([
      `kubectl --namespace ml set image deployment/model-server server=${REPO}:v2`,
      'kubectl --namespace ml rollout status deployment/model-server --timeout=20s',
    ]);
    expect(report.ledger.entryWritten).toBe(true);
    expect(r.summary.startsWith('## ⏪ Rolled back (production): v3 → v2')).toBe(true);
    expect(r.summary).toContain('error rate above 2%');
    expect(r.stdout).toContain(`$ kubectl --namespace ml set image deployment/model-server server=${REPO}:v2`);
  });

  it('the same alert twice: the second run is a no-op that says why, and writes nothing', async () => {
    const { kube, kubeconfig } = await cluster();
    seedLedger(kube, [rel(1, 'v1'), rel(2, 'v2'), rel(3, 'v3')]);
    const alert = { ...K8S, mode: 'rollback', 'expected-current': 'v3', reason: 'alert HighErrorRate', trigger: 'repository_dispatch' };
    const first = await run(alert, { env: { KUBECONFIG: kubeconfig } });
    expectOk(first);
    expect(first.outputs).toMatchObject({ status: 'rolled-back', 'from-version': 'v3', 'to-version': 'v2', 'rolled-back': 'true' });
    const writes = kube.writes().length;

    const second = await run(alert, { env: { KUBECONFIG: kubeconfig } });
    expectOk(second);
    expect(second.outputs).toMatchObject({
      status: 'no-op',
      'from-version': 'v2',
      'to-version': '',
      'rolled-back': 'false',
      version: 'v2',
    });
    expect(kube.writes()).toHaveLength(writes);
    expect(kube.image('model-server', 'server', NS)).toBe(`${REPO}:v2`);
    const report = await readReport(second);
    expect(report.explanation).toContain('expected-current is v3, but v2 is live');
    expect(report.explanation).toContain('v3 was already rolled back to v2');
    expect(second.summary.startsWith('## ✅ Nothing to do (production)')).toBe(true);
    expect(ledgerEvents(kube)).toHaveLength(4);
  });

  it('a version rolled away from is never chosen again; a second rollback goes one more verified version back', async () => {
    const { kube, kubeconfig } = await cluster(`${REPO}:v4`);
    // v3 was rolled back to v2, then v4 was promoted and recorded; v1 was never verified
    seedLedger(kube, [
      rel(1, 'v0'),
      rel(2, 'v1', false),
      rel(3, 'v2'),
      rel(4, 'v3'),
      {
        type: 'rollback',
        id: '5',
        from: 'v3',
        to: 'v2',
        reason: 'latency',
        trigger: 'manual',
        at: '2026-01-05T10:00:00.000Z',
        outcome: 'succeeded',
      },
      rel(6, 'v4'),
    ]);
    const env = { KUBECONFIG: kubeconfig };
    const r = await run({ ...K8S, mode: 'rollback', reason: 'v4 is bad' }, { env });
    expectOk(r);
    expect(r.outputs).toMatchObject({ 'from-version': 'v4', 'to-version': 'v2', 'rolled-back': 'true' });
    expect(kube.image('model-server', 'server', NS)).toBe(`${REPO}:v2`);
    const report = await readReport(r);
    expect(report.skipped).toEqual([{ version: 'v3', why: 'rolled away from at 2026-01-05T10:00:00.000Z (to v2)' }]);

    // asking for v3 explicitly is refused: it was rolled away from
    const explicit = await run({ ...K8S, mode: 'rollback', version: 'v3' }, { env });
    await expectFailure(explicit, 'error', 'Input version is v3, which was rolled away from', 'never a rollback target again');

    // again, without expected-current: from v2 one more verified version back, past the unverified v1
    const again = await run({ ...K8S, mode: 'rollback', reason: 'v2 is bad too' }, { env });
    expectOk(again);
    expect(again.outputs).toMatchObject({ 'from-version': 'v2', 'to-version': 'v0', 'rolled-back': 'true' });
    const explanation = (await readReport(again)).explanation;
    expect(explanation).toContain('v2 itself came back by a rollback from v4');
    expect(explanation).toContain('one more verified version back');
    expect(explanation).toContain('v1 (never verified)');
    expect(kube.image('model-server', 'server', NS)).toBe(`${REPO}:v0`);
    expect(
      ledgerEvents(kube)
        .slice(-2)
        .map((e) => [e.type, e.from, e.to]),
    ).toEqual([
      ['rollback', 'v4', 'v2'],
      ['rollback', 'v2', 'v0'],
    ]);
  });

  it('compare-and-rollback: expected-current is not live, so nothing happens and the report says why', async () => {
    const { kube, kubeconfig } = await cluster();
    seedLedger(kube, [rel(1, 'v1'), rel(2, 'v2'), rel(3, 'v3')]);
    const r = await run({ ...K8S, mode: 'rollback', 'expected-current': 'v9' }, { env: { KUBECONFIG: kubeconfig } });
    expectOk(r);
    expect(r.outputs).toMatchObject({ status: 'no-op', 'from-version': 'v3', 'to-version': '', 'rolled-back': 'false', version: 'v3' });
    expect(kube.writes()).toEqual([]);
    const report = await readReport(r);
    expect(report.explanation).toBe(
      `Nothing to do: expected-current is v9, but v3 is live (image ${REPO}:v3 of container server in deployment ml/model-server, container server). Only a rollback from v9 was asked for.`,
    );
  });

  it('an explicit version that is already live is a no-op', async () => {
    const { kube, kubeconfig } = await cluster();
    seedLedger(kube, [rel(1, 'v1'), rel(2, 'v2'), rel(3, 'v3')]);
    const r = await run({ ...K8S, mode: 'rollback', version: 'v3' }, { env: { KUBECONFIG: kubeconfig } });
    expectOk(r);
    expect(r.outputs).toMatchObject({ status: 'no-op', 'rolled-back': 'false' });
    expect((await readReport(r)).explanation).toContain('v3 is already live');
    expect(kube.writes()).toEqual([]);
  });

  it('an empty ledger (no ConfigMap) fails loudly and changes nothing', async () => {
    const { kube, kubeconfig } = await cluster();
    const r = await run({ ...K8S, mode: 'rollback' }, { env: { KUBECONFIG: kubeconfig } });
    const { report } = await expectFailure(
      r,
      'error',
      'No recorded version to roll back to',
      `ConfigMap ml/${CM}, key production.json`,
      'nothing (no release was ever recorded)',
    );
    expect(report.error.input).toBe('environment');
    expect(kube.writes()).toEqual([]);
    expect(r.summary.startsWith('## ⚠️ Could not run (production)')).toBe(true);
  });

  it('an empty ledger with expected-current: fails loudly too, not a green no-op', async () => {
    const { kube, kubeconfig } = await cluster();
    const r = await run({ ...K8S, mode: 'rollback', 'expected-current': 'v2' }, { env: { KUBECONFIG: kubeconfig } });
    await expectFailure(r, 'error', 'No recorded version to roll back to', 'nothing (no release was ever recorded)');
    expect(kube.writes()).toEqual([]);
  });

  it('a concurrent writer between read and write: the ledger PATCH gets 409 Conflict, is read again and retried, losing nothing', async () => {
    let raced = false;
    const { kube, kubeconfig } = await cluster(`${REPO}:v3`, {
      fail: (q) => {
        if (!raced && q.method === 'PATCH' && q.path === `/api/v1/namespaces/${NS}/configmaps/${CM}`) {
          raced = true;
          // another job writes the staging ledger in the same ConfigMap first: a new resourceVersion
          const data = kube.configMapData(CM, NS)!;
          kube.addConfigMap(
            CM,
            { ...data, 'staging.json': JSON.stringify({ schema: SCHEMA, environment: 'staging', events: [rel(1, 's1')] }) },
            NS,
          );
        }
        return undefined;
      },
    });
    seedLedger(kube, [rel(1, 'v2'), rel(2, 'v3')]);
    const r = await run({ ...K8S, mode: 'record', version: 'v4' }, { env: { KUBECONFIG: kubeconfig } });
    expectOk(r);
    const patches = kube.requests.filter((q) => q.method === 'PATCH' && q.path === `/api/v1/namespaces/${NS}/configmaps/${CM}`);
    expect(patches.map((q) => q.status)).toEqual([409, 200]);
    expect(patches[1].body.metadata.resourceVersion).not.toBe(patches[0].body.metadata.resourceVersion);
    expect(ledgerEvents(kube).map((e) => e.version)).toEqual(['v2', 'v3', 'v4']);
    expect(ledgerEvents(kube, 'staging').map((e) => e.version)).toEqual(['s1']);
  });

  it('no verified older version: fails listing what the ledger holds', async () => {
    const { kube, kubeconfig } = await cluster();
    seedLedger(kube, [rel(1, 'v2', false), rel(2, 'v3')]);
    const r = await run({ ...K8S, mode: 'rollback' }, { env: { KUBECONFIG: kubeconfig } });
    await expectFailure(
      r,
      'error',
      'No verified version older than the live v3 to roll back to',
      'holds: release v3 (verified, 2026-01-02T10:00:00.000Z); release v2 (not verified, 2026-01-01T10:00:00.000Z)',
    );
    expect(kube.writes()).toEqual([]);
  });

  it('rollout timeout: reports and fails, records the failed rollback, never flips back', async () => {
    const { kube, kubeconfig } = await cluster();
    kube.setRollout('model-server', 'stuck', NS);
    seedLedger(kube, [rel(1, 'v2'), rel(2, 'v3')]);
    const r = await run({ ...K8S, mode: 'rollback', 'rollout-timeout': '2s' }, { env: { KUBECONFIG: kubeconfig } });
    const { report } = await expectFailure(
      r,
      'failed',
      'The rollout of v2 did not complete',
      '--timeout=2s',
      'timed out waiting for the condition',
      'not rolled back again to v3',
    );
    // exactly one change of the deployment: to v2, and no second one back to v3
    expect(deploymentPatches(kube)).toHaveLength(1);
    expect(kube.image('model-server', 'server', NS)).toBe(`${REPO}:v2`);
    expect(r.outputs).toMatchObject({ 'from-version': 'v3', 'to-version': 'v2', version: '' }); // changed but not rolled out: no single version known to serve
    const last = ledgerEvents(kube).at(-1);
    expect(last).toMatchObject({ type: 'rollback', from: 'v3', to: 'v2', outcome: 'failed' });
    expect(last.detail).toContain('timed out waiting for the condition');
    expect(report.ledger.entryWritten).toBe(true);
    expect(r.summary.startsWith('## ❌ Rollback failed (production): v3 → v2')).toBe(true);
  });

  it('progress deadline exceeded: kubectl rollout status fails at once, the step fails', async () => {
    const { kube, kubeconfig } = await cluster();
    kube.setRollout('model-server', 'deadline-exceeded', NS);
    seedLedger(kube, [rel(1, 'v2'), rel(2, 'v3')]);
    const r = await run({ ...K8S, mode: 'rollback' }, { env: { KUBECONFIG: kubeconfig } });
    await expectFailure(r, 'failed', 'The rollout of v2 did not complete', 'deployment "model-server" exceeded its progress deadline');
    expect(deploymentPatches(kube)).toHaveLength(1);
  });

  it('kubectl missing from PATH: a clear error', async () => {
    const { kube, kubeconfig } = await cluster();
    seedLedger(kube, [rel(1, 'v2'), rel(2, 'v3')]);
    const empty = await mkdtemp(join(w.root, 'no-kubectl-'));
    const r = await run({ ...K8S, mode: 'rollback' }, { env: { KUBECONFIG: kubeconfig, PATH: empty } });
    await expectFailure(r, 'error', "kubectl was not found (looked for 'kubectl' on PATH)", 'kubernetes-client', 'target: command');
    expect(kube.requests).toEqual([]);
  });

  it('kubectl failing (the API forbids the patch): nothing changed, nothing recorded', async () => {
    const { kube, kubeconfig } = await cluster(`${REPO}:v3`, {
      fail: (q) =>
        q.method === 'PATCH' && q.path.includes('/deployments/')
          ? {
              status: 403,
              reason: 'Forbidden',
              message:
                'deployments.apps "model-server" is forbidden: User "ci" cannot patch resource "deployments" in API group "apps" in the namespace "ml"',
            }
          : undefined,
    });
    seedLedger(kube, [rel(1, 'v2'), rel(2, 'v3')]);
    const r = await run({ ...K8S, mode: 'rollback' }, { env: { KUBECONFIG: kubeconfig } });
    await expectFailure(
      r,
      'failed',
      'kubectl --namespace ml set image deployment/model-server',
      'exited with 1',
      'cannot patch resource "deployments"',
      'Nothing was changed: v3 still serves',
    );
    expect(ledgerEvents(kube)).toHaveLength(2);
    expect(kube.image('model-server', 'server', NS)).toBe(`${REPO}:v3`);
  });

  it('dry-run prints exactly what would change and changes nothing', async () => {
    const { kube, kubeconfig } = await cluster();
    seedLedger(kube, [rel(1, 'v1'), rel(2, 'v2'), rel(3, 'v3')]);
    const r = await run({ ...K8S, mode: 'rollback', 'dry-run': 'true', reason: 'drill' }, { env: { KUBECONFIG: kubeconfig } });
    expectOk(r);
    expect(r.outputs).toMatchObject({ status: 'dry-run', 'from-version': 'v3', 'to-version': 'v2', 'rolled-back': 'false', version: 'v3' });
    expect(kube.writes()).toEqual([]);
    expect(r.summary.startsWith('## 🔍 Dry run: nothing changed (production): v3 → v2')).toBe(true);
    expect(r.summary).toContain('Commands that would run:');
    expect(r.summary).toContain(`kubectl --namespace ml set image deployment/model-server server=${REPO}:v2`);
    expect(r.summary).toContain('Ledger entry that would be written:');
    const report = await readReport(r);
    expect(report.ledger.entryWritten).toBe(false);
    expect(report.ledger.entry).toMatchObject({ type: 'rollback', from: 'v3', to: 'v2', reason: 'drill' });

    const record = await run({ ...K8S, mode: 'record', version: 'v4', 'dry-run': 'true' }, { env: { KUBECONFIG: kubeconfig } });
    expectOk(record);
    expect(record.outputs.status).toBe('dry-run');
    expect(kube.writes()).toEqual([]);
    expect(ledgerEvents(kube)).toHaveLength(3);
  });

  it('record unverified, then verified: one release, updated in place; a re-run is a no-op', async () => {
    const { kube, kubeconfig } = await cluster();
    const env = { KUBECONFIG: kubeconfig };
    expectOk(await run({ ...K8S, mode: 'record', version: 'v5', verified: 'false' }, { env }));
    expect(ledgerEvents(kube).map((e) => [e.version, e.verified])).toEqual([['v5', false]]);
    const verify = await run({ ...K8S, mode: 'record', version: 'v5' }, { env });
    expectOk(verify);
    expect(ledgerEvents(kube).map((e) => [e.version, e.verified])).toEqual([['v5', true]]);
    const again = await run({ ...K8S, mode: 'record', version: 'v5' }, { env });
    expectOk(again);
    expect(again.outputs.status).toBe('no-op');
    expect(kube.writes()).toHaveLength(2);
  });

  it('a JSON kubeconfig given as input: its token is masked too', async () => {
    const { kube } = await cluster();
    seedLedger(kube, [rel(1, 'v2'), rel(2, 'v3')]);
    const path = await kube.kubeconfig(join(await mkdtemp(join(w.root, 'kc-')), 'config.json'), {
      namespace: 'default',
      token: 'json-token-9876543210',
      format: 'json',
    });
    const text = await readFile(path, 'utf8');
    expect(text).toContain('"token": "json-token-9876543210"');
    const r = await run({ ...K8S, mode: 'rollback', 'dry-run': 'true', kubeconfig: text }, { env: { KUBECONFIG: undefined } });
    expectOk(r);
    expect(r.outputs['to-version']).toBe('v2');
    expect(r.commands.filter((c) => c.command === 'add-mask').map((c) => c.message)).toContain('json-token-9876543210');
  });

  it('a kubeconfig given as input: its token is masked and the file is removed afterwards', async () => {
    const { kube, kubeconfig } = await cluster();
    seedLedger(kube, [rel(1, 'v2'), rel(2, 'v3')]);
    const text = await readFile(kubeconfig, 'utf8');
    const r = await run({ ...K8S, mode: 'rollback', 'dry-run': 'true', kubeconfig: text }, { env: { KUBECONFIG: undefined } });
    expectOk(r);
    expect(r.outputs['to-version']).toBe('v2');
    expect(r.commands.filter((c) => c.command === 'add-mask').map((c) => c.message)).toContain('stub-token-0123456789');
    // KUBECONFIG is unset: kubectl found this stub through the kubeconfig input alone
    expect(kube.requests.some((q) => q.path === '/apis/apps/v1/namespaces/ml/deployments/model-server')).toBe(true);
    expect(r.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::') && l.includes('stub-token-0123456789'))).toEqual([]);
    expect((await readdir(join(r.dir, 'runner-temp'))).filter((f) => f.startsWith('ml-gate-kubeconfig'))).toEqual([]);
  });
});

describe('fail closed: what serves, ledger contention, secrets (real kubectl)', () => {
  it('after a rollout that timed out, the same alert again fails saying what serves (not "v2 is live"); an explicit version goes ahead from v3', async () => {
    const { kube, kubeconfig } = await cluster();
    kube.setRollout('model-server', 'stuck', NS);
    seedLedger(kube, [rel(1, 'v1'), rel(2, 'v2'), rel(3, 'v3')]);
    const env = { KUBECONFIG: kubeconfig };
    const alert = { ...K8S, mode: 'rollback', 'expected-current': 'v3' };
    await expectFailure(await run({ ...alert, 'rollout-timeout': '1s' }, { env }), 'failed', 'The rollout of v2 did not complete');
    // the spec says v2; v3's ReplicaSet still serves every replica, v2's never became available
    expect(kube.image('model-server', 'server', NS)).toBe(`${REPO}:v2`);
    expect(kube.serving('model-server', 'server', NS)).toEqual({ [`${REPO}:v3`]: 2 });
    const writes = kube.writes().length;

    const again = await run(alert, { env });
    const { report } = await expectFailure(
      again,
      'error',
      'No single version serves deployment ml/model-server, container server: its rollout is not complete (1 of 2 replicas updated).',
      "Serving: v3 on 2 replicas; v2 (its spec's version) on none.",
      'needs input version',
    );
    expect(report.error.input).toBe('version');
    expect(report.live.unsettled.versions.map((v: any) => [v.version, v.available])).toEqual([
      ['v3', 2],
      ['v2', 0],
    ]);
    await expectFailure(await run({ ...K8S, mode: 'rollback' }, { env }), 'error', 'No single version serves');
    expect(kube.writes()).toHaveLength(writes);

    kube.setRollout('model-server', 'complete', NS);
    const explicit = await run({ ...alert, version: 'v1' }, { env });
    expectOk(explicit);
    expect(explicit.outputs).toMatchObject({ status: 'rolled-back', 'from-version': 'v3', 'to-version': 'v1', version: 'v1' });
    expect(kube.serving('model-server', 'server', NS)).toEqual({ [`${REPO}:v1`]: 2 });
    expect(ledgerEvents(kube).at(-1)).toMatchObject({ type: 'rollback', from: 'v3', to: 'v1', outcome: 'succeeded' });
  });

  it('eight records at once (eight runs of the bundle): all land, the races retried with backoff', async () => {
    const { kube, kubeconfig } = await cluster();
    const versions = ['v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7', 'v8'];
    const runs = await Promise.all(versions.map((v) => run({ ...K8S, mode: 'record', version: v }, { env: { KUBECONFIG: kubeconfig } })));
    for (const r of runs) expectOk(r);
    expect(
      ledgerEvents(kube)
        .map((e) => e.version)
        .sort(),
    ).toEqual(versions);
    expect(ledgerEvents(kube).map((e) => e.id)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
  });

  it('401 from GitHub (an expired personal access token): the hint fits the status and names github-token', async () => {
    const gh = await github({ tokens: ['ghs_theWorkflowToken000000000000000000'] });
    const r = await run(
      { environment: 'production', mode: 'record', version: 'v1' },
      { apiUrl: gh.url, token: 'github_pat_expired0000000000000000000000' },
    );
    const { report, message } = await expectFailure(
      r,
      'error',
      'HTTP 401: Bad credentials',
      'the token in github-token',
      'invalid or expired',
    );
    expect(report.error.input).toBe('github-token');
    expect(message).not.toContain('permissions');
  });

  it('a model that is a FIFO: refused at once', async () => {
    const gh = await github();
    const workspace = await mkdtemp(join(w.root, 'ws-'));
    execFileSync('mkfifo', [join(workspace, 'model.onnx')]);
    const r = await run({ environment: 'production', mode: 'record', version: 'v1', model: 'model.onnx' }, { apiUrl: gh.url, workspace });
    await expectFailure(r, 'error', "Input model is 'model.onnx', which is not a file. It is a FIFO (named pipe)");
    expect(gh.requests).toEqual([]);
  });
});

describe('bad inputs: one error annotation naming the input, no stack trace, a report', () => {
  const cases: [string, Record<string, string>, string[]][] = [
    ['mode missing', { environment: 'production' }, ['Input mode is required']],
    ['mode unknown', { mode: 'undo', environment: 'production' }, ["Input mode is 'undo'; expected one of: record, rollback."]],
    ['environment missing', { mode: 'rollback' }, ['Input environment is required']],
    ['record without version', { mode: 'record', environment: 'production' }, ['Input version is required with mode: record']],
    ['version with a space', recordV1({ version: 'v 1' }), ["Input version is 'v 1'; expected an image tag"]],
    ['expected-current with a slash', rollbackX({ 'expected-current': 'a/b' }), ["Input expected-current is 'a/b'"]],
    [
      'image with a tag',
      recordV1({ image: 'ghcr.io/o/s:v1' }),
      ["Input image is 'ghcr.io/o/s:v1'; expected an image repository without tag"],
    ],
    ['rollout-timeout not a duration', rollbackX({ 'rollout-timeout': 'soon' }), ["Input rollout-timeout is 'soon'"]],
    ['rollout-timeout too long', rollbackX({ 'rollout-timeout': '7h' }), ["Input rollout-timeout is '7h'", 'from 1s to 6h']],
    ['ledger-timeout not a duration', recordV1({ 'ledger-timeout': 'soon' }), ["Input ledger-timeout is 'soon'", 'from 1s to 1h']],
    ['ledger unknown', rollbackIn({ ledger: 'redis' }), ["Input ledger is 'redis'; expected one of: github-deployments, configmap."]],
    ['target unknown', rollbackIn({ target: 'helm' }), ["Input target is 'helm'; expected one of: kubernetes, command."]],
    ['kubernetes without deployment', rollbackIn(), ['Input deployment is required with target: kubernetes']],
    ['deployment not a name', rollbackIn({ deployment: 'Model_Server' }), ["Input deployment is 'Model_Server'"]],
    ['command target without command', rollbackIn({ target: 'command' }), ['Input command is required with target: command']],
    ['dry-run not a boolean', rollbackX({ 'dry-run': 'maybe' }), ["Input dry-run is 'maybe'; expected true or false."]],
    [
      'configmap environment with a space',
      { mode: 'record', environment: 'prod east', ledger: 'configmap', version: 'v1' },
      ["Input environment is 'prod east'"],
    ],
    ['model that is a directory', recordV1({ model: '.' }), ["Input model is '.', which is not a file."]],
    ['model that does not exist', recordV1({ model: 'missing.onnx' }), ["Input model is 'missing.onnx', which does not exist."]],
  ];
  for (const [name, inputs, words] of cases) {
    it(name, async () => {
      const gh = await github();
      const r = await run(inputs, { apiUrl: gh.url });
      const { report } = await expectFailure(r, 'error', ...words);
      expect(report.error.input).toBeTruthy();
      expect(words[0]).toContain(report.error.input);
      expect(gh.requests).toEqual([]);
    });
  }

  it('several containers and no container input: the error lists them', async () => {
    const { kube, kubeconfig } = await cluster();
    seedLedger(kube, [rel(1, 'v2'), rel(2, 'v3')]);
    const noContainer: Record<string, string> = { ...K8S };
    delete noContainer.container;
    const r = await run({ ...noContainer, mode: 'rollback' }, { env: { KUBECONFIG: kubeconfig } });
    await expectFailure(
      r,
      'error',
      "Deployment model-server has 2 containers (server, proxy): name the model server's in input container.",
    );
    expect(kube.writes()).toEqual([]);
  });

  it("a deployment that does not exist: kubectl's NotFound, naming the input", async () => {
    const { kube, kubeconfig } = await cluster();
    seedLedger(kube, [rel(1, 'v2'), rel(2, 'v3')]);
    const r = await run({ ...K8S, mode: 'rollback', deployment: 'nope' }, { env: { KUBECONFIG: kubeconfig } });
    const { report } = await expectFailure(r, 'error', 'Reading deployment nope failed', 'deployments.apps "nope" not found');
    expect(report.error.input).toBe('deployment');
  });
});

describe('github-deployments ledger (GitHub API stand-in)', () => {
  const GH = { environment: 'production', ledger: 'github-deployments' };
  const payloads = (gh: GitHubDeploymentsStub) => gh.deployments.filter((d) => d.task === 'deploy:ml-gate').map((d) => d.payload as any);

  it('records releases as deployments, ignores the ones GitHub made for environment jobs, rolls back with kubectl', async () => {
    const gh = await github();
    const { kube, kubeconfig } = await cluster();
    // what GitHub Actions creates for a job with `environment: production`: not ours
    gh.seed({ environment: 'production', task: 'deploy', payload: {}, states: ['success'] });
    const env = { KUBECONFIG: kubeconfig };

    for (const v of ['v1', 'v2', 'v3']) {
      const r = await run(
        { ...GH, mode: 'record', version: v, image: REPO, verified: v === 'v2' ? 'false' : 'true' },
        { apiUrl: gh.url, env },
      );
      expectOk(r);
    }
    expect(payloads(gh).map((p) => [p.kind, p.version, p.image])).toEqual([
      ['release', 'v1', `${REPO}:v1`],
      ['release', 'v2', `${REPO}:v2`],
      ['release', 'v3', `${REPO}:v3`],
    ]);
    const posts = gh.writes().filter((w) => w.path === '/repos/owner/repo/deployments');
    expect(posts.map((p) => [p.body.ref, p.body.environment, p.body.task, p.body.auto_merge, p.body.required_contexts])).toEqual(
      Array(3).fill(['0123456789abcdef0123456789abcdef01234567', 'production', 'deploy:ml-gate', false, []]),
    );
    const ours = gh.deployments.filter((d) => d.task === 'deploy:ml-gate');
    expect(ours.map((d) => d.statuses.map((s) => s.state))).toEqual([['success'], ['in_progress'], ['success']]);
    expect(ours[0].statuses[0].log_url).toBe('https://github.com/owner/repo/actions/runs/1');

    // v2 was never verified: the rollback from v3 goes to v1
    const r = await run(
      { ...GH, ...K8S, ledger: 'github-deployments', mode: 'rollback', reason: 'bad predictions', trigger: 'alert' },
      { apiUrl: gh.url, env },
    );
    expectOk(r);
    expect(r.outputs).toMatchObject({ 'from-version': 'v3', 'to-version': 'v1', 'rolled-back': 'true' });
    expect(kube.image('model-server', 'server', NS)).toBe(`${REPO}:v1`);
    const rollbackDeployment = gh.deployments.at(-1)!;
    expect(rollbackDeployment.task).toBe('deploy:ml-gate');
    expect(rollbackDeployment.payload).toMatchObject({
      kind: 'rollback',
      from: 'v3',
      to: 'v1',
      reason: 'bad predictions',
      trigger: 'alert',
      outcome: 'succeeded',
    });
    expect(rollbackDeployment.statuses.map((s) => [s.state, s.description])).toEqual([
      ['success', 'Rolled back: v3 -> v1: bad predictions'],
    ]);
    expect((await readReport(r)).skipped).toEqual([{ version: 'v2', why: 'never verified' }]);

    // the same alert again (expected-current v3): no-op, no request that writes
    const writes = gh.writes().length;
    const again = await run(
      { ...GH, ...K8S, ledger: 'github-deployments', mode: 'rollback', 'expected-current': 'v3' },
      { apiUrl: gh.url, env },
    );
    expectOk(again);
    expect(again.outputs).toMatchObject({ status: 'no-op', 'rolled-back': 'false', version: 'v1' });
    expect(gh.writes()).toHaveLength(writes);
    expect((await readReport(again)).explanation).toContain('v3 was already rolled back to v1');
  });

  it('verifying a recorded release adds a success status to the same deployment', async () => {
    const gh = await github();
    expectOk(await run({ ...GH, mode: 'record', version: 'v7', verified: 'false' }, { apiUrl: gh.url }));
    expectOk(await run({ ...GH, mode: 'record', version: 'v7' }, { apiUrl: gh.url }));
    expect(gh.deployments).toHaveLength(1);
    expect(gh.deployments[0].statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
  });

  it('a read-only token: a clear error naming github-token and the permission', async () => {
    const gh = await github({ writable: false });
    const r = await run({ ...GH, mode: 'record', version: 'v1' }, { apiUrl: gh.url });
    const { report } = await expectFailure(r, 'error', 'HTTP 403', 'deployments: write');
    expect(report.error.input).toBe('github-token');
  });

  it('dry-run against GitHub: reads only', async () => {
    const gh = await github();
    const r = await run({ ...GH, mode: 'record', version: 'v1', 'dry-run': 'true' }, { apiUrl: gh.url });
    expectOk(r);
    expect(r.outputs.status).toBe('dry-run');
    expect(gh.requests.length).toBeGreaterThan(0);
    expect(gh.writes()).toEqual([]);
  });
});

describe('command target', () => {
  const GH = { environment: 'staging', ledger: 'github-deployments', target: 'command' };

  async function deployScript(workspace: string, exitCode = 0): Promise<void> {
    // writes what it was given to deployed.json: the version comes in the environment, not as an argument
    await writeFile(
      join(workspace, 'deploy.mjs'),
      [
        "import { writeFileSync } from 'node:fs';",
        'const e = process.env;',
        "writeFileSync('deployed.json', JSON.stringify({ argv: process.argv.slice(2), version: e.ML_GATE_VERSION, from: e.ML_GATE_FROM_VERSION, image: e.ML_GATE_IMAGE, environment: e.ML_GATE_ENVIRONMENT }));",
        "console.log('deploying ' + e.ML_GATE_VERSION);",
        `process.exit(${exitCode});`,
      ].join('\n'),
    );
  }

  it("runs the command without a shell, the version in ML_GATE_VERSION; the live version is the ledger's", async () => {
    const gh = await github();
    const workspace = await mkdtemp(join(w.root, 'ws-'));
    await deployScript(workspace);
    for (const v of ['2026.01.1', '2026.01.2'])
      expectOk(await run({ ...GH, mode: 'record', version: v, image: REPO }, { apiUrl: gh.url, workspace }));
    // `$HOME;` and the quotes reach the script as plain words: no shell interprets them
    const r = await run(
      { ...GH, mode: 'rollback', command: `node deploy.mjs staging '$HOME; echo hi' "a b"` },
      { apiUrl: gh.url, workspace },
    );
    expectOk(r);
    expect(r.outputs).toMatchObject({ 'from-version': '2026.01.2', 'to-version': '2026.01.1', 'rolled-back': 'true' });
    const deployed = JSON.parse(await readFile(join(workspace, 'deployed.json'), 'utf8'));
    expect(deployed).toEqual({
      argv: ['staging', '$HOME; echo hi', 'a b'],
      version: '2026.01.1',
      from: '2026.01.2',
      image: `${REPO}:2026.01.1`,
      environment: 'staging',
    });
    expect(r.stdout).toContain('deploying 2026.01.1');
    const report = await readReport(r);
    expect(report.live.source).toContain("the ledger's last entry");
    expect(report.target.commands).toEqual([
      `ML_GATE_VERSION=2026.01.1 ML_GATE_FROM_VERSION=2026.01.2 ML_GATE_IMAGE=${REPO}:2026.01.1 ML_GATE_COMMIT=0123456789abcdef0123456789abcdef01234567 ML_GATE_ENVIRONMENT=staging node deploy.mjs staging '$HOME; echo hi' 'a b'`,
    ]);
  });

  it('a failing command fails the step and is recorded as a failed rollback', async () => {
    const gh = await github();
    const workspace = await mkdtemp(join(w.root, 'ws-'));
    await deployScript(workspace, 3);
    for (const v of ['v1', 'v2']) expectOk(await run({ ...GH, mode: 'record', version: v }, { apiUrl: gh.url, workspace }));
    const r = await run({ ...GH, mode: 'rollback', command: 'node deploy.mjs' }, { apiUrl: gh.url, workspace });
    await expectFailure(r, 'failed', 'The command that deploys v1 failed (exit code 3)', 'deploying v1');
    const last = gh.deployments.at(-1)!;
    expect(last.payload).toMatchObject({ kind: 'rollback', from: 'v2', to: 'v1', outcome: 'failed' });
    expect(last.statuses.map((s) => s.state)).toEqual(['failure']);
  });

  it('after a failed rollback the live version is unknown: the same alert again fails asking for version; an explicit version retries', async () => {
    const gh = await github();
    const workspace = await mkdtemp(join(w.root, 'ws-'));
    await deployScript(workspace, 3);
    for (const v of ['v1', 'v2', 'v3']) expectOk(await run({ ...GH, mode: 'record', version: v }, { apiUrl: gh.url, workspace }));
    await expectFailure(
      await run({ ...GH, mode: 'rollback', command: 'node deploy.mjs', 'expected-current': 'v3' }, { apiUrl: gh.url, workspace }),
      'failed',
    );
    expect(gh.deployments.at(-1)!.payload).toMatchObject({ kind: 'rollback', from: 'v3', to: 'v2', outcome: 'failed' });
    const count = gh.deployments.length;

    await rm(join(workspace, 'deployed.json'), { force: true }); // written by the failed run
    await deployScript(workspace, 0);
    // the same alert again: not a green no-op (v2 is not known to serve)
    const again = await run(
      { ...GH, mode: 'rollback', command: 'node deploy.mjs', 'expected-current': 'v3' },
      { apiUrl: gh.url, workspace },
    );
    const { report } = await expectFailure(
      again,
      'error',
      'The version serving is unknown: the last rollback, from v3 to v2',
      'Give input version',
    );
    expect(report.error.input).toBe('version');
    // without expected-current: not on to v1 either
    const bare = await run({ ...GH, mode: 'rollback', command: 'node deploy.mjs' }, { apiUrl: gh.url, workspace });
    await expectFailure(bare, 'error', 'The version serving is unknown');
    expect(gh.deployments.length).toBe(count);
    expect(existsSync(join(workspace, 'deployed.json'))).toBe(false);

    // a person who checked gives the version: the failed rollback is retried
    const retry = await run({ ...GH, mode: 'rollback', command: 'node deploy.mjs', version: 'v2' }, { apiUrl: gh.url, workspace });
    expectOk(retry);
    expect(retry.outputs).toMatchObject({ 'from-version': 'v3', 'to-version': 'v2', 'rolled-back': 'true', version: 'v2' });
    expect(JSON.parse(await readFile(join(workspace, 'deployed.json'), 'utf8'))).toMatchObject({ version: 'v2', from: 'v3' });
    expect(gh.deployments.at(-1)!.payload).toMatchObject({ kind: 'rollback', from: 'v3', to: 'v2', outcome: 'succeeded' });
  });
});
