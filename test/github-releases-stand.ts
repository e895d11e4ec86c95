// Loopback stand-ins for where GitHub keeps a baseline model: the part of the GitHub REST API that
// finds a release asset or an artifact of another workflow run, and the storage host that GitHub's
// download endpoints redirect to. Tests cannot reach GitHub (and must not): they point
// GITHUB_API_URL at `GitHubReleasesStand`, which keeps releases, runs and artifacts in memory and
// records every request, as `storage` records every request made to the storage host.
//
// Implemented, as GitHub documents them (https://docs.github.com/rest/releases,
// https://docs.github.com/rest/actions/workflow-runs, https://docs.github.com/rest/actions/artifacts):
//   GET /repos/{o}/{r}                                   id, full_name, default_branch, private
//   GET /repos/{o}/{r}/releases/tags/{tag}               the tag is ONE path segment (a '/' in it
//                                                        percent-encoded, as Octokit sends it); 404
//   GET /repos/{o}/{r}/releases/assets/{id}              JSON; with Accept: application/octet-stream,
//                                                        302 to the storage host (a signed URL)
//   GET /repos/{o}/{r}/actions/workflows/{file|id}/runs  ?branch=&status=success&per_page=&page=,
//                                                        newest first; 404 for an unknown workflow
//   GET /repos/{o}/{r}/actions/runs/{id}/artifacts       ?name= (exact) &per_page=
//   GET /repos/{o}/{r}/actions/artifacts/{id}/zip        302 to the storage host; 410 when expired
// Anything else answers 404 (and is recorded). Without a token: 401. `fail`: an answer given instead
// of the endpoint's (a 403 of a token without `actions: read`, a 5xx).
import type { Server } from 'node:http';

import { answering, closeServer, GitHubApiStand, listenOnLoopback, recordRequest } from './loopback.js';
import type { GitHubApiStubBaseOptions, JsonReply, RecordedRequest } from './loopback.js';

export type { RecordedRequest } from './loopback.js';
/** Moved to test/zip.ts; re-exported for the tests that import it from here. */
export { zipOf } from './zip.js';

export interface StandAsset {
  id: number;
  name: string;
  content: Buffer;
  /** GitHub's "sha256:HEX" of the asset; null as for assets uploaded before GitHub recorded digests. */
  digest?: string | null;
  /** 'open': still uploading. */
  state?: 'uploaded' | 'open';
  /** The size GitHub reports; default content.length. */
  size?: number;
}

export interface StandRelease {
  id: number;
  tag: string;
  assets: StandAsset[];
}

export interface StandArtifact {
  id: number;
  name: string;
  /** The zip GitHub serves (see zipOf). */
  content: Buffer;
  expired?: boolean;
  created_at: string;
  /** "sha256:HEX" of the zip (upload-artifact v4 and later); null for older ones. */
  digest?: string | null;
}

export interface StandRun {
  id: number;
  /** The workflow's file name (train.yml) and id. */
  workflow: string;
  workflowId: number;
  head_branch: string;
  head_sha: string;
  conclusion: 'success' | 'failure' | 'cancelled' | null;
  created_at: string;
  /** The repository the run's commit came from: another one for a fork's pull request. */
  headRepository?: { id: number; full_name: string };
  artifacts: StandArtifact[];
}

export interface GitHubReleasesStandOptions extends GitHubApiStubBaseOptions {
  /** owner/name of the repository the stand serves (GITHUB_REPOSITORY). */
  repository?: string;
  repositoryId?: number;
  defaultBranch?: string;
  /** An answer instead of the endpoint's (undefined: the endpoint answers). */
  fail?: (r: RecordedRequest) => JsonReply | undefined;
}

/** The storage host GitHub redirects downloads to: serves bytes by path, records every request. */
export class StorageStand {
  readonly requests: RecordedRequest[] = [];
  readonly files = new Map<string, { content: Buffer; contentType: string }>();
  url = '';
  private readonly server: Server;

