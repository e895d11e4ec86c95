/**
 * The baseline model found where GitHub keeps it: `baseline-model: release:TAG/ASSET` (an asset of
 * a release of this repository) or `artifact:NAME[/PATH]` (the newest artifact NAME of the last
 * successful run of a workflow on the default branch). Downloads stream to disk; a baseline that
 * does not exist is reported as missing (the caller's missing-baseline policy decides), anything
 * else is a UserError naming the input at fault and the permission the token needs.
 */
import * as core from '@actions/core';
import { getOctokit } from '@actions/github';
import { join } from 'node:path';

import { parsed, parseError, UserError, type ParseResult } from '../errors.js';
import { formatBytes } from '../util/format.js';
import { isSafeEntryName } from '../util/zip.js';
import { parseArtifactName } from './artifact-name.js';
import { fetchArtifact } from './baseline-artifact.js';
import {
  asFileName,
  call,
  checkDigest,
  downloadToFile,
  isAbsent,
  RAW_DOWNLOAD,
  readRepository,
  type ApiStep,
  type Repo,
} from './baseline-download.js';

/** Where baseline-model says the baseline is. */
export type BaselineLocation =
  { kind: 'path'; path: string } | { kind: 'release'; tag: string; asset: string } | { kind: 'artifact'; name: string; file?: string };

