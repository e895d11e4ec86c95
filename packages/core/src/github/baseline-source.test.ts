// fetchBaseline against loopback STAND-INS of the GitHub REST API and of the storage host its
// download endpoints redirect to (test/github-releases-stand.ts): both are real HTTP servers on
// 127.0.0.1 that answer as GitHub documents and record every request they receive, so the tests
// check what was asked (paths, queries, which host got the token), not what our code meant to ask.
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { UserError } from '../errors.js';
import type { JsonReply } from '../../../../test/loopback.js';
import { GitHubReleasesStand, zipOf, type StandRun } from '../../../../test/github-releases-stand.js';
import {
  fetchBaseline,
  parseBaselineLocation,
  parseBaselineWorkflow,
  type FetchedBaseline,
  type MissingBaseline,
} from './baseline-source.js';

const TOKEN = 'ghs_stand_in_token_0123456789';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const bytes = (seed: number, n = 70_000) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed * 7) & 0xff));

let stand: GitHubReleasesStand;
let dir: string;

beforeEach(async () => {
  stand = await GitHubReleasesStand.start();
  dir = await mkdtemp(join(tmpdir(), 'baseline-source-'));
});
afterEach(async () => {
  await stand.close();
  await rm(dir, { recursive: true, force: true });
});

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    GITHUB_REPOSITORY: 'octo/models',
    GITHUB_API_URL: stand.url,
    GITHUB_WORKFLOW_REF: 'octo/models/.github/workflows/train.yml@refs/heads/feature',
    ...extra,
  };
}

function fetched(x: FetchedBaseline | MissingBaseline): FetchedBaseline {
  if ('missing' in x) throw new Error(`expected a baseline, got missing: ${x.missing}`);
  return x;
}

async function userError(p: Promise<unknown>): Promise<UserError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(UserError);
  return e as UserError;
}

/** The token reached the API on every request and the storage host on none (in no header). */
function expectTokenOnlyToApi(): void {
  expect(stand.requests.length).toBeGreaterThan(0);
  for (const r of stand.requests) expect(r.headers.authorization).toBe(`token ${TOKEN}`);
  expect(stand.storage.requests.length).toBeGreaterThan(0);
  for (const r of stand.storage.requests) {
    expect(r.headers.authorization).toBeUndefined();
    expect(JSON.stringify(r.headers)).not.toContain(TOKEN);
  }
}

