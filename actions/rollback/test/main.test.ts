// In-process tests of actions/rollback/src (run() called directly with the runner's environment,
// test/run-action.ts): they test the source, whether or not dist/ was rebuilt. As in e2e.test.ts,
// the REAL kubectl talks to the loopback Kubernetes API stand-in through a kubeconfig written per
// test, and the github-deployments ledger to the GitHub Deployments stand-in; both record every
// request, so "nothing changed" is "no write request reached them". Expected versions, images and
// ledger entries are written out by hand, never taken from the code under test.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { gitHubErrors } from '../../../test/github-deployments-stub.js';
import { readReport, runInProcess, type ActionRun, type InProcessOptions } from '../../../test/run-action.js';
import { newRollbackReport, runRelease, type ReleaseConfig, type RollbackReport } from '@ml-gate/core/release';
import { run } from '../src/main.js';
import {
  CM,
  deploymentPatches,
  expectFailure,
  expectOk,
  K8S,
  ledgerEvents,
  NS,
  recordV1,
  rel,
  recordThreeReleases,
  rollBackForAlert,
  rollbackIn,
  rollbackX,
  REPO,
  RUN_URL,
  seedLedger,
  SHA,
  world,
} from './world.js';

const w = world('rollback-main-');
const { cluster, github } = w;

function rollback(inputs: Record<string, string>, options: Partial<InProcessOptions> = {}): Promise<ActionRun> {
  return runInProcess(run, { name: 'rollback', tempDir: w.root, ...options, inputs, env: { HOME: w.home, ...options.env } });
}

