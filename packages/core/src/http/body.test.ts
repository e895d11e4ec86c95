// The response body cap, against loopback servers: one that streams without end (the exchange is
// aborted at the cap, the server sees its connection close), one that declares a Content-Length
// above the cap (refused before a byte is read), and bodies at the cap.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';

import { DEFAULT_MAX_RESPONSE_BYTES, parseMaxResponseBytes } from './body.js';
import { RequestError, sendRequest } from './request.js';

const servers: Server[] = [];
afterAll(() => Promise.all(servers.map((s) => new Promise((r) => (s.close(r), s.closeAllConnections())))));

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const s = createServer(handler);
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(s.address() as { port: number }).port}/big?token=s3cret`;
}

/** A server that writes 64 KiB chunks as fast as the client reads them, forever; it counts what it sent. */
async function endlessServer(): Promise<{ url: string; sent: () => number; closed: Promise<void> }> {
  let sent = 0;
  let closed!: () => void;
  const whenClosed = new Promise<void>((r) => (closed = r));
  const chunk = Buffer.alloc(64 * 1024, 'a');
  const url = await serve((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.on('close', closed);
    const pump = () => {
      while (!res.destroyed && res.write(chunk)) sent += chunk.length;
      if (!res.destroyed) res.once('drain', pump);
    };
    pump();
  });
  return { url, sent: () => sent, closed: whenClosed };
}

describe('the response body cap', () => {
  it('a server streaming without end: the exchange stops at the cap, well before the timeout, and the server sees it close', async () => {
    const s = await endlessServer();
    const t0 = performance.now();
    const e = await sendRequest({ url: s.url, method: 'GET', headers: [], timeoutMs: 20_000, maxResponseBytes: 1024 ** 2 }).catch(
      (x: unknown) => x,
    );
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(e).toBeInstanceOf(RequestError);
    expect(e).toMatchObject({ kind: 'too-large' });
    expect((e as RequestError).message).toBe(
      'the response from http://127.0.0.1:' + new URL(s.url).port + '/big?token=*** is larger than 1.00 MiB; reading stopped there',
    );
    await s.closed;
    const at = s.sent();
    await new Promise((r) => setTimeout(r, 200));
    expect(s.sent()).toBe(at); // nothing more was sent
    expect(at).toBeLessThan(64 * 1024 ** 2); // the socket buffers, not the stream
  });

  it('the default cap is 10 MiB', async () => {
    expect(DEFAULT_MAX_RESPONSE_BYTES).toBe(10 * 1024 * 1024);
    const s = await endlessServer();
    const e = await sendRequest({ url: s.url, method: 'GET', headers: [], timeoutMs: 20_000 }).catch((x: unknown) => x);
    expect((e as RequestError).message).toContain('is larger than 10.00 MiB');
  });

  it('a Content-Length above the cap is refused before the body is read', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': String(2048) });
      res.end('x'.repeat(2048));
    });
    await expect(sendRequest({ url, method: 'GET', headers: [], timeoutMs: 5000, maxResponseBytes: 2047 })).rejects.toMatchObject({
      kind: 'too-large',
    });
    const r = await sendRequest({ url, method: 'GET', headers: [], timeoutMs: 5000, maxResponseBytes: 2048 });
    expect(r.body).toBe('x'.repeat(2048));
  });

  it('a chunked body exactly at the cap is read whole, decoded as UTF-8 (a BOM dropped, as Response.text() does)', async () => {
    const url = await serve((_req, res) => {
      res.write('\uFEFFcaf');
      res.end('é!');
    });
    const bytes = Buffer.byteLength('\uFEFFcafé!');
    const r = await sendRequest({ url, method: 'GET', headers: [], timeoutMs: 5000, maxResponseBytes: bytes });
    expect(r.body).toBe('café!');
    await expect(sendRequest({ url, method: 'GET', headers: [], timeoutMs: 5000, maxResponseBytes: bytes - 1 })).rejects.toMatchObject({
      kind: 'too-large',
    });
  });
});

describe('parseMaxResponseBytes', () => {
  it('bytes, or a number and a unit (KiB, MiB, GiB; KB, MB, GB in powers of 1000)', () => {
    expect(parseMaxResponseBytes('1048576')).toEqual({ ok: true, value: 1048576 });
    expect(parseMaxResponseBytes('10MiB')).toEqual({ ok: true, value: 10 * 1024 ** 2 });
    expect(parseMaxResponseBytes(' 512 kib ')).toEqual({ ok: true, value: 512 * 1024 });
    expect(parseMaxResponseBytes('1.5MiB')).toEqual({ ok: true, value: 1.5 * 1024 ** 2 });
    expect(parseMaxResponseBytes('5MB')).toEqual({ ok: true, value: 5e6 });
    expect(parseMaxResponseBytes('100B')).toEqual({ ok: true, value: 100 });
  });
  it('refuses what is not a size, nothing, and more than a string can hold', () => {
    expect(parseMaxResponseBytes('lots')).toEqual({ ok: false, error: 'it is not a size' });
    expect(parseMaxResponseBytes('10 MiBs')).toEqual({ ok: false, error: 'it is not a size' });
    expect(parseMaxResponseBytes('-1')).toEqual({ ok: false, error: 'it is not a size' });
    expect(parseMaxResponseBytes('0')).toEqual({ ok: false, error: 'it is less than one byte' });
    expect(parseMaxResponseBytes('1GiB')).toEqual({
      ok: false,
      error: 'it is above 512.00 MiB, the longest text a body can be read into',
    });
  });
});