describe('fetchBaseline: release:TAG/ASSET', () => {
  const model = bytes(1);

  it('downloads the asset through the storage redirect: bytes equal, origin filled, the token never sent to storage', async () => {
    stand.releases.push({
      id: 7,
      tag: 'v3',
      assets: [
        { id: 70, name: 'notes.txt', content: Buffer.from('hello') },
        { id: 71, name: 'model.onnx', content: model, digest: `sha256:${sha256(model)}` },
      ],
    });
    const got = fetched(
      await fetchBaseline({ kind: 'release', tag: 'v3', asset: 'model.onnx' }, { token: TOKEN, workflow: '', dir, env: env() }),
    );
    expect(await readFile(got.path)).toEqual(model);
    expect(got.path.startsWith(dir)).toBe(true);
    expect(got.sha256).toBe(sha256(model));
    expect(got.origin).toEqual({
      kind: 'release',
      repository: 'octo/models',
      tag: 'v3',
      asset: 'model.onnx',
      assetId: 71,
      releaseUrl: 'https://github.com/octo/models/releases/tag/v3',
      updatedAt: '2025-01-02T00:00:00Z',
      digest: `sha256:${sha256(model)}`,
    });
    expect(stand.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      // the repository first: a token that cannot see it would get 404 for the release too
      'GET /repos/octo/models 200',
      'GET /repos/octo/models/releases/tags/v3 200',
      'GET /repos/octo/models/releases/assets/71 302',
    ]);
    expect(stand.requests[2].headers.accept).toBe('application/octet-stream');
    expect(stand.storage.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['GET /releases/71/model.onnx 200']);
    expectTokenOnlyToApi();
    // nothing but the model is left in the folder (no .part file)
    expect(await readdir(dirname(got.path))).toEqual(['model.onnx']);
  });

  it('finds a tag holding / (one path segment, percent-encoded, as GitHub routes it)', async () => {
    stand.releases.push({ id: 8, tag: 'models/v3', assets: [{ id: 80, name: 'baseline.onnx', content: model }] });
    const location = parseBaselineLocation('release:models/v3/baseline.onnx');
    expect(location).toEqual({ ok: true, value: { kind: 'release', tag: 'models/v3', asset: 'baseline.onnx' } });
    if (!location.ok || location.value.kind !== 'release') throw new Error('parse');
    const got = fetched(await fetchBaseline(location.value, { token: TOKEN, workflow: '', dir, env: env() }));
    expect(await readFile(got.path)).toEqual(model);
    expect(got.origin).toMatchObject({ kind: 'release', tag: 'models/v3', asset: 'baseline.onnx', assetId: 80 });
    expect(got.origin).not.toHaveProperty('digest'); // an asset from before GitHub recorded digests
    expect(stand.requests[1].path).toBe('/repos/octo/models/releases/tags/models%2Fv3');
  });

  it('a tag with no release is missing', async () => {
    stand.releases.push({ id: 7, tag: 'v3', assets: [] });
    const got = await fetchBaseline({ kind: 'release', tag: 'v4', asset: 'model.onnx' }, { token: TOKEN, workflow: '', dir, env: env() });
    expect(got).toEqual({ missing: "octo/models has no release tagged 'v4'" });
    expect(stand.storage.requests).toEqual([]);
  });

  it('an asset the release lacks is an error (not a missing baseline), listing the assets there', async () => {
    stand.releases.push({
      id: 7,
      tag: 'v3',
      assets: [
        { id: 70, name: 'model-a.onnx', content: model },
        { id: 71, name: 'model-b.onnx', content: model },
      ],
    });
    const e = await userError(
      fetchBaseline({ kind: 'release', tag: 'v3', asset: 'model.onnx' }, { token: TOKEN, workflow: '', dir, env: env() }),
    );
    expect([e.input, e.message]).toEqual([
      'baseline-model',
      "The baseline is not where baseline-model says: release 'v3' of octo/models has no asset named 'model.onnx'; its assets: model-a.onnx, model-b.onnx.",
    ]);
  });

  it('a token that cannot see the repository (GitHub answers 404) is an error on github-token, not a missing release', async () => {
    stand.options.fail = () => ({ status: 404, json: { message: 'Not Found' } });
    const e = await userError(
      fetchBaseline({ kind: 'release', tag: 'v3', asset: 'model.onnx' }, { token: TOKEN, workflow: '', dir, env: env() }),
    );
    expect(e.input).toBe('github-token');
    expect(e.message).toContain('GitHub found no repository octo/models');
  });

  it('bytes that differ from GitHub’s digest are a corrupt download, and a short one an incomplete download', async () => {
    stand.releases.push({
      id: 7,
      tag: 'v3',
      assets: [
        { id: 71, name: 'model.onnx', content: model, digest: `sha256:${sha256(Buffer.from('something else'))}` },
        { id: 72, name: 'short.onnx', content: model, size: model.length + 1 },
      ],
    });
    const options = { token: TOKEN, workflow: '', dir, env: env() };
    const corrupt = await userError(fetchBaseline({ kind: 'release', tag: 'v3', asset: 'model.onnx' }, options));
    expect(corrupt.message).toMatch(/SHA-256 [0-9a-f]{64}, but GitHub records sha256:.*corrupt/);
    expect(corrupt.input).toBe('baseline-model');
    const short = await userError(fetchBaseline({ kind: 'release', tag: 'v3', asset: 'short.onnx' }, options));
    expect(short.message).toContain(`gave ${model.length} bytes; GitHub records ${model.length + 1}`);
  });

  it('a 403 names `contents: read`; a 401 and an empty token name github-token', async () => {
    await stand.close();
    stand = await GitHubReleasesStand.start({
      fail: (r) =>
        r.path.includes('/releases/') ? { status: 403, json: { message: 'Resource not accessible by integration' } } : undefined,
    });
    const options = { token: TOKEN, workflow: '', dir, env: env() };
    const forbidden = await userError(fetchBaseline({ kind: 'release', tag: 'v3', asset: 'm.onnx' }, options));
    expect(forbidden.input).toBe('github-token');
    expect(forbidden.message).toContain('HTTP 403: Resource not accessible by integration');
    expect(forbidden.hint).toContain('`permissions: contents: read`');

    await stand.close();
    stand = await GitHubReleasesStand.start({ fail: () => ({ status: 401, json: { message: 'Bad credentials' } }) });
    const refused = await userError(fetchBaseline({ kind: 'release', tag: 'v3', asset: 'm.onnx' }, { ...options, env: env() }));
    expect(refused.input).toBe('github-token');
    expect(refused.message).toContain('HTTP 401: Bad credentials');
    expect(refused.hint).toContain('invalid or expired');
    expect(refused.hint).not.toContain('permissions');

    const none = await userError(fetchBaseline({ kind: 'release', tag: 'v3', asset: 'm.onnx' }, { ...options, token: '' }));
    expect(none.input).toBe('github-token');
    expect(none.hint).toContain('`permissions: contents: read`');
  });

  it('a rate limit (429, or a 403 with retry-after or x-ratelimit-remaining: 0) is not a permission problem', async () => {
    const answers: JsonReply[] = [
      { status: 429, json: { message: 'Too Many Requests' } },
      { status: 403, json: { message: 'Forbidden' }, headers: { 'retry-after': '60' } },
      { status: 403, json: { message: 'API rate limit exceeded for installation ID 1.' }, headers: { 'x-ratelimit-remaining': '0' } },
    ];
    for (const answer of answers) {
      await stand.close();
      stand = await GitHubReleasesStand.start({ fail: (r) => (r.path.includes('/releases/') ? answer : undefined) });
      const e = await userError(
        fetchBaseline({ kind: 'release', tag: 'v3', asset: 'm.onnx' }, { token: TOKEN, workflow: '', dir, env: env() }),
      );
      expect([e.input, e.message.startsWith("GitHub's rate limit stopped reading the release tagged 'v3'")]).toEqual([
        'baseline-model',
        true,
      ]);
      expect(e.message).toContain(`HTTP ${answer.status}`);
    }
  });

  it('a storage host that refuses the download is a UserError that never shows the signed query', async () => {
    stand.releases.push({ id: 7, tag: 'v3', assets: [{ id: 71, name: 'model.onnx', content: model }] });
    stand.options.fail = (r) =>
      r.path.endsWith('/assets/71')
        ? { status: 302, json: {}, headers: { location: `${stand.storage.url}/gone?sig=SIGNATURE_SECRET` } }
        : undefined;
    const e = await userError(
      fetchBaseline({ kind: 'release', tag: 'v3', asset: 'model.onnx' }, { token: TOKEN, workflow: '', dir, env: env() }),
    );
    expect(e.message).toContain(`the storage host ${stand.storage.url}/gone?sig=*** answered HTTP 404`);
    expect(e.message).not.toContain('SIGNATURE_SECRET');
    expect(stand.storage.requests.map((r) => r.headers.authorization)).toEqual([undefined]);
  });

  it('a server error is a UserError on baseline-model, not a missing baseline', async () => {
    await stand.close();
    stand = await GitHubReleasesStand.start({ fail: () => ({ status: 502, json: { message: 'Server Error' } }) });
    const e = await userError(
      fetchBaseline({ kind: 'release', tag: 'v3', asset: 'm.onnx' }, { token: TOKEN, workflow: '', dir, env: env() }),
    );
    expect(e.input).toBe('baseline-model');
    expect(e.message).toContain('HTTP 502');
  });
});