describe('configmap ledger + kubernetes target', () => {
  it('records three releases, then rolls back from v3 to v2', async () => {
    const { kube, env, workspace } = await recordThreeReleases(w, rollback);
    expect(deploymentPatches(kube)).toEqual([]);
    const recorded = ledgerEvents(kube);
    expect(recorded.map((e) => [e.type, e.id, e.version, e.verified, e.image, e.commit, e.runUrl])).toEqual([
      ['release', '1', 'v1', true, `${REPO}:v1`, SHA, RUN_URL],
      ['release', '2', 'v2', true, `${REPO}:v2`, SHA, RUN_URL],
      ['release', '3', 'v3', true, `${REPO}:v3`, SHA, RUN_URL],
    ]);
    // the full SHA-256 (64 hex digits) in the ledger and in the JSON report
    const modelSha256 = createHash('sha256').update('model bytes of v2').digest('hex');
    expect(recorded[1].modelSha256).toBe(modelSha256);

    const r = await rollBackForAlert(kube, rollback, { env, workspace });
    expect(deploymentPatches(kube)).toHaveLength(1);
    const report = await readReport(r);
    expect(report.ledger.events[1].modelSha256).toBe(modelSha256);
    expect(report.ledger.entryWritten).toBe(true);
    expect(report.target.commands).toEqual([
      `kubectl --namespace ml set image deployment/model-server server=${REPO}:v2`,
      'kubectl --namespace ml rollout status deployment/model-server --timeout=20s',
    ]);
    expect(report.run).toEqual({ commit: SHA, commitUrl: `https://github.com/owner/repo/commit/${SHA}`, runUrl: RUN_URL });
    expect(r.summary.startsWith('## ⏪ Rolled back (production): v3 → v2')).toBe(true);
    // the summary ends with the commit and the run
    expect(r.summary.trimEnd().split('\n').at(-1)).toBe(
      `<sub>Commit [\`0123456789ab\`](https://github.com/owner/repo/commit/${SHA}) · [workflow run](${RUN_URL})</sub>`,
    );
    expect(r.stdout).toContain(`$ kubectl --namespace ml set image deployment/model-server server=${REPO}:v2`);
  });

  it('a re-run of the same record is a no-op; a version rolled away from is recorded again with a warning', async () => {
    const { kube, kubeconfig } = await cluster();
    seedLedger(kube, [
      rel(1, 'v2'),
      rel(2, 'v3'),
      {
        type: 'rollback',
        id: '3',
        from: 'v3',
        to: 'v2',
        reason: 'latency',
        trigger: 't',
        at: '2026-01-03T10:00:00.000Z',
        outcome: 'succeeded',
      },
    ]);
    const env = { KUBECONFIG: kubeconfig };
    const again = await rollback({ ...K8S, mode: 'record', version: 'v3' }, { env });
    expectOk(again);
    expect(again.outputs.status).toBe('recorded');
    expect(again.warnings.map((w) => [w.properties.title, w.message])).toEqual([
      ['rollback', 'v3 was rolled away from at 2026-01-03T10:00:00.000Z (latency); recording it again makes it a rollback target again.'],
    ]);
    const rerun = await rollback({ ...K8S, mode: 'record', version: 'v3' }, { env });
    expectOk(rerun);
    expect(rerun.outputs.status).toBe('no-op');
    expect(ledgerEvents(kube).map((e) => e.type)).toEqual(['release', 'release', 'rollback', 'release']);
  });

  it('dry run changes nothing: the commands and the ledger entry are what a real run would do', async () => {
    const { kube, kubeconfig } = await cluster();
    seedLedger(kube, [rel(1, 'v1'), rel(2, 'v2', false), rel(3, 'v3')]);
    const env = { KUBECONFIG: kubeconfig };
    const r = await rollback({ ...K8S, mode: 'rollback', 'dry-run': 'true', reason: 'drill' }, { env });
    expectOk(r);
    expect(r.outputs).toMatchObject({ status: 'dry-run', 'from-version': 'v3', 'to-version': 'v1', 'rolled-back': 'false', version: 'v3' });
    const report = await readReport(r);
    expect(report.explanation).toBe(
      'Dry run: Rolling back from v3 to v1, the newest verified version older than the live v3. Skipped: v2 (never verified). ' +
        'Nothing was changed; the commands and the ledger entry below are what a real run would do.',
    );
    expect(report.target.ran).toBe(false);
    expect(report.ledger).toMatchObject({
      entryWritten: false,
      entry: { type: 'rollback', from: 'v3', to: 'v1', reason: 'drill', outcome: 'succeeded' },
    });
    expect(r.summary).toContain('Commands that would run:');
    expect(r.summary).toContain('Ledger entry that would be written:');

    const record = await rollback({ ...K8S, mode: 'record', version: 'v4', 'dry-run': 'true' }, { env });
    expectOk(record);
    expect(record.outputs.status).toBe('dry-run');
    expect((await readReport(record)).explanation).toBe(
      `Dry run: v4 would be recorded as verified in ConfigMap ml/${CM}, key production.json. Nothing was written.`,
    );
    const verify = await rollback({ ...K8S, mode: 'record', version: 'v3', 'dry-run': 'true' }, { env });
    expectOk(verify);
    expect(verify.outputs.status).toBe('no-op'); // v3 is recorded as verified already

    expect(kube.writes()).toEqual([]);
    expect(kube.image('model-server', 'server', NS)).toBe(`${REPO}:v3`);
    expect(ledgerEvents(kube)).toHaveLength(3);
  });

  it('dry run of marking a recorded release verified writes nothing; the real run updates it in place', async () => {
    const { kube, kubeconfig } = await cluster();
    seedLedger(kube, [rel(1, 'v5', false)]);
    const env = { KUBECONFIG: kubeconfig };
    const dry = await rollback({ ...K8S, mode: 'record', version: 'v5', 'dry-run': 'true' }, { env });
    expectOk(dry);
    expect((await readReport(dry)).explanation).toBe(
      'Dry run: v5 was recorded at 2026-01-01T10:00:00.000Z; it would be marked verified. Nothing was written.',
    );
    expect(kube.writes()).toEqual([]);
    const real = await rollback({ ...K8S, mode: 'record', version: 'v5' }, { env });
    expectOk(real);
    expect((await readReport(real)).explanation).toBe('v5 was recorded at 2026-01-01T10:00:00.000Z; it is now marked verified.');
    expect(ledgerEvents(kube)).toMatchObject([{ id: '1', version: 'v5', verified: true, verifiedRunUrl: RUN_URL }]);
  });

  it('a rollout that does not finish is recorded as a failed rollback and fails the step', async () => {
    const { kube, kubeconfig } = await cluster();
    kube.setRollout('model-server', 'stuck', NS);
    seedLedger(kube, [rel(1, 'v2'), rel(2, 'v3')]);
    const r = await rollback({ ...K8S, mode: 'rollback', 'rollout-timeout': '2s', reason: 'alert' }, { env: { KUBECONFIG: kubeconfig } });
    const { report } = await expectFailure(
      r,
      'failed',
      'The rollout of v2 did not complete',
      '--timeout=2s',
      'not rolled back again to v3',
    );
    // changed but not rolled out: no single version is known to serve, so none is named
    expect(r.outputs).toMatchObject({ 'from-version': 'v3', 'to-version': 'v2', version: '' });
    expect(deploymentPatches(kube)).toHaveLength(1);
    const last = ledgerEvents(kube).at(-1);
    expect(last).toMatchObject({ type: 'rollback', from: 'v3', to: 'v2', reason: 'alert', outcome: 'failed' });
    expect(last.detail).toContain('timed out waiting for the condition');
    expect(report.ledger.entryWritten).toBe(true);
    expect(report.target.ran).toBe(true);
    // the explanation keeps what was decided before the error
    expect(report.explanation).toMatch(
      /^Rolling back from v3 to v2, the newest verified version older than the live v3\. The rollout of v2 did not complete/,
    );
    expect(r.summary.startsWith('## ❌ Rollback failed (production): v3 → v2')).toBe(true);
  });

  it('a ConfigMap key that is not a ledger: the error names the ledger and input ledger-configmap', async () => {
    const { kube, kubeconfig } = await cluster();
    kube.addConfigMap(CM, { 'production.json': '{"events": [' }, NS);
    const r = await rollback({ ...K8S, mode: 'rollback' }, { env: { KUBECONFIG: kubeconfig } });
    const { report } = await expectFailure(
      r,
      'error',
      `The ledger ConfigMap ml/${CM}, key production.json is not valid JSON (`,
      'Fix or remove that key',
    );
    expect(report.error.input).toBe('ledger-configmap');
    expect(kube.writes()).toEqual([]);
  });
});

