/**
 * A ledger in GitHub Deployments: every event is a deployment of the environment with task
 * `deploy:ml-gate` and the event in its payload; a release is verified when it has a `success`
 * status; a rollback's status is `success` or `failure` (its outcome). Works with the workflow's
 * GITHUB_TOKEN and `permissions: deployments: write` (repository variables would need more).
 * Deployments GitHub Actions creates for `environment:` jobs have another task and are ignored.
 */
import { getOctokit } from '@actions/github';

import { UserError } from '../errors.js';
import { redactSecrets } from '../util/secrets.js';
import { gitHubFailure, gitHubRetry, gitHubRetryRefusedOnly } from './github-api-errors.js';
import {
  redactEvent,
  type Ledger,
  type LedgerEvent,
  type NewRelease,
  type NewRollback,
  type ReleaseEvent,
  type RollbackEvent,
} from './ledger.js';
import { withRetries, type RetryPolicy } from './retry.js';

export const DEPLOYMENT_TASK = 'deploy:ml-gate';
/** The newest deployments read (each costs one request for its statuses). */
export const MAX_DEPLOYMENTS = 100;
const PAYLOAD_SCHEMA = 'ml-gate/release-ledger/v1';

export interface GitHubDeploymentsLedgerOptions {
  token: string;
  /** owner/name */
  repository: string;
  environment: string;
  /** The ref a deployment points at when the event has no commit (GITHUB_SHA). */
  defaultRef: string;
  /**
   * The REST API's base URL (GITHUB_API_URL); default: the one @actions/github read when it was
   * loaded. Given, it is the value of this run's environment, whenever the module was loaded.
   */
  apiUrl?: string;
  /** How long a call keeps retrying GitHub's transient errors (input ledger-timeout). */
  retry: RetryPolicy;
}

type Octokit = ReturnType<typeof getOctokit>;

/** A status description: GitHub keeps at most 140 characters. */
export function statusDescription(text: string): string {
  return text.length <= 140 ? text : `${text.slice(0, 139)}…`;
}

/** Our payload of a deployment (an object, or JSON text of one, GitHub returns either); undefined for others'. */
function ledgerPayload(payload: unknown): Record<string, unknown> | undefined {
  let p = payload;
  if (typeof p === 'string') {
    try {
      p = JSON.parse(p);
    } catch {
      return undefined;
    }
  }
  const fields = p as Record<string, unknown> | null | undefined;
  return fields?.schema === PAYLOAD_SCHEMA ? fields : undefined;
}

const stringOf = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
/** A free-text field as text: '' when absent, JSON for anything but a string (a person wrote it with another tool). */
const textOf = (v: unknown): string => stringOf(v) ?? (v === undefined || v === null ? '' : JSON.stringify(v));

/** The ledger event a deployment stands for (pure); undefined for deployments that are not ours. */
export function eventOfDeployment(d: { id: number; created_at: string; payload: unknown }, states: string[]): LedgerEvent | undefined {
  const p = ledgerPayload(d.payload);
  if (!p) return undefined;
  const id = String(d.id);
  const at = stringOf(p.at) ?? d.created_at;
  if (p.kind === 'release' && typeof p.version === 'string') {
    const e: ReleaseEvent = { type: 'release', id, version: p.version, at, verified: states.includes('success') };
    for (const k of ['image', 'modelSha256', 'commit', 'runUrl'] as const) {
      const v = stringOf(p[k]);
      if (v !== undefined) e[k] = v;
    }
    return e;
  }
  if (p.kind === 'rollback' && typeof p.from === 'string' && typeof p.to === 'string') {
    const e: RollbackEvent = {
      type: 'rollback',
      id,
      from: p.from,
      to: p.to,
      reason: textOf(p.reason),
      trigger: textOf(p.trigger),
      at,
      outcome: states.includes('success') ? 'succeeded' : 'failed',
    };
    if (typeof p.runUrl === 'string') e.runUrl = p.runUrl;
    if (typeof p.detail === 'string') e.detail = p.detail;
    return e;
  }
  return undefined;
}

export class GitHubDeploymentsLedger implements Ledger {
  readonly kind = 'github-deployments' as const;
  readonly location: string;
  private readonly octokit: Octokit;
  private readonly owner: string;
  private readonly repo: string;

  constructor(private readonly options: GitHubDeploymentsLedgerOptions) {
    if (!options.token)
      throw new UserError('The github-deployments ledger needs a token and github-token is empty.', { input: 'github-token' });
    const [owner, repo] = options.repository.split('/');
    if (!owner || !repo)
      throw new UserError(
        `GITHUB_REPOSITORY is '${options.repository}', not owner/name: the github-deployments ledger cannot find the repository.`,
      );
    this.owner = owner;
    this.repo = repo;
    this.octokit = getOctokit(options.token, options.apiUrl ? { baseUrl: options.apiUrl } : {});
    this.location = `GitHub deployments of ${options.repository}, environment ${options.environment}, task ${DEPLOYMENT_TASK}`;
  }

