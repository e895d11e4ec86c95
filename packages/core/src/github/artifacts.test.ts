// Artifacts of the workflow run, through the real @actions/artifact 6.2.1 and @azure/storage-blob.
// The services they talk to are STAND-INS (test/artifact-service-stand.ts): a loopback server that
// speaks the Actions results service's Twirp JSON API and the Azure Blob operations the library
// uses (Put Block / Put Block List, Get Blob on a signed URL), and records every request. The
// ACTIONS_RUNTIME_TOKEN is an UNSIGNED JWT carrying the `scp` claim the library reads the backend
// ids from (the stand-in does not verify signatures). Environment changes are undone after each test.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { ArtifactServiceStand, unsignedRuntimeToken } from '../../../../test/artifact-service-stand.js';
import { zipOf } from '../../../../test/zip.js';
import { UserError } from '../errors.js';
import { downloadRunArtifacts, uploadArtifactFile } from './artifacts.js';

const RUN = '5c1d2e3f-0000-4aaa-8bbb-000000000001';
const SHARD_1_JOB = 'a1a1a1a1-0000-4000-8000-000000000001';
const SHARD_2_JOB = 'a2a2a2a2-0000-4000-8000-000000000002';
const MERGE_JOB = 'eeeeeeee-0000-4000-8000-00000000000e';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** The archive a job's upload of partial.json leaves (attempt `attempt` of a re-run job). */
const attempt = (n: number) => zipOf([{ name: 'partial.json', data: Buffer.from(`${JSON.stringify({ attempt: n, rows: [0, 100] })}\n`) }]);
const EVIL = Buffer.from('{"evil": true}\n');

let stand: ArtifactServiceStand;
let work: string;

/** Runs the following calls as job `job` of the run (its runtime token). */
function asJob(job: string): void {
  vi.stubEnv('ACTIONS_RUNTIME_TOKEN', unsignedRuntimeToken(RUN, job));
}

async function writeWorkFile(name: string, bytes: Buffer | string): Promise<string> {
  const path = join(work, 'upload', name);
  await mkdir(join(work, 'upload'), { recursive: true });
  await writeFile(path, bytes);
  return path;
}

/** The UserError `work` rejects with. */
async function rejection(work: Promise<unknown>): Promise<UserError> {
  const e = await work.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(e).toBeInstanceOf(UserError);
  return e as UserError;
}

/**
 * Settles `work` with the library's retry pauses (setTimeout, 5 s after each failed download)
 * skipped: setTimeout is faked and each pending timer run as soon as the event loop is idle.
 */
async function withRetryPausesSkipped(work: () => Promise<unknown>): Promise<unknown> {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  try {
    let settled = false;
    const result = work().then(
      (value) => ((settled = true), value),
      (error: unknown) => ((settled = true), error),
    );
    while (!settled) {
      await new Promise((done) => setImmediate(done));
      await vi.advanceTimersToNextTimerAsync();
    }
    return await result;
  } finally {
    vi.useRealTimers();
  }
}

beforeEach(async () => {
  stand = await ArtifactServiceStand.start();
  work = await mkdtemp(join(tmpdir(), 'artifacts-test-'));
  vi.stubEnv('ACTIONS_RESULTS_URL', `${stand.url}/`);
  vi.stubEnv('GITHUB_SERVER_URL', 'https://github.com');
  vi.stubEnv('GITHUB_RETENTION_DAYS', '90');
  asJob(MERGE_JOB);
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await stand.close();
  await rm(work, { recursive: true, force: true });
});

