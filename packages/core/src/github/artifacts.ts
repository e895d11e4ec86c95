// Artifacts of the workflow run that carry the partial results of a sharded evaluation: each shard
// uploads its partial under its own name, the merge job downloads every artifact of the run whose
// name matches. A thin layer over @actions/artifact (DefaultArtifactClient) that turns what it
// throws into UserErrors naming the artifact, and unpacks downloads itself (util/zip.ts) so that an
// archive entry that would land outside its directory is refused, not silently renamed as the
// library's unzip-stream does. @actions/artifact is imported here only (package.json
// sideEffects:false lets bundles that never call these functions drop it).
import type { Artifact, DefaultArtifactClient } from '@actions/artifact';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

import { UserError, fileProblem, messageOf } from '../errors.js';
import { isPlainFileName, runnerTempDir, statRegularFile } from '../util/files.js';
import { sha256Files } from '../util/hash.js';
import { extractZip } from '../util/zip.js';
import { parseArtifactName } from './artifact-name.js';

/** The action input the artifacts stand for: a directory of partials outside GitHub Actions. */
const INPUT = 'partials';
const DIRECTORY_HINT = 'Outside GitHub Actions, give the partials input a directory that holds the partial results instead.';
/** Artifacts downloaded at once by downloadRunArtifacts (a merge of 256 shards makes 256 downloads). */
const DOWNLOAD_CONCURRENCY = 8;

/** What uploadArtifactFile stored. */
export interface UploadedArtifact {
  /** The artifact's id in the workflow run. */
  id: number;
  /** Bytes uploaded (the zip archive that holds the file). */
  size: number;
  /** SHA-256 of the uploaded archive, "sha256:<hex>" (the form the service lists). */
  digest?: string;
}

/** One artifact downloadRunArtifacts unpacked. */
export interface DownloadedArtifact {
  name: string;
  id: number;
  /** `dir/<name>`: where its files are. */
  dir: string;
  /** SHA-256 of the downloaded archive, "sha256:<hex>" (checked against the service's when it lists one). */
  digest?: string;
}

/**
 * Throws the UserError of a process that does not run inside a GitHub Actions job: the runner
 * gives a JavaScript action ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL, and artifacts need both.
 */
function requireActionsRuntime(): void {
  const missing = ['ACTIONS_RUNTIME_TOKEN', 'ACTIONS_RESULTS_URL'].filter((variable) => !process.env[variable]);
  if (missing.length === 0) return;
  const verb = missing.length === 1 ? 'is' : 'are';
  throw new UserError(
    `Artifacts of the workflow run cannot be used here: ${missing.join(' and ')} ${verb} not set (the runner sets them only for an action running in a GitHub Actions job).`,
    { input: INPUT, hint: DIRECTORY_HINT },
  );
}

/**
 * The artifact client, loaded when first needed: @actions/artifact (with the Azure storage client)
 * is most of the bundle, and a run that shares no partials should not pay for parsing it.
 */
async function artifactClient(): Promise<DefaultArtifactClient> {
  const { DefaultArtifactClient: Client } = await import('@actions/artifact');
  return new Client();
}

/** The UserError of a refusal or failure of the artifact service (`doing`: "uploaded", "downloaded", ...). */
function serviceError(doing: string, name: string | undefined, e: unknown): UserError {
  if (e instanceof UserError) return e;
  const message = messageOf(e);
  const what = name === undefined ? 'The artifacts of this workflow run' : `Artifact '${name}'`;
  if (e instanceof Error && e.name === 'GHESNotSupportedError')
    return new UserError(`${what} cannot be ${doing}: ${message}`, { input: INPUT, hint: DIRECTORY_HINT });
  if (/\(409\) Conflict/.test(message)) {
    return new UserError(`${what} cannot be ${doing}: the workflow run already has an artifact of that name (${message}).`, {
      input: INPUT,
      hint: 'Give each shard its own artifact name (its shard index in it), and run each shard once in a workflow run attempt.',
    });
  }
  return new UserError(`${what} cannot be ${doing}: ${message}`, { input: INPUT, cause: e });
}

/**
 * Uploads one file as the artifact `name` of this workflow run (zipped, under the file's base
 * name), kept `retentionDays` days (default: the repository's retention). Throws a UserError
 * naming `partials` outside GitHub Actions, for a name the library refuses, for a file that
 * cannot be read, and when the service refuses (a name already taken in the run: 409 Conflict).
 */
