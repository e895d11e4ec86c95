// A loopback stand-in for the part of the GitHub REST API that the rollback action's
// github-deployments ledger uses. End-to-end tests cannot reach the real API (and must not create
// deployments anywhere): they point GITHUB_API_URL at this server, which keeps deployments and
// statuses in memory and records every request.
//
// Implemented, as GitHub documents them:
//   GET  /repos/{o}/{r}/deployments?environment=&task=&per_page=&page=   newest first, Link header
//   POST /repos/{o}/{r}/deployments              201; 422 for an unknown ref (see `refs`)
//   GET  /repos/{o}/{r}/deployments/{id}/statuses   newest first
//   POST /repos/{o}/{r}/deployments/{id}/statuses   201; 422 for an unknown state
// Anything else answers 404 (and is recorded). Without a token: 401; `writable: false`: POST 403.
// `tokens`: the tokens GitHub knows; any other gets GitHub's 401 "Bad credentials" (an expired or
// revoked personal access token). `fail`: an answer given instead of the endpoint's, for the
// errors GitHub really gives (see `gitHubErrors`: 5xx, 429 and the secondary rate limit's 403 with
// retry-after, as https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api
// describes them).
import { GitHubApiStand, type GitHubApiStubBaseOptions, type JsonReply, type RecordedRequest } from './loopback.js';

export interface StubDeployment {
  id: number;
  ref: string;
  sha: string;
  task: string;
  environment: string;
  payload: unknown;
  description: string | null;
  creator: { login: string };
  created_at: string;
  updated_at: string;
  statuses: StubDeploymentStatus[];
  transient_environment: boolean;
  production_environment: boolean;
}

export interface StubDeploymentStatus {
  id: number;
  state: string;
  description: string;
  log_url: string;
  environment: string;
  created_at: string;
}

/** A request as this stand-in records it. */
export type GhRequest = RecordedRequest;

export interface GitHubDeploymentsStubOptions extends GitHubApiStubBaseOptions {
  /** Refs that exist; undefined: every ref exists. */
  refs?: string[];
  /** The tokens GitHub accepts; undefined: any. */
  tokens?: string[];
  /** An answer instead of the endpoint's (undefined: the endpoint answers). */
  fail?: (r: GhRequest) => JsonReply | undefined;
}

/** Error answers as GitHub gives them (status, headers, body). */
export const gitHubErrors = {
  badCredentials: (): JsonReply => ({
    status: 401,
    json: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' },
  }),
  serverError: (status = 502): JsonReply => ({ status, json: { message: status === 503 ? 'Service Unavailable' : 'Server Error' } }),
  /** A secondary rate limit: 403 (or 429) with retry-after in seconds. */
  secondaryRateLimit: (retryAfterSeconds: number, status = 403): JsonReply => ({
    status,
    headers: { 'retry-after': String(retryAfterSeconds), 'x-ratelimit-remaining': '4990' },
    json: {
      message:
        'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 0000:0000:0000:0000:00000000.',
      documentation_url:
        'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
    },
  }),
  notFound: (): JsonReply => ({
    status: 404,
    json: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/deployments/deployments', status: '404' },
  }),
};

const STATES = ['error', 'failure', 'inactive', 'in_progress', 'queued', 'pending', 'success'];

export class GitHubDeploymentsStub extends GitHubApiStand<GitHubDeploymentsStubOptions> {
  readonly deployments: StubDeployment[] = [];
  private nextId = 5000;
  private clock = Date.parse('2026-01-01T00:00:00Z');

  static start(options: GitHubDeploymentsStubOptions = {}): Promise<GitHubDeploymentsStub> {
    return new GitHubDeploymentsStub(options).listen();
  }

  /** Adds a deployment as if someone had created it earlier (e.g. GitHub for an `environment:` job). */
  seed(d: { environment: string; task?: string; ref?: string; payload?: unknown; states?: string[] }): StubDeployment {
    const dep = this.create({ ref: d.ref ?? 'main', task: d.task ?? 'deploy', environment: d.environment, payload: d.payload ?? {} });
    for (const s of d.states ?? []) this.addStatus(dep, { state: s, description: '' });
    return dep;
  }