describe('uploadArtifactFile and downloadRunArtifacts', () => {
  it('upload two partials from two shard jobs; the merge job downloads exactly the matching ones, byte for byte', async () => {
    const partial1 = Buffer.from(JSON.stringify({ shard: 1, rows: [0, 500] }));
    const partial2 = randomBytes(300_000); // incompressible: the archive is larger than the file
    asJob(SHARD_1_JOB);
    const up1 = await uploadArtifactFile('partial-1-of-2', await writeWorkFile('partial-1.json', partial1));
    asJob(SHARD_2_JOB);
    const up2 = await uploadArtifactFile('partial-2-of-2', await writeWorkFile('partial-2.bin', partial2), { retentionDays: 3 });
    await uploadArtifactFile('report', await writeWorkFile('report.json', '{}'));

    asJob(MERGE_JOB);
    const dir = join(work, 'downloaded');
    const got = await downloadRunArtifacts((name) => name.startsWith('partial-'), dir);

    expect(got.map((a) => [a.name, a.id, a.dir])).toEqual([
      ['partial-1-of-2', up1.id, join(dir, 'partial-1-of-2')],
      ['partial-2-of-2', up2.id, join(dir, 'partial-2-of-2')],
    ]);
    expect(await readdir(dir)).toEqual(['partial-1-of-2', 'partial-2-of-2']);
    expect(await readdir(got[0].dir)).toEqual(['partial-1.json']);
    expect(sha256(await readFile(join(got[0].dir, 'partial-1.json')))).toBe(sha256(partial1));
    expect(sha256(await readFile(join(got[1].dir, 'partial-2.bin')))).toBe(sha256(partial2));

    // what the client told the service
    const created = stand.twirpCalls('CreateArtifact').map((r) => r.body);
    expect(created.map((b) => [b.name, b.workflow_run_backend_id, b.workflow_job_run_backend_id, b.version, b.mime_type])).toEqual([
      ['partial-1-of-2', RUN, SHARD_1_JOB, 7, 'application/zip'],
      ['partial-2-of-2', RUN, SHARD_2_JOB, 7, 'application/zip'],
      ['report', RUN, SHARD_2_JOB, 7, 'application/zip'],
    ]);
    expect(created[0].expires_at).toBeUndefined(); // the repository's retention
    const expiresInDays = (Date.parse(created[1].expires_at) - Date.now()) / 86_400_000;
    expect(expiresInDays).toBeGreaterThan(2.9);
    expect(expiresInDays).toBeLessThan(3.1);
    const finalized = stand.twirpCalls('FinalizeArtifact').map((r) => r.body);
    for (const [i, up] of [up1, up2].entries()) {
      const stored = stand.blobOf(stand.artifacts.find((a) => a.id === up.id)!)!;
      expect(finalized[i]).toEqual({
        workflow_run_backend_id: RUN,
        workflow_job_run_backend_id: i === 0 ? SHARD_1_JOB : SHARD_2_JOB,
        name: `partial-${i + 1}-of-2`,
        size: String(stored.length),
        hash: `sha256:${sha256(stored)}`,
      });
      expect(up.size).toBe(stored.length);
      expect(up.digest).toBe(`sha256:${sha256(stored)}`);
      expect(got[i].digest).toBe(up.digest);
    }
    expect(up2.size).toBeGreaterThan(partial2.length);
    const listed = stand.twirpCalls('ListArtifacts').map((r) => r.body);
    expect(listed[0]).toEqual({ workflow_run_backend_id: RUN, workflow_job_run_backend_id: MERGE_JOB });
    const signed = stand.twirpCalls('GetSignedArtifactURL').map((r) => r.body.name);
    expect(signed.sort()).toEqual(['partial-1-of-2', 'partial-2-of-2']);
    expect(stand.twirpCalls().every((r) => r.status === 200)).toBe(true);
    const blobCalls = stand.blobCalls().map((r) => `${r.method} ${r.query.get('comp') ?? ''}`);
    expect(blobCalls.filter((c) => c === 'PUT block').length).toBe(3);
    expect(blobCalls.filter((c) => c === 'PUT blocklist').length).toBe(3);
    expect(blobCalls.filter((c) => c === 'GET ').length).toBe(2);
  });

  it('a 20 MB file travels in 8 MB blocks and arrives intact (upload + download timed, for the report)', async () => {
    const bytes = randomBytes(20 * 1024 * 1024);
    asJob(SHARD_1_JOB);
    const file = await writeWorkFile('big.bin', bytes);
    const started = performance.now();
    await uploadArtifactFile('partial-big', file);
    const uploaded = performance.now();
    asJob(MERGE_JOB);
    const [got] = await downloadRunArtifacts((name) => name === 'partial-big', join(work, 'downloaded'));
    const downloaded = performance.now();
    console.log(`20 MB artifact: upload ${(uploaded - started).toFixed(0)} ms, download ${(downloaded - uploaded).toFixed(0)} ms`);
    expect(sha256(await readFile(join(got.dir, 'big.bin')))).toBe(sha256(bytes));
    expect(
      stand
        .blobCalls()
        .filter((r) => r.query.get('comp') === 'block')
        .map((r) => r.bytes),
    ).toEqual([8 * 1024 * 1024, 8 * 1024 * 1024, expect.any(Number)]);
  });

  it('none matching is an empty list, and no directory is made', async () => {
    stand.seed(RUN, SHARD_1_JOB, 'report', attempt(1));
    const dir = join(work, 'downloaded');
    expect(await downloadRunArtifacts((name) => name.startsWith('partial-'), dir)).toEqual([]);
    expect(existsSync(dir)).toBe(false);
  });

  it('several artifacts of one name (attempts of a re-run job): the newest is downloaded', async () => {
    const first = stand.seed(RUN, SHARD_1_JOB, 'partial-1-of-1', attempt(1));
    const rerun = stand.seed(RUN, SHARD_2_JOB, 'partial-1-of-1', attempt(2));
    expect(rerun.id).toBeGreaterThan(first.id);
    const [got, ...rest] = await downloadRunArtifacts(() => true, join(work, 'downloaded'));
    expect(rest).toEqual([]);
    expect(got.id).toBe(rerun.id);
    expect(JSON.parse(await readFile(join(got.dir, 'partial.json'), 'utf8')).attempt).toBe(2);
    expect(stand.twirpCalls('GetSignedArtifactURL').map((r) => r.body.workflow_job_run_backend_id)).toEqual([SHARD_2_JOB]);
  });
});