export async function uploadArtifactFile(name: string, file: string, options: { retentionDays?: number } = {}): Promise<UploadedArtifact> {
  requireActionsRuntime();
  const { retentionDays } = options;
  if (retentionDays !== undefined && !(Number.isInteger(retentionDays) && retentionDays >= 1)) {
    throw new RangeError(`retentionDays must be a whole number of days >= 1, not ${retentionDays}`);
  }
  const checked = parseArtifactName(name);
  if (!checked.ok) throw new UserError(`The partial result cannot be uploaded: ${checked.error}.`, { input: INPUT });
  const path = resolve(file);
  try {
    await statRegularFile(path);
  } catch (e) {
    throw new UserError(`The partial result ${file} ${fileProblem(e)}.`, { file, input: INPUT });
  }
  try {
    const uploaded = await (await artifactClient()).uploadArtifact(name, [path], dirname(path), { retentionDays });
    if (uploaded.id === undefined) throw new Error('the service answered no artifact id');
    return { id: uploaded.id, size: uploaded.size ?? 0, digest: uploaded.digest ? `sha256:${uploaded.digest}` : undefined };
  } catch (e) {
    throw serviceError('uploaded', name, e);
  }
}

/**
 * Downloads every artifact of THIS workflow run whose name matches `match` (listed with
 * listArtifacts({latest: true}), so that a re-run attempt's artifact replaces the earlier one of
 * its name), each unpacked into `dir/<artifact name>/`, which must not exist yet. Returns them
 * sorted by name; none matching is not an error here (the caller decides). Throws a UserError
 * naming `partials` outside GitHub Actions, and naming the artifact when its download fails, its
 * digest differs from the listed one, or its archive is corrupt or has an entry that would land
 * outside its directory (`..`, an absolute path).
 */
export async function downloadRunArtifacts(match: (name: string) => boolean, dir: string): Promise<DownloadedArtifact[]> {
  requireActionsRuntime();
  const client = await artifactClient();
  let listed: Artifact[];
  try {
    listed = (await client.listArtifacts({ latest: true })).artifacts;
  } catch (e) {
    throw serviceError('listed', undefined, e);
  }
  const chosen = listed.filter((artifact) => match(artifact.name)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (chosen.length === 0) return [];
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    throw new UserError(`The directory for the downloaded partials, ${dir}, cannot be made: ${fileProblem(e, 'a directory')}.`, {
      file: dir,
      input: INPUT,
    });
  }
  return eachAtMost(DOWNLOAD_CONCURRENCY, chosen, (artifact) => downloadArtifactInto(client, artifact, dir));
}

/** `work` of every item, at most `limit` at once, in the items' order; no new item starts after a failure. */
async function eachAtMost<T, R>(limit: number, items: T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < items.length && !failed) {
      const index = next++;
      try {
        results[index] = await work(items[index]);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Downloads one artifact's archive to a temporary directory (in RUNNER_TEMP) and unpacks it into `dir/<name>`. */
async function downloadArtifactInto(client: DefaultArtifactClient, artifact: Artifact, dir: string): Promise<DownloadedArtifact> {
  const { name, id } = artifact;
  if (!isPlainFileName(name))
    throw new UserError(`Artifact '${name}' (id ${id}) cannot be downloaded: its name is not a directory name.`, { input: INPUT });
  const target = join(dir, name);
  try {
    await mkdir(target);
  } catch (e) {
    const problem = (e as NodeJS.ErrnoException).code === 'EEXIST' ? 'already exists' : fileProblem(e, 'a directory');
    throw new UserError(`Artifact '${name}' cannot be downloaded: its directory ${target} ${problem}.`, { file: target, input: INPUT });
  }
  const staging = await runnerTempDir('ml-gate-artifact-');
  try {
    const archive = await downloadArchive(client, artifact, staging);
    const digest = artifact.digest ?? `sha256:${await sha256Files(archive)}`;
    await extractZip(archive, target, {
      label: `Artifact '${name}' (id ${id})`,
      input: INPUT,
      hint: 'Entries with ".." or an absolute path are refused. Upload the partial again with uploadArtifactFile (re-run its shard).',
    });
    return { name, id, dir: target, digest };
  } catch (e) {
    await rm(target, { recursive: true, force: true });
    throw e;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** The archive of `artifact`, downloaded as is into the empty directory `staging`, its digest checked. */
async function downloadArchive(client: DefaultArtifactClient, artifact: Artifact, staging: string): Promise<string> {
  const { name, id, digest } = artifact;
  let digestMismatch: boolean | undefined;
  try {
    ({ digestMismatch } = await client.downloadArtifact(id, { path: staging, expectedHash: digest, skipDecompress: true }));
  } catch (e) {
    throw serviceError('downloaded', name, e);
  }
  if (digestMismatch) {
    throw new UserError(
      `Artifact '${name}' (id ${id}) arrived corrupt: the SHA-256 of the downloaded archive is not the ${digest} the service lists.`,
      {
        input: INPUT,
        hint: 'Run the job again; if it persists, re-run the job that uploaded the artifact.',
      },
    );
  }
  const files = await readdir(staging);
  if (files.length !== 1) throw new Error(`the download of artifact ${name} left ${files.length} files, expected its archive`);
  return join(staging, files[0]);
}