  private now(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString();
  }

  private create(b: any): StubDeployment {
    const at = this.now();
    const d: StubDeployment = {
      id: this.nextId++,
      ref: b.ref,
      sha: /^[0-9a-f]{40}$/.test(b.ref) ? b.ref : '0123456789abcdef0123456789abcdef01234567',
      task: b.task ?? 'deploy',
      environment: b.environment ?? 'production',
      payload: b.payload ?? {},
      description: b.description ?? null,
      creator: { login: 'github-actions[bot]' },
      created_at: at,
      updated_at: at,
      statuses: [],
      transient_environment: !!b.transient_environment,
      production_environment: b.production_environment ?? b.environment === 'production',
    };
    this.deployments.push(d);
    return d;
  }

  private addStatus(d: StubDeployment, b: any): StubDeploymentStatus {
    const s = {
      id: this.nextId++,
      state: b.state,
      description: b.description ?? '',
      log_url: b.log_url ?? '',
      environment: d.environment,
      created_at: this.now(),
    };
    d.statuses.push(s);
    return s;
  }

  private view(d: StubDeployment) {
    const rest: Partial<StubDeployment> = { ...d };
    delete rest.statuses;
    return {
      ...rest,
      url: `${this.url}/repos/o/r/deployments/${d.id}`,
      statuses_url: `${this.url}/repos/o/r/deployments/${d.id}/statuses`,
    };
  }

  /** What GitHub answers before the endpoint: an unknown token, or the failure a test asks for. */
  private refused(r: GhRequest): JsonReply | undefined {
    const token = /^(?:token|bearer) (\S+)$/i.exec(String(r.headers.authorization ?? ''))?.[1] ?? '';
    if (this.options.tokens && !this.options.tokens.includes(token)) return gitHubErrors.badCredentials();
    return this.options.fail?.(r);
  }

  protected route(r: GhRequest): JsonReply | undefined {
    const refused = this.refused(r);
    if (refused) return refused;
    const forbidden = this.forbidden();
    let m = /^\/repos\/([^/]+)\/([^/]+)\/deployments$/.exec(r.path);
    if (m && r.method === 'GET') {
      const env = r.query.get('environment');
      const task = r.query.get('task');
      const all = this.deployments
        .filter((d) => (!env || d.environment === env) && (!task || d.task === task))
        .sort((a, b) => b.id - a.id)
        .map((d) => this.view(d));
      return this.page(r, all);
    }
    if (m && r.method === 'POST') {
      if (!this.options.writable) return forbidden;
      const b = r.body ?? {};
      if (typeof b.ref !== 'string' || !b.ref) return { status: 422, json: { message: 'Invalid request.\n\n"ref" wasn\'t supplied.' } };
      if (this.options.refs && !this.options.refs.includes(b.ref)) return { status: 422, json: { message: `No ref found for: ${b.ref}` } };
      if (b.auto_merge !== false)
        return { status: 409, json: { message: 'Conflict merging main into the ref (the stub wants auto_merge: false)' } };
      if (!Array.isArray(b.required_contexts) || b.required_contexts.length) {
        return { status: 409, json: { message: 'Conflict: Commit status checks failed (the stub wants required_contexts: [])' } };
      }
      return { status: 201, json: this.view(this.create(b)) };
    }
    m = /^\/repos\/([^/]+)\/([^/]+)\/deployments\/(\d+)\/statuses$/.exec(r.path);
    if (m) {
      const d = this.deployments.find((x) => x.id === Number(m[3]));
      if (!d) return { status: 404, json: { message: 'Not Found' } };
      if (r.method === 'GET') return this.page(r, [...d.statuses].reverse());
      if (r.method === 'POST') {
        if (!this.options.writable) return forbidden;
        if (!STATES.includes(r.body?.state)) return { status: 422, json: { message: `Invalid state: ${r.body?.state}` } };
        if (typeof r.body.description === 'string' && r.body.description.length > 140) {
          return { status: 422, json: { message: 'description is too long (maximum is 140 characters)' } };
        }
        return { status: 201, json: this.addStatus(d, r.body) };
      }
    }
    return undefined;
  }
}
