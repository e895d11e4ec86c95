/**
 * `baseline-model: artifact:NAME[/PATH]`: the newest artifact NAME of the last successful run of a
 * workflow on the repository's default branch, downloaded and unzipped, and the model file in it.
 */
import * as core from '@actions/core';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';

import { UserError } from '../errors.js';
import { formatBytes } from '../util/format.js';
import { sha256Files } from '../util/hash.js';
import { extractZip, type ExtractedZip } from '../util/zip.js';
import { call, checkDigest, downloadToFile, isAbsent, RAW_DOWNLOAD, readRepository, type ApiStep, type Repo } from './baseline-download.js';
import type { FetchedBaseline, MissingBaseline } from './baseline-source.js';

/** Runs asked for at once: the newest successful run of the repository's own branch is among them unless forks crowd it out. */
const RUNS_PAGE = 100;
/** File names listed in an error at most. */
const LISTED = 20;

interface Run {
  id: number;
  html_url: string;
  head_sha: string;
  head_branch: string | null;
}

interface Artifact {
  id: number;
  name: string;
  size_in_bytes: number;
  expired: boolean;
  created_at: string | null;
  expires_at: string | null;
  digest?: string | null;
}

function actionsStep(gh: Repo, doing: string): ApiStep {
  return { doing, repository: gh.repository, permission: 'actions: read' };
}

/**
 * The newest successful run of `workflow` on the default branch of the repository itself: a
 * fork's pull request whose branch is also named `main` runs with head_branch `main` too, and its
 * artifact must never become the baseline.
 */
async function lastSuccessfulRun(gh: Repo, workflow: string | number): Promise<Run | MissingBaseline> {
  const { octokit, owner, repo, repository } = gh;
  const info = await readRepository(gh, actionsStep(gh, ''));
  const branch = info.default_branch;
  const doing = `listing the successful runs of workflow ${workflow} on branch ${branch} of ${repository}`;
  const runs = await call(actionsStep(gh, doing), () =>
    octokit.rest.actions.listWorkflowRuns({ owner, repo, workflow_id: workflow, branch, status: 'success', per_page: RUNS_PAGE }),
  );
  if (isAbsent(runs)) {
    throw new UserError(`${repository} has no workflow '${workflow}' (HTTP 404 ${doing}).`, {
      input: 'baseline-workflow',
      hint: 'Give baseline-workflow the file name (train.yml) or numeric id of the workflow that uploads the baseline artifact; a token without `actions: read` may see none.',
    });
  }
  const own = runs.data.workflow_runs.filter((r) => r.head_repository?.id === info.id);
  const run = own[0];
  if (!run) {
    const forks = runs.data.workflow_runs.length;
    const skipped = forks ? ` (${forks} run${forks === 1 ? '' : 's'} of forks' pull requests skipped)` : '';
    return { missing: `workflow ${workflow} has no successful run on branch ${branch} of ${repository}${skipped}` };
  }
  return run;
}

function newestFirst(a: Artifact, b: Artifact): number {
  return (b.created_at ?? '').localeCompare(a.created_at ?? '') || b.id - a.id;
}

/**
 * The newest artifact named `name` of the run. The run succeeded, so a baseline that is not there (no
 * artifact of that name, an expired one, a run gone meanwhile) is an error, never a missing baseline:
 * missing-baseline: pass must not let a model through because a retention period ran out.
 */
async function newestArtifact(gh: Repo, run: Run, name: string, label: string): Promise<Artifact> {
  const { octokit, owner, repo } = gh;
  const step = actionsStep(gh, `listing the artifacts of ${label}`);
  const listed = await call(step, () =>
    octokit.rest.actions.listWorkflowRunArtifacts({ owner, repo, run_id: run.id, name, per_page: 100 }),
  );
  if (isAbsent(listed)) throw notThere(`${label} is gone (HTTP ${listed.absent})`);
  const named = (listed.data.artifacts as Artifact[]).filter((a) => a.name === name).sort(newestFirst);
  if (!named.length) {
    const all = await call(step, () => octokit.rest.actions.listWorkflowRunArtifacts({ owner, repo, run_id: run.id, per_page: 100 }));
    const names = isAbsent(all) ? [] : [...new Set(all.data.artifacts.map((a) => a.name))];
    throw notThere(
      `${label} has no artifact named '${name}'; ${names.length ? `its artifacts: ${names.join(', ')}` : 'it has no artifacts'}`,
    );
  }
  const newest = named[0];
  if (newest.expired) throw notThere(`artifact '${name}' of ${label} has expired${newest.expires_at ? ` (on ${newest.expires_at})` : ''}`);
  return newest;
}

