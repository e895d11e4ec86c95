// sendRequest against loopback servers: redirects across origins lose the user's headers,
// connection errors and timeouts are told apart.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';

import { redactUrl, redactUrlsIn, querySecrets } from './redact.js';
import { RequestError, sendRequest } from './request.js';

const servers: Server[] = [];
afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

async function serve(handler: (req: IncomingMessage, res: import('node:http').ServerResponse) => void | Promise<void>): Promise<string> {
  // a handler that reads the body is async; its failure is the test's (the request then fails)
  const s = createServer((req, res) => void handler(req, res));
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(s.address() as { port: number }).port}`;
}

describe('sendRequest', () => {
  it("follows a redirect to another origin without the user's headers; same origin keeps them", async () => {
    const seen: Record<string, IncomingMessage['headers']> = {};
    const other = await serve((req, res) => {
      seen.other = req.headers;
      res.end('elsewhere');
    });
    const first = await serve((req, res) => {
      if (req.url === '/start') {
        res.writeHead(302, { location: '/same' }).end();
      } else if (req.url === '/same') {
        seen.same = req.headers;
        res.writeHead(307, { location: `${other}/landing` }).end();
      }
    });
    const r = await sendRequest({
      url: `${first}/start`,
      method: 'GET',
      headers: [
        { name: 'Authorization', value: 'Bearer secret' },
        { name: 'X-Api-Key', value: 'k' },
      ],
      extraHeaders: { accept: 'application/json' },
      timeoutMs: 5000,
    });
    expect(r.status).toBe(200);
    expect(r.body).toBe('elsewhere');
    expect(r.url).toBe(`${other}/landing`);
    expect(seen.same.authorization).toBe('Bearer secret');
    expect(seen.other.authorization).toBeUndefined();
    expect(seen.other['x-api-key']).toBeUndefined();
    expect(seen.other.accept).toBe('application/json');
    expect(r.redirects.map((x) => [x.status, x.droppedHeaders])).toEqual([
      [302, []],
      [307, ['Authorization', 'X-Api-Key']],
    ]);
  });

  it('303 continues as GET without the body; 307 keeps POST and the body', async () => {
    const got: string[] = [];
    const url = await serve(async (req, res) => {
      let body = '';
      for await (const c of req) body += c;
      got.push(`${req.method} ${req.url} ${body}`);
      if (req.url === '/a') res.writeHead(303, { location: '/b' }).end();
      else if (req.url === '/b') res.end('b');
      else if (req.url === '/c') res.writeHead(307, { location: '/d' }).end();
      else res.end('d');
    });
    await sendRequest({ url: `${url}/a`, method: 'POST', headers: [], body: 'x=1', timeoutMs: 5000 });
    await sendRequest({ url: `${url}/c`, method: 'POST', headers: [], body: 'y=2', timeoutMs: 5000 });
    expect(got).toEqual(['POST /a x=1', 'GET /b ', 'POST /c y=2', 'POST /d y=2']);
  });

  it('too many redirects', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(302, { location: '/loop' }).end();
    });
    await expect(sendRequest({ url, method: 'GET', headers: [], timeoutMs: 5000, maxRedirects: 3 })).rejects.toMatchObject({
      kind: 'redirect',
    });
  });

  it('connection refused is a connection error naming the URL', async () => {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    const port = (s.address() as { port: number }).port;
    await new Promise((r) => s.close(r));
    const e = await sendRequest({ url: `http://127.0.0.1:${port}/`, method: 'GET', headers: [], timeoutMs: 5000 }).catch((x) => x);
    expect(e).toBeInstanceOf(RequestError);
    expect(e).toMatchObject({ kind: 'connection', code: 'ECONNREFUSED' });
    expect(e.message).toContain(`connection refused (ECONNREFUSED) for http://127.0.0.1:${port}/`);
  });

  it('a server that does not answer in time is a timeout, after about the timeout', async () => {
    const url = await serve(() => {}); // never answers
    const t0 = performance.now();
    const e = await sendRequest({ url, method: 'GET', headers: [], timeoutMs: 300 }).catch((x) => x);
    const took = performance.now() - t0;
    expect(e).toMatchObject({ kind: 'timeout' });
    expect(e.message).toContain('within 300 ms');
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(1500);
  });

  it('the timeout holds through garbage collections (Node 20 collected an AbortSignal.timeout combined by AbortSignal.any)', async () => {
    // a full GC every 20 ms while a server never answers: the request must still end at ~300 ms
    const gc = (globalThis as { gc?: () => void }).gc ?? (setFlagsFromString('--expose-gc'), runInNewContext('gc') as () => void);
    const sockets = new Set<import('node:net').Socket>();
    const url = await serve(() => {});
    servers.at(-1)!.on('connection', (c) => sockets.add(c));
    const pressure = setInterval(() => {
      Array.from({ length: 20_000 }, (_, i) => ({ i }));
      gc();
    }, 20);
    const hung = Symbol('hung');
    let guard: NodeJS.Timeout | undefined;
    try {
      const t0 = performance.now();
      const e = await Promise.race([
        sendRequest({ url, method: 'GET', headers: [], timeoutMs: 300 }).catch((x: unknown) => x),
        new Promise((r) => (guard = setTimeout(() => r(hung), 4000))),
      ]);
      const took = performance.now() - t0;
      expect(e, 'the request was still pending 4 s after its 300 ms timeout').not.toBe(hung);
      expect(e).toMatchObject({ kind: 'timeout' });
      expect((e as RequestError).message).toContain('within 300 ms');
      expect(took).toBeGreaterThanOrEqual(250);
      expect(took).toBeLessThan(1500);
    } finally {
      clearInterval(pressure);
      clearTimeout(guard);
      for (const c of sockets) c.destroy();
    }
  });

  it('a redirect to a URL holding a user name or password is refused, and the credentials are shown nowhere', async () => {
    let hits = 0;
    const target = await serve((_req, res) => {
      hits++;
      res.end('followed');
    });
    const withCredentials = target.replace('http://', 'http://admin:hunter2pw@');
    const url = await serve((_req, res) => {
      res.writeHead(302, { location: `${withCredentials}/x` }).end();
    });
    const e = (await sendRequest({ url: `${url}/start`, method: 'GET', headers: [], timeoutMs: 5000 }).catch(
      (x: unknown) => x,
    )) as RequestError;
    expect(e).toBeInstanceOf(RequestError);
    expect(e.kind).toBe('redirect');
    expect(e.message).toBe(`${url}/start redirects to a URL holding a user name or password (not followed, not shown)`);
    expect(hits).toBe(0);
  });

  it("fetch's own messages quoting a URL with credentials are shown redacted", async () => {
    // fetch refuses a URL with credentials with a TypeError quoting it whole
    const e = (await sendRequest({
      url: 'http://admin:hunter2pw@127.0.0.1:1/x?token=t0ken',
      method: 'GET',
      headers: [],
      timeoutMs: 2000,
    }).catch((x: unknown) => x)) as RequestError;
    expect(e).toBeInstanceOf(RequestError);
    expect(e.kind).toBe('invalid');
    expect(e.message).toContain('http://127.0.0.1:1/x?token=***');
    expect(e.message).not.toMatch(/hunter2pw|admin|t0ken/);
  });

  it('a request fetch refuses (method TRACE, header Transfer-Encoding or Expect) is a final "invalid" error, not a connection error', async () => {
    let hits = 0;
    const url = await serve((_req, res) => {
      hits++;
      res.end('ok');
    });
    const cases: [string, { name: string; value: string }[]][] = [
      ['TRACE', []],
      ['CONNECT', []],
      ['GET', [{ name: 'Transfer-Encoding', value: 'chunked' }]],
      ['GET', [{ name: 'Expect', value: '100-continue' }]],
      ['GET', [{ name: 'Keep-Alive', value: '5' }]],
      // a character fetch cannot send as a byte: refused by Headers, inside the exchange
      ['GET', [{ name: 'X-Note', value: '日本' }]],
    ];
    for (const [method, headers] of cases) {
      const e = await sendRequest({ url, method, headers, timeoutMs: 5000 }).then(
        () => undefined,
        (err: unknown) => err,
      );
      const what = `${method} ${headers.map((h) => h.name).join(', ')}`;
      expect(e, what).toBeInstanceOf(RequestError);
      expect((e as RequestError).kind, what).toBe('invalid');
    }
    expect(hits).toBe(0);
  });

  it('errors never show query values (tokens in ?code=, ?api_key=)', async () => {
    const e = (await sendRequest({
      url: 'http://127.0.0.1:1/ready?code=s3cret-fn-key&x=1',
      method: 'GET',
      headers: [],
      timeoutMs: 2000,
    }).catch((err: unknown) => err)) as RequestError;
    expect(e).toBeInstanceOf(RequestError);
    expect(e.message).toContain('http://127.0.0.1:1/ready?code=***&x=***');
    expect(e.message).not.toContain('s3cret');
  });
});