describe('after a rollout that timed out: live is what serves, not what the spec asks for', () => {
  /**
   * v1, v2, v3 recorded, v3 live; an alert about v3 rolls back to v2, whose rollout times out: the
   * new ReplicaSet never becomes available. The spec then says v2 while v3's pods still serve.
   */
  async function failedRollout() {
    const { kube, kubeconfig } = await cluster();
    kube.setRollout('model-server', 'stuck', NS);
    seedLedger(kube, [rel(1, 'v1'), rel(2, 'v2'), rel(3, 'v3')]);
    const env = { KUBECONFIG: kubeconfig };
    const first = await rollback({ ...K8S, mode: 'rollback', 'expected-current': 'v3', 'rollout-timeout': '1s', reason: 'alert' }, { env });
    await expectFailure(first, 'failed', 'The rollout of v2 did not complete');
    expect(kube.image('model-server', 'server', NS)).toBe(`${REPO}:v2`);
    expect(kube.serving('model-server', 'server', NS)).toEqual({ [`${REPO}:v3`]: 2 });
    expect(ledgerEvents(kube).at(-1)).toMatchObject({ type: 'rollback', from: 'v3', to: 'v2', outcome: 'failed' });
    return { kube, env, writes: kube.writes().length };
  }

  const SERVING =
    'No single version serves deployment ml/model-server, container server: its rollout is not complete (1 of 2 replicas updated). ' +
    "Serving: v3 on 2 replicas; v2 (its spec's version) on none. Nothing was changed";

  it('the same alert again is not a green no-op ("v2 is live"): it fails, saying which versions serve', async () => {
    const { kube, env, writes } = await failedRollout();
    const r = await rollback({ ...K8S, mode: 'rollback', 'expected-current': 'v3' }, { env });
    const { report } = await expectFailure(r, 'error', SERVING, 'needs input version', 'v2 is the one its rollout is stuck on');
    expect(report.error.input).toBe('version');
    expect(report.live).toMatchObject({
      version: '(no single version)',
      aliases: [],
      unsettled: {
        versions: [
          { version: 'v3', available: 2, asked: false },
          { version: 'v2', available: 0, asked: true },
        ],
      },
    });
    expect(r.outputs).toMatchObject({ 'from-version': '', 'to-version': '', version: '' });
    expect(kube.writes()).toHaveLength(writes);
    expect(r.stdout).toContain('$ kubectl --namespace ml get replicasets -l app=model-server -o json');
  });

  it('without expected-current it does not go on from v2 to v1 (saying v2 came back): it fails the same way', async () => {
    const { kube, env, writes } = await failedRollout();
    const r = await rollback({ ...K8S, mode: 'rollback' }, { env });
    await expectFailure(r, 'error', SERVING);
    expect(kube.writes()).toHaveLength(writes);
    expect(kube.image('model-server', 'server', NS)).toBe(`${REPO}:v2`);
  });

  it('an explicit version goes ahead, from what serves (v3); expected-current is checked against what serves', async () => {
    const { kube, env, writes } = await failedRollout();
    const gone = await rollback({ ...K8S, mode: 'rollback', version: 'v1', 'expected-current': 'v2' }, { env });
    const { report: refused } = await expectFailure(
      gone,
      'error',
      'Input expected-current is v2, which is not among the versions serving deployment',
    );
    expect(refused.error.input).toBe('expected-current');
    expect(kube.writes()).toHaveLength(writes);

    kube.setRollout('model-server', 'complete', NS); // the next rollout can complete
    const r = await rollback({ ...K8S, mode: 'rollback', version: 'v1', 'expected-current': 'v3', reason: 'v2 never came up' }, { env });
    expectOk(r);
    expect(r.outputs).toMatchObject({
      status: 'rolled-back',
      'from-version': 'v3',
      'to-version': 'v1',
      'rolled-back': 'true',
      version: 'v1',
    });
    expect((await readReport(r)).explanation).toMatch(
      /^Rolling back from v3 to v1, as asked: no single version serves deployment ml\/model-server/,
    );
    expect(kube.serving('model-server', 'server', NS)).toEqual({ [`${REPO}:v1`]: 2 });
    expect(ledgerEvents(kube).at(-1)).toMatchObject({ type: 'rollback', from: 'v3', to: 'v1', outcome: 'succeeded' });
  });
});

