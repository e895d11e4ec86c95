// What every loopback stand-in server of the tests shares: reading a request body, listening on a
// free port of 127.0.0.1, closing with the connections still open.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
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

/** A server that records every request in `requests` and answers what `handle` returns, as JSON. */
export function jsonApiServer(requests: RecordedRequest[], handle: (request: RecordedRequest) => JsonReply): Server {
  return createServer(async (req, res) => {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://stub');
    const record: RecordedRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body, status: 0 };
    requests.push(record);
    const { status, json, headers } = handle(record);
    record.status = status;
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(json));
  });
}