describe('redactUrl / querySecrets', () => {
  it('shows every query value and the fragment as ***, keeps names; drops user:password@', () => {
    expect(redactUrl('https://fn.example.net/api/score?code=abc123XYZ==&api_key=k&empty=')).toBe(
      'https://fn.example.net/api/score?code=***&api_key=***&empty=',
    );
    expect(redactUrl('https://h.example/x?sv=2024&sig=AbC%2Fd%3D#tok')).toBe('https://h.example/x?sv=***&sig=***#***');
    expect(redactUrl('https://u:pw@h.example:8443/p')).toBe('https://h.example:8443/p');
    expect(redactUrl('http://h/p?sk-live-abc')).toBe('http://h/p?***');
    expect(redactUrl('http://h/p')).toBe('http://h/p');
    expect(redactUrl('not a url ?token=abc&b=2')).toBe('not a url ?token=***&b=***');
  });
  it('redactUrlsIn: every URL in free text as redactUrl shows it, credentials dropped even from one that does not parse', () => {
    expect(redactUrlsIn('cannot: http://u:pw@h.example/x?k=v. Also https://h2/y#f and none')).toBe(
      'cannot: http://h.example/x?k=*** Also https://h2/y#*** and none',
    );
    expect(redactUrlsIn('bad http://u:p@ss@[::1/x end')).toBe('bad http://[::1/x end');
    expect(redactUrlsIn('no url here')).toBe('no url here');
  });
  it('masks secret-named values of any length, long values of any name, raw and decoded', () => {
    expect(querySecrets('https://h/x?code=ab&model=demo&sig=AbC%2Fd%3D&v=2')).toEqual(['ab', 'AbC%2Fd%3D', 'AbC/d=']);
    expect(querySecrets('https://h/x?format=json&page=1')).toEqual([]);
  });
});