describe('outside GitHub Actions', () => {
  it('without ACTIONS_RUNTIME_TOKEN: a UserError naming partials and the variable, nothing sent', async () => {
    vi.stubEnv('ACTIONS_RUNTIME_TOKEN', undefined);
    const file = await writeWorkFile('partial.json', '{}');
    for (const e of [await rejection(uploadArtifactFile('partial-1', file)), await rejection(downloadRunArtifacts(() => true, work))]) {
      expect(e.input).toBe('partials');
      expect(e.message).toContain('ACTIONS_RUNTIME_TOKEN is not set');
      expect(e.message).not.toContain('ACTIONS_RESULTS_URL');
      expect(e.hint).toContain('give the partials input a directory');
    }
    expect(stand.requests).toEqual([]);
  });

  it('without either variable: both are named', async () => {
    vi.stubEnv('ACTIONS_RUNTIME_TOKEN', undefined);
    vi.stubEnv('ACTIONS_RESULTS_URL', '');
    const e = await rejection(downloadRunArtifacts(() => true, work));
    expect(e.message).toContain('ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL are not set');
  });

  it('on GitHub Enterprise Server (artifacts v4 unsupported): a UserError naming partials', async () => {
    vi.stubEnv('GITHUB_SERVER_URL', 'https://github.example.com');
    const e = await rejection(downloadRunArtifacts(() => true, work));
    expect(e.input).toBe('partials');
    expect(e.message).toContain('not currently supported on GHES');
    expect(stand.requests).toEqual([]);
  });
});

