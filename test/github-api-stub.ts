// A loopback stand-in for the part of the GitHub REST API that actions use for sticky pull request
// comments. End-to-end tests cannot reach the real API (and must not post anywhere): they point
// GITHUB_API_URL at this server, which keeps comments in memory and records every request.
//
// Implemented: GET /user, GET /repos/{o}/{r}/issues/{n}/comments (paginated with a Link header,
// like GitHub), POST /repos/{o}/{r}/issues/{n}/comments, PATCH /repos/{o}/{r}/issues/comments/{id}.
// Anything else answers 404 (and is recorded, so a test can see the unexpected call).
import { afterAll } from 'vitest';

import { GitHubApiStand, type GitHubApiStubBaseOptions, type JsonReply, type RecordedRequest } from './loopback.js';

export interface StubComment {
  id: number;
  issue: number;
  body: string;
  user: { login: string; type: string };
  html_url: string;
  created_at: string;
  updated_at: string;
}

export type { RecordedRequest } from './loopback.js';

export interface GitHubApiStubOptions extends GitHubApiStubBaseOptions {
  /**
   * The login the token belongs to. Undefined: an installation token (GITHUB_TOKEN), for which
   * GET /user answers 403 and comments are written as github-actions[bot].
   */
  userLogin?: string;
}

export const BOT_LOGIN = 'github-actions[bot]';

export class GitHubApiStub extends GitHubApiStand<GitHubApiStubOptions> {
  readonly comments: StubComment[] = [];
  private nextId = 1000;

  /** Starts a stub on 127.0.0.1 on a free port. */
  static start(options: GitHubApiStubOptions = {}): Promise<GitHubApiStub> {
    return new GitHubApiStub(options).listen();
  }

  /** Adds a comment as if `login` had written it earlier. */
  seed(issue: number, login: string, body: string): StubComment {
    return this.add(issue, login, body, login.endsWith('[bot]') ? 'Bot' : 'User');
  }

  commentsOn(issue: number): StubComment[] {
    return this.comments.filter((c) => c.issue === issue);
  }

  private get tokenLogin(): string {
    return this.options.userLogin ?? BOT_LOGIN;
  }

  private add(issue: number, login: string, body: string, type: string): StubComment {
    const id = this.nextId++;
    const now = new Date().toISOString();
    const comment = {
      id,
      issue,
      body,
      user: { login, type },
      html_url: `https://github.com/stub/stub/pull/${issue}#issuecomment-${id}`,
      created_at: now,
      updated_at: now,
    };
    this.comments.push(comment);
    return comment;
  }

  protected route(r: RecordedRequest): JsonReply | undefined {
    if (r.method === 'GET' && r.path === '/user') {
      return this.options.userLogin ? { status: 200, json: { login: this.options.userLogin, type: 'User' } } : this.forbidden();
    }
    let m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(r.path);
    if (m && r.method === 'GET') return this.page(r, this.commentsOn(Number(m[3])));
    if (m && r.method === 'POST') {
      if (!this.options.writable) return this.forbidden();
      if (typeof r.body?.body !== 'string') return { status: 422, json: { message: 'body is required' } };
      return { status: 201, json: this.add(Number(m[3]), this.tokenLogin, r.body.body, this.options.userLogin ? 'User' : 'Bot') };
    }
    m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(r.path);
    if (m && r.method === 'PATCH') {
      if (!this.options.writable) return this.forbidden();
      const comment = this.comments.find((c) => c.id === Number(m[3]));
      if (!comment) return { status: 404, json: { message: 'Not Found' } };
      if (typeof r.body?.body !== 'string') return { status: 422, json: { message: 'body is required' } };
      comment.body = r.body.body;
      comment.updated_at = new Date().toISOString();
      return { status: 200, json: comment };
    }
    return undefined;
  }
}

/** The event of a `pull_request` (synchronize) workflow run on pull request `number` of owner/repo. */
export function pullRequestEvent(number: number) {
  return {
    name: 'pull_request',
    payload: {
      action: 'synchronize',
      number,
      pull_request: { number, head: { ref: 'feature', sha: 'a'.repeat(40) }, base: { ref: 'main', sha: 'b'.repeat(40) } },
      repository: { name: 'repo', full_name: 'owner/repo', owner: { login: 'owner' } },
    },
  };
}

/** A start() whose stand-ins are closed after all the tests of the file or describe block that calls this. */
export function gitHubApiStubs(): (options?: GitHubApiStubOptions) => Promise<GitHubApiStub> {
  const stubs: GitHubApiStub[] = [];
  afterAll(async () => {
    await Promise.all(stubs.map((s) => s.close()));
  });
  return async (options = {}) => {
    const stub = await GitHubApiStub.start(options);
    stubs.push(stub);
    return stub;
  };
}

/**
 * Seeds pull request `pr` with more than one page of other people's comments (the API gives at
 * most 100 a page): a reviewer's that quotes `marker`, then 120 by a reviewer and renovate[bot].
 */
export function seedOthersComments(stub: GitHubApiStub, pr: number, marker: string): { others: StubComment; othersBody: string } {
  const othersBody = `Quoting the bot:\n${marker}\nplease look at this`;
  const others = stub.seed(pr, 'a-reviewer', othersBody);
  for (let i = 0; i < 120; i++) stub.seed(pr, i % 2 ? 'a-reviewer' : 'renovate[bot]', `comment ${i}`);
  return { others, othersBody };
}
