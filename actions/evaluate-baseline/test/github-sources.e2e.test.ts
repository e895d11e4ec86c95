// End-to-end tests of the committed bundle for issue 11 against loopback STAND-INS of what GitHub
// runs and this machine cannot: the Actions results service and its blob storage, which
// @actions/artifact speaks to with the runner's ACTIONS_RUNTIME_TOKEN (test/artifact-service-stand.ts;
// the token here is an unsigned JWT carrying the claim the library reads), and the GitHub REST API
// with the storage host its downloads redirect to (test/github-releases-stand.ts). Each records
// what it received. The models and eval set are test/fixtures/shards/classification (make.py).
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ArtifactServiceStand, unsignedRuntimeToken } from '../../../test/artifact-service-stand.js';
import { fixture } from '../../../test/fixtures.js';
import { GitHubReleasesStand, zipOf } from '../../../test/github-releases-stand.js';
import { committedAction, expectErrorAnnotation, readReport, type ActionRun, type CommittedAction } from '../../../test/run-action.js';

const RUN = '11111111-2222-4333-8444-555555555555';
const job = (n: number) => `${String(n).repeat(8)}-0000-4000-8000-00000000000${n}`;

let committed: CommittedAction;
beforeAll(async () => {
  committed = await committedAction('evaluate-baseline');
});
afterAll(async () => {
  await committed?.dispose();
});

const ORT = () => ({ ONNXRUNTIME_NODE_PATH: process.env.ONNXRUNTIME_NODE_PATH });
const model = (name: string) => fixture('shards', 'classification', name);
const evaluation = {
  'new-model': model('new.onnx'),
  'eval-data': fixture('shards', 'classification'),
  'batch-size': '200',
  'min-improvement': '0.005',
};

/** The report without when and where it ran, timings, the shard list and the baseline's own path. */
function comparable(report: any): unknown {
  const r = structuredClone(report);
  delete r.createdAt;
  delete r.run;
  delete r.shards;
  for (const m of [r.models.new, r.models.baseline]) delete m?.timing;
  delete r.models.baseline?.path;
  delete r.models.baseline?.origin;
  return r;
}

describe('partials as artifacts of the run (@actions/artifact against the results service stand-in)', () => {
  let stand: ArtifactServiceStand;
  beforeAll(async () => {
    stand = await ArtifactServiceStand.start();
  });
  afterAll(() => stand?.close());

  const asJob = (n: number) => ({
    env: { ...ORT(), ACTIONS_RUNTIME_TOKEN: unsignedRuntimeToken(RUN, job(n)), ACTIONS_RESULTS_URL: `${stand.url}/` },
  });

  it('three shards upload PREFIX-k-of-3, the merge downloads them and decides as the unsharded run', async () => {
    const inputs = { ...evaluation, 'baseline-model': model('baseline.onnx') };
    const shards: ActionRun[] = [];
    for (let k = 1; k <= 3; k++) shards.push(await committed.run({ ...inputs, shard: `${k}/3` }, asJob(k)));
    for (const s of shards) expect(s.exitCode, s.stdout + s.stderr).toBe(0);
    const created = stand.twirpCalls('CreateArtifact').map((c) => (c.body as { name: string }).name);
    expect(created).toEqual(['evaluation-partial-1-of-3', 'evaluation-partial-2-of-3', 'evaluation-partial-3-of-3']);

    const merged = await committed.run({ mode: 'merge' }, asJob(9));
    expect(stand.twirpCalls('ListArtifacts').length).toBeGreaterThan(0);
    const unsharded = await committed.run(inputs, { env: ORT() });
    expect(merged.exitCode, merged.stdout + merged.stderr).toBe(unsharded.exitCode);
    expect(comparable(await readReport(merged))).toEqual(comparable(await readReport(unsharded)));
  }, 60_000);

  it('outside GitHub Actions the default artifact: partials is an error naming the input and the fix', async () => {
    const r = await committed.run(
      { ...evaluation, 'baseline-model': model('baseline.onnx'), shard: '1/2' },
      { env: { ...ORT(), ACTIONS_RUNTIME_TOKEN: undefined } },
    );
    expectErrorAnnotation(r, 'evaluate-baseline', 'ACTIONS_RUNTIME_TOKEN');
  }, 30_000);
});

describe('baseline-model from a release or from an artifact of another run (GitHub REST API stand-in)', () => {
  let stand: GitHubReleasesStand;
  let reference: any;
  beforeAll(async () => {
    stand = await GitHubReleasesStand.start();
    const baseline = await readFile(model('baseline.onnx'));
    stand.releases.push({ id: 7, tag: 'models/v1', assets: [{ id: 71, name: 'baseline.onnx', content: baseline }] });
    stand.runs.push({
      id: 501,
      workflow: 'train.yml',
      workflowId: 9001,
      head_branch: 'main',
      head_sha: 'c0ffee'.padEnd(40, '0'),
      conclusion: 'success',
      created_at: '2026-11-30T00:00:00Z',
      headRepository: stand.ownRepository(),
      artifacts: [
        {
          id: 777,
          name: 'production-model',
          content: zipOf([{ name: 'model/baseline.onnx', data: baseline }]),
          created_at: '2026-11-30T00:10:00Z',
        },
      ],
    });
    reference = await readReport(await committed.run({ ...evaluation, 'baseline-model': model('baseline.onnx') }, { env: ORT() }));
  }, 30_000);
  afterAll(() => stand?.close());

  const onGitHub = (inputs: Record<string, string>) =>
    committed.run({ ...evaluation, ...inputs }, { env: ORT(), apiUrl: stand.url, repository: stand.repository });

  it('release:TAG/ASSET (a tag with /): the asset is the baseline, and the report says which release', async () => {
    const r = await onGitHub({ 'baseline-model': 'release:models/v1/baseline.onnx' });
    const report = await readReport(r);
    expect(report.models.baseline.origin).toMatchObject({ kind: 'release', tag: 'models/v1', asset: 'baseline.onnx', assetId: 71 });
    expect(report.models.baseline.sha256).toBe(reference.models.baseline.sha256);
    expect(comparable(report)).toEqual(comparable(reference));
    expect(stand.requests.some((q) => q.path === '/repos/octo/models/releases/tags/models%2Fv1')).toBe(true);
  }, 30_000);

  it('artifact:NAME of the last successful run of baseline-workflow: the report gives the run', async () => {
    const r = await onGitHub({ 'baseline-model': 'artifact:production-model', 'baseline-workflow': 'train.yml' });
    const report = await readReport(r);
    expect(report.models.baseline.origin).toMatchObject({
      kind: 'artifact',
      runId: 501,
      artifactId: 777,
      artifactName: 'production-model',
      file: 'model/baseline.onnx',
    });
    expect(comparable(report)).toEqual(comparable(reference));
  }, 30_000);

  it('a release that does not exist is a missing baseline: missing-baseline decides, and says where it looked', async () => {
    const failed = await onGitHub({ 'baseline-model': 'release:models/v9/baseline.onnx' });
    expectErrorAnnotation(failed, 'evaluate-baseline', 'release:models/v9/baseline.onnx');
    expect((await readReport(failed)).baselineMissing).toMatchObject({ policy: 'fail' });
    const passed = await onGitHub({ 'baseline-model': 'release:models/v9/baseline.onnx', 'missing-baseline': 'pass' });
    expect(passed.exitCode, passed.stdout).toBe(0);
    expect(passed.notices.map((n) => n.message).join('\n')).toContain('release:models/v9/baseline.onnx');
  }, 30_000);
});
