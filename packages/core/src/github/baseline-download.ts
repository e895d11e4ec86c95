import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { getOctokit } from '@actions/github';

import { messageOf, UserError } from '../errors.js';
import { redactUrl } from '../http/redact.js';
import { isPlainFileName } from '../util/files.js';
import { formatBytes } from '../util/format.js';
import { INVALID_TOKEN_HINT, NOT_FOUND_FOR_TOKEN_HINT, isRateLimit, readApiError } from '../util/github-api-error.js';

/** The permission a call needs, as a workflow's `permissions:` block spells it. */
export type Permission = 'contents: read' | 'actions: read';

/** One call to the GitHub API, for its error messages: what it was doing, in which repository, needing what. */
export interface ApiStep {
  /** "reading the release tagged 'v3' of octo/models" */
  doing: string;
  repository: string;
  permission: Permission;
}

/** A 404 or a 410 (an expired artifact): what the caller may treat as a missing baseline. */
export interface Absent {
  absent: 404 | 410;
  message: string;
}

export function isAbsent(x: unknown): x is Absent {
  return typeof x === 'object' && x !== null && 'absent' in x;
}

const PERMISSION_HINTS: Record<Permission, string> = {
  'contents: read':
    'Give the job `permissions: contents: read` (a job that lists `permissions:` gets none it leaves out); a fine-grained token needs Contents: read on the repository.',
  'actions: read':
    "Give the job `permissions: actions: read`: reading another workflow run's runs and artifacts needs it (always in a private repository); a fine-grained token needs Actions: read on the repository.",
};

/** The UserError for a failed call that does not mean "missing": the status's cause, the input at fault, the permission needed. */
export function apiFailure(step: ApiStep, e: unknown): UserError {
  const a = readApiError(e);
  const what = `${a.status ? `HTTP ${a.status}: ` : ''}${a.message}`;
  if (a.status === 401) {
    return new UserError(`GitHub refused the token in github-token while ${step.doing} (${what}).`, {
      input: 'github-token',
      hint: INVALID_TOKEN_HINT,
      cause: e,
    });
  }
  if (isRateLimit(a)) {
    return new UserError(`GitHub's rate limit stopped ${step.doing} (${what}).`, {
      input: 'baseline-model',
      hint: 'Runs that share a token share its limit: run the job again once it resets.',
      cause: e,
    });
  }
  if (a.status === 403) {
    return new UserError(`The token in github-token may not be used for ${step.doing} (${what}).`, {
      input: 'github-token',
      hint: PERMISSION_HINTS[step.permission],
      cause: e,
    });
  }
  const hint =
    a.status === undefined || a.status >= 500
      ? 'GitHub or the network failed (https://www.githubstatus.com): run the job again.'
      : PERMISSION_HINTS[step.permission];
  return new UserError(`The GitHub API failed while ${step.doing} (${what}).`, { input: 'baseline-model', hint, cause: e });
}

/** The answer of `request`, or Absent for a 404 or 410; any other failure is apiFailure's UserError. */
export async function call<R>(step: ApiStep, request: () => Promise<R>): Promise<R | Absent> {
  try {
    return await request();
  } catch (e) {
    const { status, message } = readApiError(e);
    if (status === 404 || status === 410) return { absent: status, message };
    // a TypeError of our own making is a bug, not GitHub's answer
    if (status === undefined) throw e;
    throw apiFailure(step, e);
  }
}

/**
 * Octokit's request options for a download: the redirect to the storage host is not followed by
 * Octokit (which would send it the token's Authorization header and buffer the body in memory),
 * and a body is handed over unread, as a stream.
 */
export const RAW_DOWNLOAD = { redirect: 'manual', parseSuccessResponseBody: false } as const;

/** What Octokit answers with RAW_DOWNLOAD: a 302 with a location, or (GitHub Enterprise Server may) the bytes. */
interface RawAnswer {
  status: number;
  headers: Record<string, unknown>;
  data: unknown;
}

/** The bytes written and their SHA-256 (hex), computed as they were written. */
export interface Downloaded {
  bytes: number;
  sha256: string;
}

async function discard(body: unknown): Promise<void> {
  const stream = body as { cancel?: () => Promise<void> } | null | undefined;
  await stream?.cancel?.().catch(() => undefined);
}