/** Characters a tag may not hold (git check-ref-format): whitespace, controls, ~ ^ : ? * [ \ */
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const BAD_TAG_CHARS = /[\s\x00-\x1f\x7f~^:?*[\\]/;

function parseRelease(rest: string): ParseResult<BaselineLocation> {
  const form = "release:TAG/ASSET (the asset's name after the last /, e.g. release:models/v3/model.onnx)";
  const slash = rest.lastIndexOf('/');
  if (slash < 0) return parseError(`a release needs a tag and an asset name: ${form}`);
  const tag = rest.slice(0, slash);
  const asset = rest.slice(slash + 1);
  if (!tag) return parseError(`it names no tag: ${form}`);
  if (!asset) return parseError(`it names no asset: ${form}`);
  const badTag =
    BAD_TAG_CHARS.test(tag) ||
    tag.includes('..') ||
    tag.includes('@{') ||
    tag.split('/').some((p) => !p || p.startsWith('.') || p.endsWith('.lock'));
  if (badTag || tag.endsWith('.')) return parseError(`'${tag}' is not a tag name git allows (git check-ref-format)`);
  return parsed({ kind: 'release', tag, asset });
}

function parseArtifact(rest: string): ParseResult<BaselineLocation> {
  const form = 'artifact:NAME or artifact:NAME/PATH (PATH: the file inside the artifact)';
  const slash = rest.indexOf('/');
  const name = slash < 0 ? rest : rest.slice(0, slash);
  if (!name) return parseError(`it names no artifact: ${form}`);
  const checked = parseArtifactName(name);
  if (!checked.ok) return checked;
  if (slash < 0) return parsed({ kind: 'artifact', name });
  const file = rest.slice(slash + 1).replace(/^(\.\/)+/, '');
  if (!file) return parseError(`it names no file after '${name}/': ${form}`);
  if (!isSafeEntryName(file) || file.split('/').some((p) => !p || p === '.')) {
    return parseError(`'${file}' is not a path inside the artifact (relative, with / between folders, no . or .. parts)`);
  }
  return parsed({ kind: 'artifact', name, file });
}

/**
 * Parses baseline-model: `release:TAG/ASSET` (split at the LAST `/`: tags may hold `/`, asset
 * names cannot), `artifact:NAME` or `artifact:NAME/PATH` (split at the FIRST `/`: artifact names
 * cannot hold one), anything else a path ('' stays a path ''). A malformed release:/artifact:
 * value is an error saying the form, worded to follow "Input baseline-model is '...': ".
 */
export function parseBaselineLocation(value: string): ParseResult<BaselineLocation> {
  if (value.startsWith('release:')) return parseRelease(value.slice('release:'.length));
  if (value.startsWith('artifact:')) return parseArtifact(value.slice('artifact:'.length));
  return parsed({ kind: 'path', path: value });
}

/**
 * Parses baseline-workflow: a workflow file name (`train.yml`, also as `.github/workflows/train.yml`)
 * or its numeric id; '' is the workflow of this run, from GITHUB_WORKFLOW_REF
 * (`owner/repo/.github/workflows/train.yml@refs/heads/main`).
 */
export function parseBaselineWorkflow(value: string, env: NodeJS.ProcessEnv = process.env): ParseResult<string | number> {
  const text = value.trim();
  if (/^\d+$/.test(text)) return parsed(Number(text));
  const file = /^(?:\.github\/workflows\/)?([^/\\]+\.ya?ml)$/.exec(text);
  if (file) return parsed(file[1]);
  if (text) return parseError('expected a workflow file name such as train.yml, or its numeric id');
  const ref = /^[^/]+\/[^/]+\/\.github\/workflows\/([^/@]+\.ya?ml)@/.exec(env.GITHUB_WORKFLOW_REF ?? '');
  if (ref) return parsed(ref[1]);
  return parseError(
    'it is empty and GITHUB_WORKFLOW_REF (the workflow of this run) is not set; name the workflow that uploads the baseline artifact (train.yml, or its numeric id)',
  );
}

/** Where the baseline came from, for the report (models.baseline.source). */
export type BaselineOrigin =
  | { kind: 'path' }
  | {
      kind: 'release';
      repository: string;
      tag: string;
      asset: string;
      assetId: number;
      releaseUrl: string;
      updatedAt?: string;
      /** GitHub's digest of the asset ("sha256:HEX"), checked against the download; absent for older assets. */
      digest?: string;
    }
  | {
      kind: 'artifact';
      repository: string;
      workflow: string;
      runId: number;
      runUrl: string;
      headSha: string;
      artifactId: number;
      artifactName: string;
      file: string;
      /** GitHub's digest of the artifact's zip ("sha256:HEX", upload-artifact v4 and later), checked against the download. */
      digest?: string;
      createdAt?: string;
    };

/** A baseline downloaded: its local path, where it came from, the SHA-256 (hex) of the model file. */
export interface FetchedBaseline {
  path: string;
  origin: BaselineOrigin;
  sha256: string;
}

/** A baseline that does not exist where baseline-model says, and why: the caller's missing-baseline policy applies. */
export interface MissingBaseline {
  missing: string;
}

export interface FetchBaselineOptions {
  /** The token (github-token); '' is an error naming the permission needed. */
  token: string;
  /** baseline-workflow as given ('' : this run's workflow); used by artifact: only. */
  workflow: string;
  /** Where downloads go (a folder under RUNNER_TEMP); created when needed. */
  dir: string;
  /** GITHUB_REPOSITORY, GITHUB_API_URL, GITHUB_WORKFLOW_REF; default process.env. */
  env?: NodeJS.ProcessEnv;
}

function connect(location: Exclude<BaselineLocation, { kind: 'path' }>, options: FetchBaselineOptions): Repo {
  const env = options.env ?? process.env;
  const permission = location.kind === 'release' ? 'contents: read' : 'actions: read';
  if (!options.token) {
    throw new UserError(
      `Input baseline-model names a ${location.kind} (${location.kind}:...), which is read with a token, and github-token is empty.`,
      {
        input: 'github-token',
        hint: `Set github-token (its default, \${{ github.token }}, will do) and give the job \`permissions: ${permission}\`.`,
      },
    );
  }
  const repository = env.GITHUB_REPOSITORY ?? '';
  const [owner, repo, extra] = repository.split('/');
  if (!owner || !repo || extra !== undefined) {
    throw new UserError(
      `GITHUB_REPOSITORY is '${repository}', not owner/name: a ${location.kind}: baseline is looked up in this run's repository.`,
      {
        input: 'baseline-model',
        hint: 'Outside GitHub Actions, give baseline-model a path.',
      },
    );
  }
  // the API URL of this call's environment: getOctokit's default was read when @actions/github was imported
  const octokit = getOctokit(options.token, { baseUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '') });
  return { octokit, owner, repo, repository };
}

/**
 * Downloads the baseline into `options.dir` and returns its local path, origin and SHA-256, or
 * {missing: detail} when it does not exist (no such release, tag or asset; no successful run; no
 * such artifact; an expired one). Anything else (no token, 401, 403, network, a corrupt download)
 * throws a UserError with input 'baseline-model', 'github-token' or 'baseline-workflow', naming the
 * permission needed: `contents: read` for release assets, `actions: read` for artifacts.
 */