describe('names and files', () => {
  it('an invalid name or a missing file is refused before anything is sent', async () => {
    const file = await writeWorkFile('partial.json', '{}');
    const bad = await rejection(uploadArtifactFile('partial:1', file));
    expect(bad.message).toMatch(/^The partial result cannot be uploaded: 'partial:1' is not an artifact name: it contains a colon : \(/);
    expect(bad.input).toBe('partials');
    const missing = await rejection(uploadArtifactFile('partial-1', join(work, 'nothing.json')));
    expect(missing.message).toBe(`The partial result ${join(work, 'nothing.json')} does not exist.`);
    expect(missing.file).toBe(join(work, 'nothing.json'));
    expect(stand.requests).toEqual([]);
  });
});

describe('what the service refuses', () => {
  it('the same name uploaded twice in a run (two shards with one name): 409 Conflict, named', async () => {
    asJob(SHARD_1_JOB);
    await uploadArtifactFile('partial-1-of-2', await writeWorkFile('a.json', '{"a":1}'));
    asJob(SHARD_2_JOB);
    const e = await rejection(uploadArtifactFile('partial-1-of-2', await writeWorkFile('b.json', '{"b":1}')));
    expect(e.input).toBe('partials');
    expect(e.message).toMatch(
      /^Artifact 'partial-1-of-2' cannot be uploaded: the workflow run already has an artifact of that name \(.*\(409\) Conflict: an artifact with this name already exists on the workflow run\)\.$/,
    );
    expect(e.hint).toContain('its own artifact name');
    expect(stand.twirpCalls('CreateArtifact').map((r) => r.status)).toEqual([200, 409]);
    expect(stand.twirpCalls('FinalizeArtifact').length).toBe(1);
  });

  it('a listed artifact whose download answers 500 (after the library retries): an error naming it, no directory left', async () => {
    const artifact = stand.seed(RUN, SHARD_1_JOB, 'partial-1-of-2', attempt(1));
    stand.seed(RUN, SHARD_2_JOB, 'partial-2-of-2', attempt(2));
    artifact.downloadFault = { status: 500 };
    const dir = join(work, 'downloaded');
    const e = await withRetryPausesSkipped(() => downloadRunArtifacts(() => true, dir));
    expect(e).toBeInstanceOf(UserError);
    expect((e as UserError).message).toBe(
      "Artifact 'partial-1-of-2' cannot be downloaded: Unable to download and extract artifact: Artifact download failed after 5 retries.",
    );
    expect(
      stand
        .blobCalls()
        .filter((r) => r.path === artifact.blobPath)
        .map((r) => r.status),
    ).toEqual([500, 500, 500, 500, 500]);
    expect(existsSync(join(dir, 'partial-1-of-2'))).toBe(false);
  });

  it('an archive that arrives altered (its SHA-256 is not the listed digest): an error naming it', async () => {
    const zip = attempt(1);
    const artifact = stand.seed(RUN, SHARD_1_JOB, 'partial-1-of-1', zip);
    artifact.downloadFault = { bytes: zip.subarray(0, zip.length - 10) };
    const e = await rejection(downloadRunArtifacts(() => true, join(work, 'downloaded')));
    expect(e.message).toBe(
      `Artifact 'partial-1-of-1' (id ${artifact.id}) arrived corrupt: the SHA-256 of the downloaded archive is not the ${artifact.hash} the service lists.`,
    );
    expect(existsSync(join(work, 'downloaded', 'partial-1-of-1'))).toBe(false);
  });

  it('a corrupt archive listed without a digest: an error naming it', async () => {
    const zip = attempt(1);
    stand.seed(RUN, SHARD_1_JOB, 'partial-1-of-1', zip.subarray(0, zip.length - 10), false);
    const e = await rejection(downloadRunArtifacts(() => true, join(work, 'downloaded')));
    expect(e.message).toMatch(
      /^Artifact 'partial-1-of-1' \(id \d+\) cannot be unpacked: End of central directory record signature not found\. Either not a zip file, or file is truncated\.$/,
    );
  });

  it.each([
    ['../evil.json', 'invalid relative path: ../evil.json', 'evil.json'],
    ['..\\evil.json', 'invalid relative path: ../evil.json', 'evil.json'],
    ['/tmp/evil-artifact.json', 'absolute path: /tmp/evil-artifact.json', '/tmp/evil-artifact.json'],
  ])('an archive with an entry outside its directory (%j) is refused, nothing written', async (entry, problem, outside) => {
    stand.seed(
      RUN,
      SHARD_1_JOB,
      'partial-1-of-1',
      zipOf([
        { name: 'partial.json', data: Buffer.from('{}') },
        { name: entry, data: EVIL },
      ]),
    );
    const dir = join(work, 'downloaded');
    const e = await rejection(downloadRunArtifacts(() => true, dir));
    expect(e.message).toMatch(
      new RegExp(`^Artifact 'partial-1-of-1' \\(id \\d+\\) cannot be unpacked: ${problem.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\.$`),
    );
    expect(e.hint).toContain('Entries with ".." or an absolute path are refused');
    expect(existsSync(join(work, outside))).toBe(false);
    expect(existsSync(outside)).toBe(false);
    expect(await readdir(dir)).toEqual([]);
  });

  it('a listed name that is not a directory name (..) is refused', async () => {
    stand.seed(RUN, SHARD_1_JOB, '..', attempt(1));
    const e = await rejection(downloadRunArtifacts(() => true, join(work, 'downloaded')));
    expect(e.message).toMatch(/^Artifact '\.\.' \(id \d+\) cannot be downloaded: its name is not a directory name\.$/);
    expect(existsSync(join(work, 'partial.json'))).toBe(false);
  });

  it('an artifact directory that already exists is refused, its content kept', async () => {
    stand.seed(RUN, SHARD_1_JOB, 'partial-1-of-1', attempt(1));
    const dir = join(work, 'downloaded');
    await mkdir(join(dir, 'partial-1-of-1'), { recursive: true });
    await writeFile(join(dir, 'partial-1-of-1', 'keep.txt'), 'mine');
    const e = await rejection(downloadRunArtifacts(() => true, dir));
    expect(e.message).toBe(`Artifact 'partial-1-of-1' cannot be downloaded: its directory ${join(dir, 'partial-1-of-1')} already exists.`);
    expect(await readdir(join(dir, 'partial-1-of-1'))).toEqual(['keep.txt']);
  });
});