/** The body at a signed storage URL, fetched WITHOUT the token (the URL is its own credential); its query is never shown. */
async function fetchFromStorage(location: string, step: ApiStep): Promise<WebReadableStream<Uint8Array>> {
  let res: Response;
  try {
    res = await fetch(location, { redirect: 'follow' });
  } catch (e) {
    const cause = (e as { cause?: unknown }).cause;
    throw new UserError(`${step.doing} failed: ${redactUrl(location)} could not be reached (${messageOf(cause ?? e)}).`, {
      input: 'baseline-model',
      hint: 'GitHub redirects downloads to its storage host; the runner must be able to reach it. Run the job again.',
      cause: e,
    });
  }
  if (!res.ok || !res.body) {
    await discard(res.body);
    throw new UserError(`${step.doing} failed: the storage host ${redactUrl(location)} answered HTTP ${res.status}.`, {
      input: 'baseline-model',
      hint: "GitHub's download link expires within minutes: run the job again.",
    });
  }
  return res.body as WebReadableStream<Uint8Array>;
}

/** Streams `body` to `file` (through `file.part`, renamed when complete), hashing as it writes. */
async function streamToFile(body: WebReadableStream<Uint8Array>, file: string, step: ApiStep): Promise<Downloaded> {
  await mkdir(dirname(file), { recursive: true });
  const part = `${file}.part`;
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    await pipeline(
      Readable.fromWeb(body),
      async function* (chunks: AsyncIterable<Buffer>) {
        for await (const chunk of chunks) {
          hash.update(chunk);
          bytes += chunk.byteLength;
          yield chunk;
        }
      },
      createWriteStream(part, { mode: 0o600 }),
    );
    await rename(part, file);
  } catch (e) {
    await rm(part, { force: true });
    throw new UserError(`${step.doing} to ${file} failed after ${formatBytes(bytes)}: ${messageOf(e)}.`, {
      input: 'baseline-model',
      hint: 'A broken connection or a full disk: run the job again (with room in RUNNER_TEMP).',
      cause: e,
    });
  }
  return { bytes, sha256: hash.digest('hex') };
}

/**
 * Downloads what `request` (an Octokit call with RAW_DOWNLOAD) answers into `file`: a redirect is
 * followed to the storage host without the token; a body given directly is streamed as it is.
 * Memory holds a chunk at a time. A 404 or 410 is Absent.
 */
export async function downloadToFile(step: ApiStep, request: () => Promise<RawAnswer>, file: string): Promise<Downloaded | Absent> {
  const answer = await call(step, request);
  if (isAbsent(answer)) return answer;
  let body = answer.data as WebReadableStream<Uint8Array> | null;
  if (answer.status >= 300 && answer.status < 400) {
    await discard(answer.data);
    const location = answer.headers.location;
    if (typeof location !== 'string' || !location) {
      throw new UserError(`${step.doing} failed: GitHub answered HTTP ${answer.status} without a location to download from.`, {
        input: 'baseline-model',
      });
    }
    body = await fetchFromStorage(location, step);
  }
  if (!body)
    throw new UserError(`${step.doing} failed: GitHub answered HTTP ${answer.status} without a body.`, { input: 'baseline-model' });
  return streamToFile(body, file, step);
}

/** The Octokit of @actions/github. */
export type Octokit = ReturnType<typeof getOctokit>;

/** The repository of this run and a client for the API of this call's environment. */
export interface Repo {
  octokit: Octokit;
  owner: string;
  repo: string;
  repository: string;
}

/** "sha256:HEX" of GitHub against the hex we computed; a difference is a corrupt download. */
export function checkDigest(digest: string | null | undefined, got: Downloaded, what: string): string | undefined {
  if (!digest) return undefined;
  const [algorithm, hex] = digest.split(':');
  if (algorithm !== 'sha256' || !hex) return digest; // a digest we cannot check is recorded as it is
  if (hex.toLowerCase() !== got.sha256) {
    throw new UserError(`${what} downloaded with SHA-256 ${got.sha256}, but GitHub records ${digest}: the download is corrupt.`, {
      input: 'baseline-model',
      hint: 'Run the job again; if it persists, upload the baseline again.',
    });
  }
  return digest;
}

/** A name from GitHub used as a file name: one path part, never `.`/`..` or a separator. */
export function asFileName(name: string, fallback: string): string {
  return isPlainFileName(name) ? name : fallback;
}

/**
 * The repository the baseline is looked up in. GitHub answers 404, not 403, to a token that cannot
 * see a private repository: asked first, so that such a token is an error naming github-token, never
 * a release or run "not found" that missing-baseline: pass would let through.
 */
export async function readRepository(gh: Repo, step: ApiStep): Promise<{ id: number; default_branch: string }> {
  const { octokit, owner, repo, repository } = gh;
  const info = await call({ ...step, doing: `reading repository ${repository}` }, () => octokit.rest.repos.get({ owner, repo }));
  if (isAbsent(info)) {
    throw new UserError(`GitHub found no repository ${repository} (GITHUB_REPOSITORY) for the token in github-token (HTTP 404).`, {
      input: 'github-token',
      hint: NOT_FOUND_FOR_TOKEN_HINT,
    });
  }
  return info.data;
}