  private constructor() {
    this.server = answering(async (req, res) => {
      const record = await recordRequest(req);
      this.requests.push(record);
      const file = this.files.get(record.path);
      record.status = file ? 200 : 404;
      if (!file) {
        res.writeHead(404, { 'content-type': 'application/xml' });
        res.end('<Error><Code>BlobNotFound</Code></Error>');
        return;
      }
      res.writeHead(200, { 'content-type': file.contentType, 'content-length': String(file.content.length) });
      res.end(file.content);
    });
  }

  static async start(): Promise<StorageStand> {
    const stand = new StorageStand();
    stand.url = await listenOnLoopback(stand.server);
    return stand;
  }

  /** Serves `content` at `path`; returns the signed URL GitHub would redirect to. */
  put(path: string, content: Buffer, contentType: string): string {
    this.files.set(path, { content, contentType });
    return `${this.url}${path}?sv=2024-01-01&se=2099-01-01&sig=c2lnbmF0dXJl`;
  }

  close(): Promise<void> {
    return closeServer(this.server);
  }
}

const RUN_URL = (repo: string, id: number) => `https://github.com/${repo}/actions/runs/${id}`;

export class GitHubReleasesStand extends GitHubApiStand<GitHubReleasesStandOptions> {
  readonly releases: StandRelease[] = [];
  readonly runs: StandRun[] = [];
  private constructor(
    options: GitHubReleasesStandOptions,
    readonly storage: StorageStand,
  ) {
    super({ repository: 'octo/models', repositoryId: 4242, defaultBranch: 'main', ...options });
  }

  /** Starts the API stand-in and its storage host on 127.0.0.1, on free ports. */
  static async start(options: GitHubReleasesStandOptions = {}): Promise<GitHubReleasesStand> {
    return new GitHubReleasesStand(options, await StorageStand.start()).listen();
  }

  override async close(): Promise<void> {
    await super.close();
    await this.storage.close();
  }

  get repository(): string {
    return this.options.repository!;
  }

  /** A run of this repository's own branch (not a fork's). */
  ownRepository(): { id: number; full_name: string } {
    return { id: this.options.repositoryId!, full_name: this.repository };
  }

  protected route(r: RecordedRequest): JsonReply | undefined {
    const failed = this.options.fail?.(r);
    if (failed) return failed;
    if (r.method !== 'GET') return undefined;
    const prefix = `/repos/${this.repository}`;
    if (r.path === prefix) {
      return {
        status: 200,
        json: { id: this.options.repositoryId, full_name: this.repository, default_branch: this.options.defaultBranch, private: true },
      };
    }
    if (!r.path.startsWith(`${prefix}/`)) return undefined;
    const rest = r.path.slice(prefix.length);
    return this.releaseRoute(r, rest) ?? this.actionsRoute(r, rest);
  }

  private releaseRoute(r: RecordedRequest, rest: string): JsonReply | undefined {
    let m = /^\/releases\/tags\/([^/]+)$/.exec(rest);
    if (m) {
      const tag = decodeURIComponent(m[1]);
      const release = this.releases.find((x) => x.tag === tag);
      return release ? { status: 200, json: this.releaseJson(release) } : undefined;
    }
    m = /^\/releases\/assets\/(\d+)$/.exec(rest);
    if (!m) return undefined;
    const id = Number(m[1]);
    const asset = this.releases.flatMap((x) => x.assets).find((a) => a.id === id);
    if (!asset) return undefined;
    if (!String(r.headers.accept ?? '').includes('application/octet-stream')) return { status: 200, json: this.assetJson(asset) };
    const location = this.storage.put(`/releases/${id}/${encodeURIComponent(asset.name)}`, asset.content, 'application/octet-stream');
    return { status: 302, json: {}, headers: { location } };
  }