  /**
   * One API call: GitHub's transient errors (5xx, 429, a rate limit) retried with backoff, after
   * the wait GitHub asks for, until ledger-timeout; any failure worded by gitHubFailure.
   */
  private async call<T>(what: string, request: () => Promise<T>, ref?: string, retryOn = gitHubRetry): Promise<T> {
    try {
      return await withRetries(request, (e) => retryOn(e), this.options.retry);
    } catch (e) {
      throw gitHubFailure(`${what} (${this.location})`, e, { repository: this.options.repository, ref });
    }
  }

  async read(): Promise<LedgerEvent[]> {
    const { owner, repo } = this;
    const deployments = await this.call('Reading the ledger', () =>
      this.octokit.paginate(
        this.octokit.rest.repos.listDeployments,
        { owner, repo, environment: this.options.environment, task: DEPLOYMENT_TASK, per_page: 100 },
        (response, done) => {
          if (response.data.length < 100) done();
          return response.data;
        },
      ),
    );
    const newest = [...deployments].sort((a, b) => b.id - a.id).slice(0, MAX_DEPLOYMENTS);
    const events: LedgerEvent[] = [];
    // statuses, a few requests at a time
    for (let i = 0; i < newest.length; i += 8) {
      const batch = newest.slice(i, i + 8);
      const statuses = await Promise.all(batch.map((d) => this.states(d.id)));
      batch.forEach((d, j) => {
        const e = eventOfDeployment(d, statuses[j]);
        if (e) events.push(e);
      });
    }
    return events.sort((a, b) => Number(a.id) - Number(b.id));
  }

  /** The states of a deployment's statuses, newest first. */
  private async states(deploymentId: number): Promise<string[]> {
    const { owner, repo } = this;
    const r = await this.call(`Reading the statuses of deployment ${deploymentId}`, () =>
      this.octokit.rest.repos.listDeploymentStatuses({ owner, repo, deployment_id: deploymentId, per_page: 100 }),
    );
    return r.data.map((s) => s.state);
  }

  /** A deployment of `ref` holding the event (secrets redacted), and its first status. */
  private async create(
    ref: string,
    payload: Record<string, unknown>,
    description: string,
    state: 'success' | 'failure' | 'in_progress',
    statusText: string,
    logUrl?: string,
  ) {
    const { owner, repo } = this;
    const { data } = await this.call(
      `Creating a deployment of ${ref}`,
      () =>
        this.octokit.rest.repos.createDeployment({
          owner,
          repo,
          ref,
          task: DEPLOYMENT_TASK,
          environment: this.options.environment,
          payload: redactEvent({ schema: PAYLOAD_SCHEMA, ...payload }),
          description: statusDescription(redactSecrets(description)),
          auto_merge: false,
          required_contexts: [],
          transient_environment: false,
        }),
      ref,
      gitHubRetryRefusedOnly,
    );
    // 202: GitHub merged the default branch into the ref instead (auto_merge), which is never asked for
    if (!('id' in data)) throw new UserError(`GitHub did not create a deployment of ${ref} (${this.location}): ${JSON.stringify(data)}`);
    await this.status(data.id, state, statusText, logUrl);
    return { id: String(data.id), createdAt: data.created_at };
  }

  private async status(
    deploymentId: number,
    state: 'success' | 'failure' | 'in_progress',
    description: string,
    logUrl?: string,
  ): Promise<void> {
    await this.call(`Setting the status of deployment ${deploymentId}`, () =>
      this.octokit.rest.repos.createDeploymentStatus({
        owner: this.owner,
        repo: this.repo,
        deployment_id: deploymentId,
        state,
        description: statusDescription(redactSecrets(description)),
        ...(logUrl ? { log_url: redactSecrets(logUrl) } : {}),
      }),
    );
  }

  async addRelease(release: NewRelease): Promise<ReleaseEvent> {
    const { verified, ...payload } = release;
    const { id } = await this.create(
      release.commit || this.options.defaultRef,
      { kind: 'release', ...payload },
      `ml-gate release ${release.version}`,
      verified ? 'success' : 'in_progress',
      verified ? `${release.version}: verified (smoke test passed)` : `${release.version}: recorded, not verified yet`,
      release.runUrl,
    );
    return { type: 'release', id, ...release };
  }

  async markVerified(release: ReleaseEvent, runUrl?: string): Promise<ReleaseEvent> {
    await this.status(Number(release.id), 'success', `${release.version}: verified (smoke test passed)`, runUrl);
    return { ...release, verified: true, verifiedRunUrl: runUrl };
  }

  async addRollback(event: NewRollback): Promise<RollbackEvent> {
    const { id } = await this.create(
      this.options.defaultRef,
      { kind: 'rollback', ...event },
      `ml-gate rollback ${event.from} -> ${event.to}`,
      event.outcome === 'succeeded' ? 'success' : 'failure',
      `${event.outcome === 'succeeded' ? 'Rolled back' : 'Rollback failed'}: ${event.from} -> ${event.to}: ${event.reason}`,
      event.runUrl,
    );
    return { type: 'rollback', id, ...event };
  }
}
