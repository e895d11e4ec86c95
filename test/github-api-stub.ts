// A loopback stand-in for the part of the GitHub REST API that actions use for sticky pull request
// comments. End-to-end tests cannot reach the real API (and must not post anywhere): they point
// GITHUB_API_URL at this server, which keeps comments in memory and records every request.
//
// Implemented: GET /user, GET /repos/{o}/{r}/issues/{n}/comments (paginated with a Link header,
// like GitHub), POST /repos/{o}/{r}/issues/{n}/comments, PATCH /repos/{o}/{r}/issues/comments/{id}.
// Anything else answers 404 (and is recorded, so a test can see the unexpected call).
import type { Server } from 'node:http';

import { closeServer, jsonApiServer, listenOnLoopback, type JsonReply, type RecordedRequest } from './loopback.js';

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

export interface GitHubApiStubOptions {
  /**
   * The login the token belongs to. Undefined: an installation token (GITHUB_TOKEN), for which
   * GET /user answers 403 and comments are written as github-actions[bot].
   */
  userLogin?: string;
  /** false: the token is read-only (a pull request from a fork): POST and PATCH answer 403. */
  writable?: boolean;
  /** Comments per page at most (GitHub: 100). */
  maxPerPage?: number;
}

export const BOT_LOGIN = 'github-actions[bot]';

export class GitHubApiStub {
  readonly requests: RecordedRequest[] = [];
  readonly comments: StubComment[] = [];
  private nextId = 1000;

  private readonly server: Server;
  /** The base URL to give as GITHUB_API_URL (set once listening). */
  url = '';
  readonly options: GitHubApiStubOptions;

  private constructor(options: GitHubApiStubOptions) {
    this.options = { writable: true, maxPerPage: 100, ...options };
    this.server = jsonApiServer(this.requests, (record) => this.handle(record));
  }

  /** Starts a stub on 127.0.0.1 on a free port. */
  static async start(options: GitHubApiStubOptions = {}): Promise<GitHubApiStub> {
    const stub = new GitHubApiStub(options);
    stub.url = await listenOnLoopback(stub.server);
    return stub;
  }

  close(): Promise<void> {
    return closeServer(this.server);
  }

  /** Adds a comment as if `login` had written it earlier. */
  seed(issue: number, login: string, body: string): StubComment {
    return this.add(issue, login, body, login.endsWith('[bot]') ? 'Bot' : 'User');
  }

  commentsOn(issue: number): StubComment[] {
    return this.comments.filter((c) => c.issue === issue);
  }

  /** Requests other than reads of comments and of the user. */
  writes(): RecordedRequest[] {
    return this.requests.filter((r) => r.method !== 'GET');
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

  private handle(r: RecordedRequest): JsonReply {
    const auth = String(r.headers.authorization ?? '');
    if (!/^(token|bearer) \S+$/i.test(auth)) return { status: 401, json: { message: 'Requires authentication' } };
    const forbidden = { status: 403, json: { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest' } };

    if (r.method === 'GET' && r.path === '/user') {
      return this.options.userLogin ? { status: 200, json: { login: this.options.userLogin, type: 'User' } } : forbidden;
    }
    let m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(r.path);
    if (m && r.method === 'GET') {
      const all = this.commentsOn(Number(m[3]));
      const perPage = Math.min(Number(r.query.get('per_page') ?? 30), this.options.maxPerPage ?? 100);
      const page = Number(r.query.get('page') ?? 1);
      const last = Math.max(1, Math.ceil(all.length / perPage));
      const headers: Record<string, string> = {};
      const link = (p: number) => {
        const q = new URLSearchParams(r.query);
        q.set('per_page', String(perPage));
        q.set('page', String(p));
        return `<${this.url}${r.path}?${q}>`;
      };
      const links = [];
      if (page < last) links.push(`${link(page + 1)}; rel="next"`, `${link(last)}; rel="last"`);
      if (page > 1) links.push(`${link(1)}; rel="first"`, `${link(page - 1)}; rel="prev"`);
      if (links.length) headers.link = links.join(', ');
      return { status: 200, json: all.slice((page - 1) * perPage, page * perPage), headers };
    }
    if (m && r.method === 'POST') {
      if (!this.options.writable) return forbidden;
      if (typeof r.body?.body !== 'string') return { status: 422, json: { message: 'body is required' } };
      return { status: 201, json: this.add(Number(m[3]), this.tokenLogin, r.body.body, this.options.userLogin ? 'User' : 'Bot') };
    }
    m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(r.path);
    if (m && r.method === 'PATCH') {
      if (!this.options.writable) return forbidden;
      const comment = this.comments.find((c) => c.id === Number(m![3]));
      if (!comment) return { status: 404, json: { message: 'Not Found' } };
      if (typeof r.body?.body !== 'string') return { status: 422, json: { message: 'body is required' } };
      comment.body = r.body.body;
      comment.updated_at = new Date().toISOString();
      return { status: 200, json: comment };
    }
    return { status: 404, json: { message: 'Not Found' } };
  }
}