describe('ledger writes under contention (configmap ledger)', () => {
  /** The config of a record of `version` into the ConfigMap ledger (what readConfig makes of the inputs). */
  function recordConfig(version: string, kubeconfig: string): ReleaseConfig {
    return {
      mode: 'record',
      environment: 'production',
      version,
      expectedCurrent: '',
      reason: '',
      trigger: '',
      verified: true,
      image: REPO,
      model: '',
      commit: SHA,
      ledger: 'configmap',
      ledgerConfigMap: CM,
      ledgerTimeoutSeconds: 60,
      target: 'kubernetes',
      deployment: '',
      container: '',
      namespace: NS,
      context: '',
      kubeconfig,
      rolloutTimeoutSeconds: 300,
      command: '',
      dryRun: false,
      token: '',
    };
  }

  it('eight records at once all land: a write that lost the race (409 Conflict) is read again and retried with backoff', async () => {
    const { kube, kubeconfig } = await cluster();
    seedLedger(kube, [rel(1, 'v0')]);
    const text = await readFile(kubeconfig, 'utf8');
    const versions = ['v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7', 'v8'];
    const runner = {
      info() {},
      warning() {},
      setSecret() {},
      repository: 'owner/repo',
      tempDir: w.root,
      run: { commit: SHA, runUrl: RUN_URL },
    };
    const savedHome = process.env.HOME;
    process.env.HOME = w.home; // kubectl's discovery cache, not in the real HOME
    let reports: RollbackReport[];
    try {
      reports = await Promise.all(
        versions.map(async (v) => {
          const report = newRollbackReport();
          await runRelease(recordConfig(v, text), report, runner);
          return report;
        }),
      );
    } finally {
      process.env.HOME = savedHome;
    }
    expect(reports.map((r) => [r.status, r.error])).toEqual(versions.map(() => ['recorded', undefined]));
    const events = ledgerEvents(kube);
    expect(events.map((e) => e.version).sort()).toEqual(['v0', ...versions]);
    expect(events.map((e) => e.id)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9']);
    // they did race: some writes were refused for a stale resourceVersion, and retried
    const patches = kube.requests.filter((q) => q.method === 'PATCH' && q.path === `/api/v1/namespaces/${NS}/configmaps/${CM}`);
    expect(patches.filter((q) => q.status === 409).length).toBeGreaterThan(0);
    expect(patches.filter((q) => q.status === 200)).toHaveLength(8);
  });

  it('a write that loses every race until ledger-timeout fails naming ledger-timeout, with what was tried', async () => {
    const conflict = {
      status: 409,
      reason: 'Conflict',
      message: `Operation cannot be fulfilled on configmaps "${CM}": the object has been modified; please apply your changes to the latest version and try again`,
    };
    const { kube, kubeconfig } = await cluster(`${REPO}:v3`, {
      fail: (q) => (q.method === 'PATCH' && q.path.endsWith(`/configmaps/${CM}`) ? conflict : undefined),
    });
    seedLedger(kube, [rel(1, 'v1')]);
    const r = await rollback({ ...K8S, mode: 'record', version: 'v2', 'ledger-timeout': '2s' }, { env: { KUBECONFIG: kubeconfig } });
    const { report } = await expectFailure(
      r,
      'error',
      `Writing the ledger (ConfigMap ml/${CM}, key production.json) failed: other writers changed it first every time (gave up after `,
      'input ledger-timeout',
      'the object has been modified',
      'a concurrency group',
    );
    expect(report.error.input).toBe('ledger-timeout');
    const patches = kube.requests.filter((q) => q.method === 'PATCH');
    expect(patches.length).toBeGreaterThan(2);
    expect(ledgerEvents(kube)).toHaveLength(1);
  });
});

describe('github-deployments ledger', () => {
  const GH = { environment: 'production', ledger: 'github-deployments' };

  it('records releases as deployments and rolls back with kubectl, recording the rollback', async () => {
    const gh = await github();
    const { kube, kubeconfig } = await cluster();
    const env = { KUBECONFIG: kubeconfig };
    for (const v of ['v1', 'v2', 'v3'])
      expectOk(
        await rollback(
          { ...GH, mode: 'record', version: v, image: REPO, verified: v === 'v2' ? 'false' : 'true' },
          { apiUrl: gh.url, env },
        ),
      );
    expect(gh.deployments.map((d) => [(d.payload as any).version, d.ref, d.statuses.map((s) => s.state)])).toEqual([
      ['v1', SHA, ['success']],
      ['v2', SHA, ['in_progress']],
      ['v3', SHA, ['success']],
    ]);
    const r = await rollback({ ...K8S, ...GH, mode: 'rollback', reason: 'bad predictions', trigger: 'alert' }, { apiUrl: gh.url, env });
    expectOk(r);
    expect(r.outputs).toMatchObject({ 'from-version': 'v3', 'to-version': 'v1', 'rolled-back': 'true' });
    expect(kube.image('model-server', 'server', NS)).toBe(`${REPO}:v1`);
    expect(gh.deployments.at(-1)!.payload).toMatchObject({
      kind: 'rollback',
      from: 'v3',
      to: 'v1',
      reason: 'bad predictions',
      outcome: 'succeeded',
      runUrl: RUN_URL,
    });
    expect((await readReport(r)).skipped).toEqual([{ version: 'v2', why: 'never verified' }]);
  });

  it('the token never shows in stdout, the summary or the report', async () => {
    const token = 'ghs_inProcessSecret0123456789abcdefXYZ';
    const gh = await github({ writable: false }); // the 403 puts an API error in every output
    const r = await rollback({ ...GH, mode: 'record', version: 'v1' }, { apiUrl: gh.url, token });
    const { report } = await expectFailure(r, 'error', 'HTTP 403', 'deployments: write');
    expect(report.error.input).toBe('github-token');
    expect(gh.requests.some((q) => q.headers.authorization === `token ${token}`)).toBe(true); // the token was used
    expect(r.commands.filter((c) => c.command === 'add-mask').map((c) => c.message)).toContain(token);
    expect(r.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::') && l.includes(token))).toEqual([]);
    expect(r.summary).not.toContain(token);
    expect(await readFile(join(r.workspace, r.outputs['report-path']), 'utf8')).not.toContain(token);
  });
});

describe('github-deployments ledger: each HTTP status gets the hint that fits it', () => {
  const GH = { environment: 'production', ledger: 'github-deployments', mode: 'record', version: 'v1' };

  it('401 (an expired personal access token): invalid or expired, names github-token, not permissions:', async () => {
    const gh = await github({ tokens: ['ghs_theWorkflowToken000000000000000000'] });
    const r = await rollback(GH, { apiUrl: gh.url, token: 'github_pat_expired0000000000000000000000' });
    const { report } = await expectFailure(r, 'error', 'HTTP 401: Bad credentials', 'the token in github-token', 'invalid or expired');
    expect(report.error.input).toBe('github-token');
    expect(r.errors[0].message).not.toContain('permissions');
    expect(gh.writes()).toEqual([]);
  });

  it('403 (a read-only token): permissions: deployments: write, or a fork', async () => {
    const gh = await github({ writable: false });
    const r = await rollback(GH, { apiUrl: gh.url });
    const { report } = await expectFailure(r, 'error', 'HTTP 403', '`permissions: deployments: write`', 'a pull request from a fork');
    expect(report.error.input).toBe('github-token');
  });

  it('404: the repository, for this token', async () => {
    const gh = await github({ fail: () => gitHubErrors.notFound() });
    const r = await rollback(GH, { apiUrl: gh.url });
    const { report } = await expectFailure(r, 'error', 'HTTP 404: Not Found', 'GitHub found no repository owner/repo (GITHUB_REPOSITORY)');
    expect(report.error.input).toBe('github-token');
  });

  it('422 (a ref GitHub does not know): the ref, naming input commit', async () => {
    const gh = await github({ refs: ['main'] });
    const r = await rollback({ ...GH, commit: 'deadbeef' }, { apiUrl: gh.url });
    const { report } = await expectFailure(
      r,
      'error',
      'HTTP 422: No ref found for: deadbeef',
      'GitHub could not create a deployment of deadbeef',
      'input commit',
    );
    expect(report.error.input).toBe('commit');
  });

  it('5xx on reads and a secondary rate limit (403 with retry-after) are retried, after the wait GitHub asks for', async () => {
    const reads = [gitHubErrors.serverError(502), gitHubErrors.serverError(503)];
    const creates = [gitHubErrors.secondaryRateLimit(1)];
    const gh = await github({
      fail: (q) => (q.path.endsWith('/deployments') ? (q.method === 'POST' ? creates.shift() : reads.shift()) : undefined),
    });
    const started = Date.now();
    const r = await rollback(GH, { apiUrl: gh.url });
    expectOk(r);
    expect(r.outputs.status).toBe('recorded');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000); // retry-after: 1 honoured
    const requests = gh.requests.filter((q) => q.path.endsWith('/deployments'));
    expect(requests.map((q) => `${q.method} ${q.status}`)).toEqual(['GET 502', 'GET 503', 'GET 200', 'POST 403', 'POST 201']);
    expect(gh.deployments.map((d) => (d.payload as any).version)).toEqual(['v1']);
  });

  it('a 5xx creating a deployment is not retried: GitHub may have created it, and a second would be a second entry', async () => {
    const creates = [gitHubErrors.serverError(502)];
    const gh = await github({ fail: (q) => (q.method === 'POST' && q.path.endsWith('/deployments') ? creates.shift() : undefined) });
    const r = await rollback(GH, { apiUrl: gh.url });
    await expectFailure(r, 'error', 'Creating a deployment', 'HTTP 502');
    expect(gh.requests.filter((q) => q.method === 'POST' && q.path.endsWith('/deployments')).map((q) => q.status)).toEqual([502]);
  });

  it('a GitHub that keeps failing until ledger-timeout: the error names ledger-timeout and what was tried', async () => {
    const gh = await github({ fail: () => gitHubErrors.serverError(503) });
    const r = await rollback({ ...GH, 'ledger-timeout': '2s' }, { apiUrl: gh.url });
    const { report } = await expectFailure(
      r,
      'error',
      'HTTP 503: Service Unavailable (gave up after',
      'input ledger-timeout',
      'githubstatus.com',
    );
    expect(report.error.input).toBe('ledger-timeout');
    expect(gh.requests.length).toBeGreaterThan(2);
  });

  it('a token quoted in an error body reaches neither the report, the summary, the outputs nor the log', async () => {
    const token = 'ghs_quotedInTheBody0123456789abcdefXYZ';
    const gh = await github({ fail: () => ({ status: 401, json: { message: `Bad credentials: token ${token} has expired` } }) });
    const r = await rollback(GH, { apiUrl: gh.url, token });
    await expectFailure(r, 'error', 'HTTP 401: Bad credentials: token *** has expired');
    expect(r.commands.filter((c) => c.command === 'add-mask').map((c) => c.message)).toContain(token);
    expect(r.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::') && l.includes(token))).toEqual([]);
    expect(r.summary).not.toContain(token);
    expect(JSON.stringify(r.outputs)).not.toContain(token);
    expect(await readFile(join(r.workspace, r.outputs['report-path']), 'utf8')).not.toContain(token);
  });
});

describe('command target', () => {
  it('a failing command fails the step and is recorded as a failed rollback', async () => {
    const gh = await github();
    const workspace = await mkdtemp(join(w.root, 'ws-'));
    await writeFile(join(workspace, 'deploy.mjs'), "console.log('deploying ' + process.env.ML_GATE_VERSION); process.exit(3);\n");
    const inputs = { environment: 'staging', target: 'command' };
    for (const v of ['v1', 'v2']) expectOk(await rollback({ ...inputs, mode: 'record', version: v }, { apiUrl: gh.url, workspace }));
    const r = await rollback({ ...inputs, mode: 'rollback', command: 'node deploy.mjs' }, { apiUrl: gh.url, workspace });
    await expectFailure(r, 'failed', 'The command that deploys v1 failed (exit code 3)', 'deploying v1');
    expect(r.stdout).toContain('deploying v1');
    expect(gh.deployments.at(-1)!.payload).toMatchObject({ kind: 'rollback', from: 'v2', to: 'v1', outcome: 'failed' });
  });

  it('a command with an unterminated quote names input command', async () => {
    const gh = await github();
    expectOk(await rollback({ environment: 'staging', mode: 'record', version: 'v1' }, { apiUrl: gh.url }));
    const r = await rollback({ environment: 'staging', target: 'command', mode: 'rollback', command: "deploy 'oops" }, { apiUrl: gh.url });
    const { report } = await expectFailure(r, 'error', "Input command is 'deploy 'oops': it has an unterminated ' quote.");
    expect(report.error.input).toBe('command');
  });
});

describe('kubeconfig input', () => {
  it('its token is masked, kubectl uses it, and the file is removed from RUNNER_TEMP', async () => {
    const { kube, kubeconfig } = await cluster();
    seedLedger(kube, [rel(1, 'v2'), rel(2, 'v3')]);
    const text = await readFile(kubeconfig, 'utf8');
    const r = await rollback({ ...K8S, mode: 'rollback', kubeconfig: text }, { env: { KUBECONFIG: undefined } });
    expectOk(r);
    expect(r.outputs['to-version']).toBe('v2');
    expect(kube.image('model-server', 'server', NS)).toBe(`${REPO}:v2`);
    expect(r.commands.filter((c) => c.command === 'add-mask').map((c) => c.message)).toContain('stub-token-0123456789');
    expect(r.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::') && l.includes('stub-token-0123456789'))).toEqual([]);
    expect(r.stdout).toMatch(
      /\$ kubectl --kubeconfig \S+ml-gate-kubeconfig-[0-9a-f]{12} --namespace ml get deployment model-server -o json/,
    );
    expect((await readdir(join(r.dir, 'runner-temp'))).filter((f) => f.startsWith('ml-gate-kubeconfig'))).toEqual([]);
  });
});

describe('kubeconfig input: every credential masked, not only token', () => {
  it('client-key-data over several lines, a password, a client secret, a server URL password, exec env secrets', async () => {
    const { kube, kubeconfig } = await cluster();
    seedLedger(kube, [rel(1, 'v2'), rel(2, 'v3')]);
    // the stand-in's own kubeconfig, and users and a cluster kubectl does not use but whose secrets are as secret
    const extra = [
      '- name: other',
      '  user:',
      '    client-certificate-data: Q0VSVElGSUNBVEU=',
      '    client-key-data: |',
      '      cHJpdmF0ZS1rZXktYnl0ZXMtb2Yt',
      '      YS11c2VyLW5vYm9keS1tYXktc2Vl',
      '    password: "hunter2-quoted"',
      '    auth-provider:',
      '      name: oidc',
      '      config: {client-secret: oidc-client-secret-1, id-token: eyJ.id.token}',
      '- name: aws',
      '  user:',
      '    exec:',
      '      command: aws',
      '      env:',
      '      - name: AWS_SECRET_ACCESS_KEY',
      '        value: wJalrXUtnFEMI-K7MDENG',
    ].join('\n');
    const text = (await readFile(kubeconfig, 'utf8')) + extra + '\n';
    const withCluster = text.replace(
      'clusters:\n',
      'clusters:\n- name: basic\n  cluster:\n    server: https://admin:s3cr3t-pw@k8s.example.com\n',
    );
    const r = await rollback({ ...K8S, mode: 'rollback', kubeconfig: withCluster }, { env: { KUBECONFIG: undefined } });
    expectOk(r);
    const masked = r.commands.filter((c) => c.command === 'add-mask').map((c) => c.message);
    const secrets = [
      'stub-token-0123456789',
      'cHJpdmF0ZS1rZXktYnl0ZXMtb2Yt', // each line of a value over several lines
      'YS11c2VyLW5vYm9keS1tYXktc2Vl',
      'hunter2-quoted',
      'oidc-client-secret-1',
      'eyJ.id.token',
      'wJalrXUtnFEMI-K7MDENG',
      's3cr3t-pw',
    ];
    expect(masked).toEqual(expect.arrayContaining(secrets));
    expect(masked).not.toContain('admin');
    const report = await readFile(join(r.workspace, r.outputs['report-path']), 'utf8');
    for (const secret of secrets) {
      expect(r.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::') && l.includes(secret))).toEqual([]);
      expect(report).not.toContain(secret);
    }
  });
});

describe('ledger entries are redacted before they are written', () => {
  it("a secret of this run in the reason (here the kubeconfig's token) is *** in the ConfigMap", async () => {
    const { kube, kubeconfig } = await cluster();
    seedLedger(kube, [rel(1, 'v2'), rel(2, 'v3')]);
    const text = await readFile(kubeconfig, 'utf8');
    const r = await rollback(
      { ...K8S, mode: 'rollback', kubeconfig: text, reason: 'pasted by mistake: stub-token-0123456789', trigger: 'alert' },
      { env: { KUBECONFIG: undefined } },
    );
    expectOk(r);
    expect(ledgerEvents(kube).at(-1)).toMatchObject({ type: 'rollback', reason: 'pasted by mistake: ***', trigger: 'alert' });
    expect(JSON.stringify(kube.configMapData(CM, NS))).not.toContain('stub-token-0123456789');
  });
});

describe('bad inputs: one error annotation naming the input', () => {
  const cases: [string, Record<string, string>, string, string][] = [
    ['mode unknown', { mode: 'undo', environment: 'production' }, "Input mode is 'undo'; expected one of: record, rollback.", 'mode'],
    ['record without version', { mode: 'record', environment: 'production' }, 'Input version is required with mode: record', 'version'],
    ['version with a space', recordV1({ version: 'v 1' }), "Input version is 'v 1'; expected an image tag", 'version'],
    [
      'image with a tag',
      recordV1({ image: 'ghcr.io/o/s:v1' }),
      "Input image is 'ghcr.io/o/s:v1'; expected an image repository without tag",
      'image',
    ],
    [
      'ledger-timeout not a duration',
      recordV1({ 'ledger-timeout': 'soon' }),
      "Input ledger-timeout is 'soon'; expected a duration from 1s to 1h",
      'ledger-timeout',
    ],
    [
      'rollout-timeout too long',
      rollbackX({ 'rollout-timeout': '7h' }),
      "Input rollout-timeout is '7h'; expected a duration from 1s to 6h",
      'rollout-timeout',
    ],
    ['kubernetes without deployment', rollbackIn(), 'Input deployment is required with target: kubernetes', 'deployment'],
    ['container not a name', rollbackX({ container: 'Server' }), "Input container is 'Server'; expected a container name", 'container'],
    [
      'model that is a directory',
      recordV1({ model: '.' }),
      "Input model is '.', which is not a file. It is a directory, expected the promoted model file (e.g. model.onnx), not its folder.",
      'model',
    ],
    ['model that does not exist', recordV1({ model: 'missing.onnx' }), "Input model is 'missing.onnx', which does not exist.", 'model'],
    [
      'model under a file',
      recordV1({ model: 'rollback_report.json/model.onnx' }),
      'which does not exist (a part of its path is not a directory)',
      'model',
    ],
  ];
  it('model that is a FIFO (named pipe): refused at once, not read forever', async () => {
    const gh = await github();
    const workspace = await mkdtemp(join(w.root, 'ws-'));
    execFileSync('mkfifo', [join(workspace, 'model.onnx')]);
    const r = await rollback(recordV1({ model: 'model.onnx' }), { apiUrl: gh.url, workspace });
    const { report } = await expectFailure(
      r,
      'error',
      "Input model is 'model.onnx', which is not a file. It is a FIFO (named pipe), expected the promoted model file (e.g. model.onnx).",
    );
    expect([report.error.input, report.error.file]).toEqual(['model', 'model.onnx']);
    expect(gh.requests).toEqual([]);
  });

  for (const [name, inputs, message, input] of cases) {
    it(name, async () => {
      const gh = await github();
      const workspace = await mkdtemp(join(w.root, 'ws-'));
      await writeFile(join(workspace, 'rollback_report.json'), '{}'); // a file where model's path wants a folder
      const r = await rollback(inputs, { apiUrl: gh.url, workspace });
      const { report } = await expectFailure(r, 'error', message);
      expect(report.error.input).toBe(input);
      expect(gh.requests).toEqual([]);
    });
  }
});