/** A baseline that should be there and is not: an error on baseline-model. */
function notThere(what: string): UserError {
  return new UserError(`The baseline is not where baseline-model says: ${what}.`, {
    input: 'baseline-model',
    hint: 'Run the workflow that uploads it again (an expired artifact is gone: keep it longer with retention-days), or fix the artifact name.',
  });
}

function listing(files: readonly string[]): string {
  if (!files.length) return 'it holds no files';
  const shown = files.slice(0, LISTED).join(', ');
  return `it holds: ${shown}${files.length > LISTED ? ` and ${files.length - LISTED} more` : ''}`;
}

/** The model file of the artifact: PATH when given, else its only `*.onnx` file; anything else is an error listing what is there. */
function chooseModel(files: readonly string[], name: string, file: string | undefined, label: string): string {
  if (file !== undefined) {
    if (files.includes(file)) return file;
    throw new UserError(`The ${label} holds no file '${file}'; ${listing(files)}.`, {
      input: 'baseline-model',
      hint: 'Give the path inside the artifact as actions/upload-artifact stored it (relative to the common folder of the paths it uploaded).',
    });
  }
  const models = files.filter((f) => f.toLowerCase().endsWith('.onnx'));
  if (models.length === 1) return models[0];
  throw new UserError(`The ${label} holds ${models.length ? `${models.length} .onnx files` : 'no .onnx file'}; ${listing(files)}.`, {
    input: 'baseline-model',
    hint: `Name the model file: baseline-model: artifact:${name}/${models[0] ?? 'PATH'}.`,
  });
}

/**
 * Downloads the newest artifact `location.name` of the last successful run of `workflow` on the
 * default branch into `dir`, unzips it whole (an ONNX model's external data stays beside it) and
 * returns the model file, or {missing} when the workflow has no successful run there at all (the
 * first model); an artifact that is not in that run, expired or gone is an error.
 */
export async function fetchArtifact(
  gh: Repo,
  location: { name: string; file?: string },
  workflow: string | number,
  dir: string,
): Promise<FetchedBaseline | MissingBaseline> {
  const run = await lastSuccessfulRun(gh, workflow);
  if ('missing' in run) return run;
  const runLabel = `run ${run.id} of workflow ${workflow} (${run.html_url})`;
  const artifact = await newestArtifact(gh, run, location.name, runLabel);
  const label = `artifact '${artifact.name}' of ${runLabel}`;
  const zipFile = join(dir, `artifact-${artifact.id}.zip`);
  core.info(`Downloading the baseline: ${label} (${formatBytes(artifact.size_in_bytes)}).`);
  const { octokit, owner, repo, repository } = gh;
  const got = await downloadToFile(
    actionsStep(gh, `downloading ${label}`),
    () => octokit.rest.actions.downloadArtifact({ owner, repo, artifact_id: artifact.id, archive_format: 'zip', request: RAW_DOWNLOAD }),
    zipFile,
  );
  if (isAbsent(got)) throw notThere(`${label} ${got.absent === 410 ? 'has expired' : 'is gone'} (HTTP ${got.absent})`);
  const digest = checkDigest(artifact.digest, got, `The ${label}`);
  let file = '';
  let extracted: ExtractedZip;
  try {
    extracted = await extractZip(zipFile, join(dir, `artifact-${artifact.id}`), {
      label: `The ${label}`,
      input: 'baseline-model',
      hint: 'Upload it again (actions/upload-artifact); an archive whose names leave its folder (.., absolute paths) is refused.',
      choose: (files) => (file = chooseModel(files, artifact.name, location.file, label)),
    });
  } finally {
    await rm(zipFile, { force: true });
  }
  const path = extracted.chosen;
  if (path === undefined) throw new Error('extractZip returned no chosen file');
  const origin = {
    kind: 'artifact' as const,
    repository,
    workflow: String(workflow),
    runId: run.id,
    runUrl: run.html_url,
    headSha: run.head_sha,
    artifactId: artifact.id,
    artifactName: artifact.name,
    file,
    ...(digest ? { digest } : {}),
    ...(artifact.created_at ? { createdAt: artifact.created_at } : {}),
  };
  return { path, origin, sha256: await sha256Files(path) };
}