describe('fetchBaseline: artifact:NAME[/PATH]', () => {
  const model = bytes(2);
  const data = bytes(3, 5000);
  const other = bytes(4);

  function run(id: number, created: string, artifacts: StandRun['artifacts'], extra: Partial<StandRun> = {}): StandRun {
    return {
      id,
      workflow: 'train.yml',
      workflowId: 555,
      head_branch: 'main',
      head_sha: `${id}`.padStart(40, 'a'),
      conclusion: 'success',
      created_at: created,
      artifacts,
      ...extra,
    };
  }

  it('takes the newest artifact of the name from the last successful run of the default branch, and its .onnx with external data beside it', async () => {
    const zip = zipOf([
      { name: 'export/' },
      { name: 'export/model.onnx', data: model },
      { name: 'export/model.onnx.data', data },
      { name: 'export/README.md', data: Buffer.from('# model'), stored: true },
    ]);
    const stale = zipOf([{ name: 'model.onnx', data: other }]);
    stand.runs.push(
      run(10, '2025-03-01T00:00:00Z', [{ id: 100, name: 'model', content: stale, created_at: '2025-03-01T00:00:00Z' }]),
      run(11, '2025-03-02T00:00:00Z', [
        { id: 110, name: 'model', content: stale, created_at: '2025-03-02T00:00:00Z' },
        { id: 111, name: 'model', content: zip, created_at: '2025-03-02T00:05:00Z', digest: `sha256:${sha256(zip)}` },
        { id: 112, name: 'metrics', content: stale, created_at: '2025-03-02T00:06:00Z' },
      ]),
      // newer, but not what may become the baseline: a failed run, another branch, a fork's pull request from its `main`
      run(12, '2025-03-03T00:00:00Z', [{ id: 120, name: 'model', content: stale, created_at: '2025-03-03T00:00:00Z' }], {
        conclusion: 'failure',
      }),
      run(13, '2025-03-04T00:00:00Z', [{ id: 130, name: 'model', content: stale, created_at: '2025-03-04T00:00:00Z' }], {
        head_branch: 'dev',
      }),
      run(14, '2025-03-05T00:00:00Z', [{ id: 140, name: 'model', content: stale, created_at: '2025-03-05T00:00:00Z' }], {
        headRepository: { id: 999, full_name: 'mallory/models' },
      }),
    );
    const got = fetched(await fetchBaseline({ kind: 'artifact', name: 'model' }, { token: TOKEN, workflow: '', dir, env: env() }));
    expect(await readFile(got.path)).toEqual(model);
    expect(await readFile(join(dirname(got.path), 'model.onnx.data'))).toEqual(data);
    expect(got.sha256).toBe(sha256(model));
    expect(got.origin).toEqual({
      kind: 'artifact',
      repository: 'octo/models',
      workflow: 'train.yml',
      runId: 11,
      runUrl: 'https://github.com/octo/models/actions/runs/11',
      headSha: run(11, '', []).head_sha,
      artifactId: 111,
      artifactName: 'model',
      file: 'export/model.onnx',
      digest: `sha256:${sha256(zip)}`,
      createdAt: '2025-03-02T00:05:00Z',
    });
    const asked = stand.requests.map((r) => `${r.method} ${r.path}`);
    expect(asked).toEqual([
      'GET /repos/octo/models',
      'GET /repos/octo/models/actions/workflows/train.yml/runs',
      'GET /repos/octo/models/actions/runs/11/artifacts',
      'GET /repos/octo/models/actions/artifacts/111/zip',
    ]);
    const runsQuery = stand.requests[1].query;
    expect([runsQuery.get('branch'), runsQuery.get('status')]).toEqual(['main', 'success']);
    expect(stand.requests[2].query.get('name')).toBe('model');
    expect(stand.storage.requests.map((r) => r.path)).toEqual(['/artifacts/111.zip']);
    expectTokenOnlyToApi();
    // the zip itself is not kept
    expect((await readdir(dir)).sort()).toEqual(['artifact-111']);
  });

  it('takes PATH when given; the workflow may be named by id', async () => {
    const zip = zipOf([
      { name: 'a.onnx', data: other },
      { name: 'sub/b.onnx', data: model },
    ]);
    stand.runs.push(run(20, '2025-03-01T00:00:00Z', [{ id: 200, name: 'models', content: zip, created_at: '2025-03-01T00:00:00Z' }]));
    const location = parseBaselineLocation('artifact:models/sub/b.onnx');
    expect(location).toEqual({ ok: true, value: { kind: 'artifact', name: 'models', file: 'sub/b.onnx' } });
    if (!location.ok || location.value.kind !== 'artifact') throw new Error('parse');
    const got = fetched(await fetchBaseline(location.value, { token: TOKEN, workflow: '555', dir, env: env() }));
    expect(await readFile(got.path)).toEqual(model);
    expect(got.origin).toMatchObject({ workflow: '555', file: 'sub/b.onnx', runId: 20 });
    expect(got.origin).not.toHaveProperty('digest');
    expect(stand.requests[1].path).toBe('/repos/octo/models/actions/workflows/555/runs');
  });

  it('several .onnx files without PATH, or a PATH that is not there, are errors listing the files', async () => {
    const zip = zipOf([
      { name: 'a.onnx', data: other },
      { name: 'b.onnx', data: model },
      { name: 'labels.txt', data: Buffer.from('x') },
    ]);
    stand.runs.push(run(20, '2025-03-01T00:00:00Z', [{ id: 200, name: 'models', content: zip, created_at: '2025-03-01T00:00:00Z' }]));
    const options = { token: TOKEN, workflow: 'train.yml', dir, env: env() };
    const several = await userError(fetchBaseline({ kind: 'artifact', name: 'models' }, options));
    expect(several.message).toContain('holds 2 .onnx files; it holds: a.onnx, b.onnx, labels.txt');
    expect(several.input).toBe('baseline-model');
    expect(several.hint).toContain('artifact:models/a.onnx');
    const absent = await userError(fetchBaseline({ kind: 'artifact', name: 'models', file: 'c.onnx' }, options));
    expect(absent.message).toContain("holds no file 'c.onnx'; it holds: a.onnx, b.onnx, labels.txt");
  });

  it('no successful run of the branch is a missing baseline; no artifact of the name, or an expired one, is an error', async () => {
    const options = { token: TOKEN, workflow: 'train.yml', dir, env: env() };
    stand.runs.push(run(30, '2025-03-01T00:00:00Z', [], { conclusion: 'failure' }));
    expect(await fetchBaseline({ kind: 'artifact', name: 'model' }, options)).toEqual({
      missing: 'workflow train.yml has no successful run on branch main of octo/models',
    });

    stand.runs.push(
      run(31, '2025-03-02T00:00:00Z', [{ id: 310, name: 'metrics', content: zipOf([]), created_at: '2025-03-02T00:00:00Z' }]),
    );
    const none = await userError(fetchBaseline({ kind: 'artifact', name: 'model' }, options));
    expect([none.input, none.message]).toEqual([
      'baseline-model',
      "The baseline is not where baseline-model says: run 31 of workflow train.yml (https://github.com/octo/models/actions/runs/31) has no artifact named 'model'; its artifacts: metrics.",
    ]);

    stand.runs.push(
      run(32, '2025-03-03T00:00:00Z', [{ id: 320, name: 'model', content: zipOf([]), created_at: '2025-03-03T00:00:00Z', expired: true }]),
    );
    const expired = await userError(fetchBaseline({ kind: 'artifact', name: 'model' }, options));
    expect(expired.message).toContain("artifact 'model' of run 32 of workflow train.yml");
    expect(expired.message).toContain('has expired');
    expect(stand.requests.filter((r) => r.path.endsWith('/zip'))).toEqual([]);
  });

  it('an artifact that expires between the listing and the download (HTTP 410) is an error', async () => {
    const artifact = { id: 330, name: 'model', content: zipOf([{ name: 'm.onnx', data: model }]), created_at: '2025-03-03T00:00:00Z' };
    stand.runs.push(run(33, '2025-03-03T00:00:00Z', [artifact]));
    const failStand = stand;
    failStand.options.fail = (r) => (r.path.endsWith('/zip') ? { status: 410, json: { message: 'Artifact has expired' } } : undefined);
    const e = await userError(fetchBaseline({ kind: 'artifact', name: 'model' }, { token: TOKEN, workflow: 'train.yml', dir, env: env() }));
    expect(e.message).toContain('has expired (HTTP 410)');
  });

  it('a 403 is a UserError naming `actions: read`', async () => {
    stand.options.fail = (r) =>
      r.path.includes('/actions/') ? { status: 403, json: { message: 'Resource not accessible by integration' } } : undefined;
    const e = await userError(fetchBaseline({ kind: 'artifact', name: 'model' }, { token: TOKEN, workflow: 'train.yml', dir, env: env() }));
    expect(e.input).toBe('github-token');
    expect(e.message).toContain('HTTP 403');
    expect(e.hint).toContain('`permissions: actions: read`');
    expect(e.hint).toContain('private repository');
  });

  it('an unknown workflow, or none to infer, is an error on baseline-workflow', async () => {
    stand.runs.push(run(40, '2025-03-01T00:00:00Z', []));
    const unknown = await userError(
      fetchBaseline({ kind: 'artifact', name: 'model' }, { token: TOKEN, workflow: 'deploy.yml', dir, env: env() }),
    );
    expect(unknown.input).toBe('baseline-workflow');
    expect(unknown.message).toContain("octo/models has no workflow 'deploy.yml'");
    const none = await userError(
      fetchBaseline({ kind: 'artifact', name: 'model' }, { token: TOKEN, workflow: '', dir, env: env({ GITHUB_WORKFLOW_REF: '' }) }),
    );
    expect(none.input).toBe('baseline-workflow');
    const bad = await userError(fetchBaseline({ kind: 'artifact', name: 'model' }, { token: TOKEN, workflow: 'train', dir, env: env() }));
    expect(bad.message).toBe("Input baseline-workflow is 'train': expected a workflow file name such as train.yml, or its numeric id.");
  });

  it('refuses an archive whose names leave the folder, writing nothing; a zip that differs from its digest is corrupt', async () => {
    const evil = zipOf([
      { name: 'model.onnx', data: model },
      { name: '../escaped.onnx', data: other },
    ]);
    stand.runs.push(run(50, '2025-03-01T00:00:00Z', [{ id: 500, name: 'model', content: evil, created_at: '2025-03-01T00:00:00Z' }]));
    const options = { token: TOKEN, workflow: 'train.yml', dir: join(dir, 'inner'), env: env() };
    const e = await userError(fetchBaseline({ kind: 'artifact', name: 'model' }, options));
    expect(e.message).toBe(
      "The artifact 'model' of run 50 of workflow train.yml (https://github.com/octo/models/actions/runs/50) cannot be unpacked: invalid relative path: ../escaped.onnx.",
    );
    expect([e.input, e.hint]).toEqual([
      'baseline-model',
      'Upload it again (actions/upload-artifact); an archive whose names leave its folder (.., absolute paths) is refused.',
    ]);
    expect(await readdir(dir)).toEqual(['inner']);
    expect(await readdir(join(dir, 'inner'))).toEqual([]);

    const zip = zipOf([{ name: 'model.onnx', data: model }]);
    stand.runs.push(
      run(51, '2025-03-02T00:00:00Z', [
        { id: 510, name: 'model', content: zip, created_at: '2025-03-02T00:00:00Z', digest: `sha256:${sha256(evil)}` },
      ]),
    );
    const corrupt = await userError(fetchBaseline({ kind: 'artifact', name: 'model' }, options));
    expect(corrupt.message).toContain('the download is corrupt');
  });
});