  private actionsRoute(r: RecordedRequest, rest: string): JsonReply | undefined {
    let m = /^\/actions\/workflows\/([^/]+)\/runs$/.exec(rest);
    if (m) return this.workflowRuns(r, decodeURIComponent(m[1]));
    m = /^\/actions\/runs\/(\d+)\/artifacts$/.exec(rest);
    if (m) {
      const run = this.runs.find((x) => x.id === Number(m![1]));
      if (!run) return undefined;
      const name = r.query.get('name');
      const artifacts = run.artifacts.filter((a) => name === null || a.name === name).map((a) => this.artifactJson(run, a));
      const perPage = Number(r.query.get('per_page') ?? 30);
      return { status: 200, json: { total_count: artifacts.length, artifacts: artifacts.slice(0, perPage) } };
    }
    m = /^\/actions\/artifacts\/(\d+)\/zip$/.exec(rest);
    if (!m) return undefined;
    const id = Number(m[1]);
    const artifact = this.runs.flatMap((x) => x.artifacts).find((a) => a.id === id);
    if (!artifact) return undefined;
    if (artifact.expired)
      return { status: 410, json: { message: 'Artifact has expired', documentation_url: 'https://docs.github.com/rest' } };
    return {
      status: 302,
      json: {},
      headers: { location: this.storage.put(`/artifacts/${artifact.id}.zip`, artifact.content, 'application/zip') },
    };
  }

  private workflowRuns(r: RecordedRequest, workflow: string): JsonReply | undefined {
    const ofWorkflow = this.runs.filter((x) => x.workflow === workflow || String(x.workflowId) === workflow);
    if (!ofWorkflow.length) return undefined;
    const branch = r.query.get('branch');
    const status = r.query.get('status');
    const runs = ofWorkflow
      .filter((x) => (branch === null || x.head_branch === branch) && (status === null || x.conclusion === status))
      .sort((a, b) => b.created_at.localeCompare(a.created_at));
    const perPage = Number(r.query.get('per_page') ?? 30);
    const page = Number(r.query.get('page') ?? 1);
    const json = runs.slice((page - 1) * perPage, page * perPage).map((x) => this.runJson(x));
    return { status: 200, json: { total_count: runs.length, workflow_runs: json } };
  }

  private releaseJson(release: StandRelease) {
    return {
      id: release.id,
      tag_name: release.tag,
      html_url: `https://github.com/${this.repository}/releases/tag/${encodeURIComponent(release.tag)}`,
      draft: false,
      assets: release.assets.map((a) => this.assetJson(a)),
    };
  }

  private assetJson(asset: StandAsset) {
    return {
      id: asset.id,
      url: `${this.url}/repos/${this.repository}/releases/assets/${asset.id}`,
      name: asset.name,
      state: asset.state ?? 'uploaded',
      size: asset.size ?? asset.content.length,
      digest: asset.digest ?? null,
      content_type: 'application/octet-stream',
      created_at: '2025-01-01T00:00:00Z',
      updated_at: '2025-01-02T00:00:00Z',
    };
  }

  private runJson(run: StandRun) {
    return {
      id: run.id,
      name: run.workflow,
      path: `.github/workflows/${run.workflow}`,
      workflow_id: run.workflowId,
      head_branch: run.head_branch,
      head_sha: run.head_sha,
      status: 'completed',
      conclusion: run.conclusion,
      created_at: run.created_at,
      html_url: RUN_URL(this.repository, run.id),
      repository: this.ownRepository(),
      head_repository: run.headRepository ?? this.ownRepository(),
    };
  }

  private artifactJson(run: StandRun, a: StandArtifact) {
    return {
      id: a.id,
      name: a.name,
      size_in_bytes: a.content.length,
      url: `${this.url}/repos/${this.repository}/actions/artifacts/${a.id}`,
      archive_download_url: `${this.url}/repos/${this.repository}/actions/artifacts/${a.id}/zip`,
      expired: a.expired ?? false,
      created_at: a.created_at,
      expires_at: '2099-01-01T00:00:00Z',
      updated_at: a.created_at,
      digest: a.digest ?? null,
      workflow_run: { id: run.id, head_branch: run.head_branch, head_sha: run.head_sha },
    };
  }
}
