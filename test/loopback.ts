// What every loopback stand-in server of the tests shares: reading a request body, listening on a
// free port of 127.0.0.1, closing with the connections still open.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The request body: parsed JSON when it is JSON, the text otherwise, undefined when empty. */
export async function readBody(req: IncomingMessage): Promise<any> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Listens on a free port of 127.0.0.1; returns the base URL. */
export async function listenOnLoopback(server: Server): Promise<string> {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Closes the server and every connection still open (kept-alive or watching). */
export function closeServer(server: Server): Promise<void> {
  return new Promise((done) => {
    server.close(() => done());
    server.closeAllConnections();
  });
}

/** A server whose handler is async: a handler that throws answers 500 with the error (a test sees it). */
export function answering(handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>): Server {
  return createServer((req, res) => {
    handler(req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`stand-in error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    });
  });
}

/** A request as a JSON API stand-in records it. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body (undefined without one). */
  body: any;
  /** The status the stand-in answered. */
  status: number;
}

export interface JsonReply {
  status: number;
  json: unknown;
  headers?: Record<string, string>;
}

/** The record of a request, its body read; status 0 until the stand-in answers. */
export async function recordRequest(req: IncomingMessage): Promise<RecordedRequest> {
  const body = await readBody(req);
  const url = new URL(req.url ?? '/', 'http://stub');
  return { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body, status: 0 };
}

/** A server that records every request in `requests` and answers what `handle` returns, as JSON. */
export function jsonApiServer(requests: RecordedRequest[], handle: (request: RecordedRequest) => JsonReply): Server {
  return answering(async (req, res) => {
    const record = await recordRequest(req);
    requests.push(record);
    const { status, json, headers } = handle(record);
    record.status = status;
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(json));
  });
}

/** What the GitHub API stand-ins share: the options every one takes. */
export interface GitHubApiStubBaseOptions {
  /** false: a read-only token (a fork's pull request): writes answer 403. */
  writable?: boolean;
  /** Items per page at most (GitHub: 100). */
  maxPerPage?: number;
}

/**
 * The shared part of the loopback stand-ins for GitHub's REST API: the server on 127.0.0.1 that
 * records every request, authentication as GitHub checks it (401 without a token), the 403 of a
 * read-only token, and GitHub's pagination (per_page, page, a Link header with rel="next"/"last").
 * A stand-in implements `route` for the endpoints it serves; anything else answers 404.
 */
export abstract class GitHubApiStand<O extends GitHubApiStubBaseOptions> {
  readonly requests: RecordedRequest[] = [];
  readonly options: O;
  /** The base URL to give as GITHUB_API_URL (set once listening). */
  url = '';
  private readonly server: Server;

  protected constructor(options: O) {
    this.options = { writable: true, maxPerPage: 100, ...options };
    this.server = jsonApiServer(this.requests, (record) => this.handle(record));
  }

  /** Listens on a free port of 127.0.0.1. */
  protected async listen(): Promise<this> {
    this.url = await listenOnLoopback(this.server);
    return this;
  }

  close(): Promise<void> {
    return closeServer(this.server);
  }

  /** Requests that change something. */
  writes(): RecordedRequest[] {
    return this.requests.filter((r) => r.method !== 'GET');
  }

  /** The endpoints this stand-in serves; undefined: 404. */
  protected abstract route(request: RecordedRequest): JsonReply | undefined;

  protected forbidden(): JsonReply {
    return { status: 403, json: { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest' } };
  }

  /** One page of `all`, as GitHub pages a list. */
  protected page<T>(r: RecordedRequest, all: T[]): JsonReply {
    const perPage = Math.min(Number(r.query.get('per_page') ?? 30), this.options.maxPerPage ?? 100);
    const page = Number(r.query.get('page') ?? 1);
    const last = Math.max(1, Math.ceil(all.length / perPage));
    const link = (p: number) => {
      const q = new URLSearchParams(r.query);
      q.set('per_page', String(perPage));
      q.set('page', String(p));
      return `<${this.url}${r.path}?${q.toString()}>`;
    };
    const links = [];
    if (page < last) links.push(`${link(page + 1)}; rel="next"`, `${link(last)}; rel="last"`);
    if (page > 1) links.push(`${link(1)}; rel="first"`, `${link(page - 1)}; rel="prev"`);
    const headers: Record<string, string> = links.length ? { link: links.join(', ') } : {};
    return { status: 200, json: all.slice((page - 1) * perPage, page * perPage), headers };
  }

  private handle(r: RecordedRequest): JsonReply {
    const auth = String(r.headers.authorization ?? '');
    if (!/^(token|bearer) \S+$/i.test(auth)) return { status: 401, json: { message: 'Requires authentication' } };
    return this.route(r) ?? { status: 404, json: { message: 'Not Found' } };
  }
}