describe('parseBaselineLocation', () => {
  it.each([
    ['', { kind: 'path', path: '' }],
    ['models/baseline.onnx', { kind: 'path', path: 'models/baseline.onnx' }],
    ['./release:x/y', { kind: 'path', path: './release:x/y' }],
    ['release:v3/model.onnx', { kind: 'release', tag: 'v3', asset: 'model.onnx' }],
    ['release:models/v3/model.onnx', { kind: 'release', tag: 'models/v3', asset: 'model.onnx' }],
    ['release:v1.2.3-rc.1/model v2.onnx', { kind: 'release', tag: 'v1.2.3-rc.1', asset: 'model v2.onnx' }],
    ['artifact:model', { kind: 'artifact', name: 'model' }],
    ['artifact:model/export/model.onnx', { kind: 'artifact', name: 'model', file: 'export/model.onnx' }],
    ['artifact:model/./model.onnx', { kind: 'artifact', name: 'model', file: 'model.onnx' }],
  ])('%j is %j', (text, value) => {
    expect(parseBaselineLocation(text)).toEqual({ ok: true, value });
  });

  it.each([
    ['release:', /needs a tag and an asset name: release:TAG\/ASSET/],
    ['release:v3', /needs a tag and an asset name/],
    ['release:/model.onnx', /names no tag/],
    ['release:v3/', /names no asset/],
    ['release:models//v3/m.onnx', /not a tag name git allows/],
    ['release:v..3/m.onnx', /not a tag name git allows/],
    ['release:v 3/m.onnx', /not a tag name git allows/],
    ['release:v3.lock/m.onnx', /not a tag name git allows/],
    ['artifact:', /names no artifact: artifact:NAME or artifact:NAME\/PATH/],
    ['artifact:/m.onnx', /names no artifact/],
    ['artifact:model/', /names no file after 'model\/'/],
    ['artifact:mo:del', /not an artifact name/],
    ['artifact:model/../secret.onnx', /not a path inside the artifact/],
    ['artifact:model//m.onnx', /not a path inside the artifact/],
    ['artifact:model/a\\b.onnx', /not a path inside the artifact/],
  ])('%j is refused', (text, error) => {
    const result = parseBaselineLocation(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(error);
  });
});

describe('parseBaselineWorkflow', () => {
  const ref = { GITHUB_WORKFLOW_REF: 'octo/models/.github/workflows/nightly-train.yaml@refs/heads/main' };
  it.each([
    ['train.yml', {}, 'train.yml'],
    ['.github/workflows/train.yml', {}, 'train.yml'],
    ['123456', {}, 123456],
    [' train.yaml ', {}, 'train.yaml'],
    ['', ref, 'nightly-train.yaml'],
  ])('%j (env %j) is %j', (text, environment, value) => {
    expect(parseBaselineWorkflow(text, environment)).toEqual({ ok: true, value });
  });

  it.each([['train'], ['workflows/train.yml'], ['']])('%j without GITHUB_WORKFLOW_REF is refused', (text) => {
    expect(parseBaselineWorkflow(text, {}).ok).toBe(false);
  });
});