export async function fetchBaseline(
  location: Exclude<BaselineLocation, { kind: 'path' }>,
  options: FetchBaselineOptions,
): Promise<FetchedBaseline | MissingBaseline> {
  const gh = connect(location, options);
  if (location.kind === 'release') return fetchReleaseAsset(gh, location, options.dir);
  const workflow = parseBaselineWorkflow(options.workflow, options.env ?? process.env);
  if (!workflow.ok) {
    throw new UserError(`Input baseline-workflow${options.workflow ? ` is '${options.workflow}'` : ''}: ${workflow.error}.`, {
      input: 'baseline-workflow',
    });
  }
  return fetchArtifact(gh, location, workflow.value, options.dir);
}

/**
 * The release exists but the asset is not (yet, or any more) there: an error, never a missing
 * baseline (a promotion replacing the asset, a misnamed asset, must not let a model through).
 */
function assetNotThere(what: string): UserError {
  return new UserError(`The baseline is not where baseline-model says: ${what}.`, {
    input: 'baseline-model',
    hint: 'Check the asset name; if a promotion is replacing it, run the job again once it is uploaded.',
  });
}

async function fetchReleaseAsset(
  gh: Repo,
  location: { tag: string; asset: string },
  dir: string,
): Promise<FetchedBaseline | MissingBaseline> {
  const { octokit, owner, repo, repository } = gh;
  const step: ApiStep = {
    doing: `reading the release tagged '${location.tag}' of ${repository}`,
    repository,
    permission: 'contents: read',
  };
  // a token that cannot see the repository gets 404 for its releases too: told apart first
  await readRepository(gh, step);
  const release = await call(step, () => octokit.rest.repos.getReleaseByTag({ owner, repo, tag: location.tag }));
  // no such release yet (the very first model): the one case left to missing-baseline
  if (isAbsent(release)) return { missing: `${repository} has no release tagged '${location.tag}'` };
  const asset = release.data.assets.find((a) => a.name === location.asset);
  const names = release.data.assets.map((a) => a.name);
  if (!asset) {
    throw assetNotThere(
      `release '${location.tag}' of ${repository} has no asset named '${location.asset}'; ${names.length ? `its assets: ${names.join(', ')}` : 'it has no assets'}`,
    );
  }
  if (asset.state !== 'uploaded')
    throw assetNotThere(`asset '${asset.name}' of release '${location.tag}' of ${repository} is still being uploaded`);
  const file = join(dir, `release-asset-${asset.id}`, asFileName(asset.name, 'baseline.onnx'));
  const doing = `downloading asset '${asset.name}' of release '${location.tag}' of ${repository}`;
  core.info(`Downloading the baseline: ${doing.replace(/^downloading /, '')} (${formatBytes(asset.size)}).`);
  const got = await downloadToFile(
    { ...step, doing },
    () =>
      octokit.request('GET /repos/{owner}/{repo}/releases/assets/{asset_id}', {
        owner,
        repo,
        asset_id: asset.id,
        headers: { accept: 'application/octet-stream' },
        request: RAW_DOWNLOAD,
      }),
    file,
  );
  if (isAbsent(got))
    throw assetNotThere(`asset '${asset.name}' of release '${location.tag}' of ${repository} is gone (HTTP ${got.absent})`);
  if (got.bytes !== asset.size) {
    throw new UserError(`${doing} gave ${got.bytes} bytes; GitHub records ${asset.size}: the download is incomplete.`, {
      input: 'baseline-model',
      hint: 'Run the job again.',
    });
  }
  const digest = checkDigest((asset as { digest?: string | null }).digest, got, `Asset '${asset.name}' of release '${location.tag}'`);
  const origin: BaselineOrigin = {
    kind: 'release',
    repository,
    tag: location.tag,
    asset: asset.name,
    assetId: asset.id,
    releaseUrl: release.data.html_url,
    updatedAt: asset.updated_at,
    ...(digest ? { digest } : {}),
  };
  return { path: file, origin, sha256: got.sha256 };
}
