import { messageOf } from '../errors.js';
import { formatDuration } from '../util/duration.js';
import { formatBytes } from '../util/format.js';
import { BodyTooLargeError, DEFAULT_MAX_RESPONSE_BYTES, readCappedBody } from './body.js';
import type { HeaderLine } from './headers.js';
import { redactUrl, redactUrlsIn } from './redact.js';

export interface HttpRequest {
  url: string;
  method: string;
  /** The user's headers; none of them follows a redirect to another origin. */
  headers: readonly HeaderLine[];
  /** Headers this code adds (content type, accept); these do follow redirects. */
  extraHeaders?: Record<string, string>;
  body?: string;
  /** For the whole exchange: connecting, redirects and reading the body. */
  timeoutMs: number;
  maxRedirects?: number;
  /** The longest body read (of each response, redirects included); default DEFAULT_MAX_RESPONSE_BYTES. */
  maxResponseBytes?: number;
}

export interface RedirectRecord {
  status: number;
  from: string;
  to: string;
  /** Names of the user's headers not sent to `to` (another origin). */
  droppedHeaders: string[];
}

export interface HttpResponse {
  status: number;
  statusText: string;
  contentType: string;
  body: string;
  /** The URL that answered (after redirects). */
  url: string;
  redirects: RedirectRecord[];
  /** From sending the request to the last byte of the body, redirects included. */
  latencyMs: number;
}

/**
 * Why no response came: `connection` (refused, reset, DNS, TLS), `timeout`, `redirect` (too many,
 * or a bad Location), `invalid` (fetch refused to send the request: a method or header it does not
 * support; retrying cannot help), `too-large` (the body ran past maxResponseBytes: reading stopped
 * and the exchange was aborted).
 */
export class RequestError extends Error {
  constructor(
    message: string,
    readonly kind: 'connection' | 'timeout' | 'redirect' | 'invalid' | 'too-large',
    readonly code?: string,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

function connectionError(e: unknown, realUrl: string, timeoutMs: number): RequestError {
  const url = redactUrl(realUrl);
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string; name?: string } };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError' || err?.cause?.name === 'TimeoutError') {
    return new RequestError(`no response from ${url} within ${formatDuration(timeoutMs)}`, 'timeout', 'TIMEOUT');
  }
  const code = err?.cause?.code;
  // fetch's own refusals: a TypeError thrown before any connection (unsupported method, bad header
  // value), or undici's invalid-argument / not-supported errors (Transfer-Encoding, Expect, ...)
  if ((err?.name === 'TypeError' && !err.cause) || code === 'UND_ERR_INVALID_ARG' || code === 'UND_ERR_NOT_SUPPORTED') {
    // fetch's message may quote the URL whole (credentials in it: "a URL that includes credentials: http://user:pw@...")
    const detail = redactUrlsIn(err?.cause?.message || messageOf(e));
    return new RequestError(`the request to ${url} cannot be sent: ${detail}${code ? ` (${code})` : ''}`, 'invalid', code);
  }
  const what: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'host name lookup failed (temporary)',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    UND_ERR_CONNECT_TIMEOUT: 'connect timeout',
    UND_ERR_SOCKET: 'the connection closed unexpectedly',
  };
  const detail = (code && what[code]) || redactUrlsIn(err?.cause?.message || messageOf(e));
  return new RequestError(`${detail}${code ? ` (${code})` : ''} for ${url}`, 'connection', code);
}

/** The URL a redirect leads to: an http(s) URL, resolved against the one that answered. */
function redirectTarget(location: string, url: string): URL {
  let next: URL;
  try {
    next = new URL(location, url);
  } catch {
    throw new RequestError(`${redactUrl(url)} redirects to an invalid location`, 'redirect');
  }
  if (next.protocol !== 'http:' && next.protocol !== 'https:')
    throw new RequestError(`${redactUrl(url)} redirects to a ${next.protocol} URL`, 'redirect');
  // fetch refuses such a URL with a message quoting it whole, password included; the target is not shown
  if (next.username || next.password)
    throw new RequestError(`${redactUrl(url)} redirects to a URL holding a user name or password (not followed, not shown)`, 'redirect');
  return next;
}

/** The exchange's signal: the timeout, or `abort` (a body past the cap); `end` clears the timer. */
interface Exchange {
  signal: AbortSignal;
  abort: () => void;
  end: () => void;
}

/**
 * A timer that aborts the controller, not AbortSignal.any([AbortSignal.timeout(ms), ...]): on Node
 * 20 nothing holds the timeout signal strongly once it is combined, a garbage collection deleted it,
 * and a request to a server that never answered hung past every deadline. The pending timer holds
 * the controller until `end`.
 */
function startExchange(timeoutMs: number): Exchange {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
    Math.max(1, Math.round(timeoutMs)),
  );
  return { signal: controller.signal, abort: () => controller.abort(), end: () => clearTimeout(timer) };
}

/** One request of the exchange: the user's headers only to the first request's origin; the body read up to the cap. */
async function fetchOnce(
  req: HttpRequest,
  url: string,
  method: string,
  body: string | undefined,
  exchange: Exchange,
): Promise<{ res: Response; text: string }> {
  try {
    // inside the try: a header value Headers refuses (a character above U+00FF) is a request that
    // cannot be sent, not a crash
    const headers = new Headers(req.extraHeaders ?? {});
    if (!headers.has('user-agent')) headers.set('user-agent', 'ml-gate-smoke-test');
    if (new URL(url).origin === new URL(req.url).origin) for (const h of req.headers) headers.set(h.name, h.value);
    const res = await fetch(url, {
      method,
      headers,
      body: method === 'GET' || method === 'HEAD' ? undefined : body,
      redirect: 'manual',
      signal: exchange.signal,
    });
    return { res, text: await readCappedBody(res, req.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES, exchange.abort) };
  } catch (e) {
    if (e instanceof BodyTooLargeError) {
      throw new RequestError(
        `the response from ${redactUrl(url)} is larger than ${formatBytes(e.maxBytes)}; reading stopped there`,
        'too-large',
      );
    }
    throw connectionError(e, url, req.timeoutMs);
  }
}

/**
 * One HTTP exchange with fetch, following redirects by hand (`redirect: 'manual'`) so that none of
 * the user's headers (Authorization, cookies, API keys) is sent to another origin. 303, and 301/302
 * after a POST, continue as GET without a body, as browsers do. Throws RequestError when there is
 * no HTTP response; any status is a response.
 */
export async function sendRequest(req: HttpRequest): Promise<HttpResponse> {
  const t0 = performance.now();
  const maxRedirects = req.maxRedirects ?? 5;
  const origin = new URL(req.url).origin;
  const redirects: RedirectRecord[] = [];
  let url = req.url;
  let method = req.method.toUpperCase();
  let body = req.body;
  const exchange = startExchange(req.timeoutMs);
  try {
    for (;;) {
      const { res, text } = await fetchOnce(req, url, method, body, exchange);
      const location = res.headers.get('location');
      if (!REDIRECTS.has(res.status) || !location) {
        const contentType = res.headers.get('content-type') ?? '';
        return {
          status: res.status,
          statusText: res.statusText,
          contentType,
          body: text,
          url,
          redirects,
          latencyMs: performance.now() - t0,
        };
      }
      if (redirects.length >= maxRedirects)
        throw new RequestError(`more than ${maxRedirects} redirects from ${redactUrl(req.url)}`, 'redirect');
      const next = redirectTarget(location, url);
      redirects.push({
        status: res.status,
        from: url,
        to: next.href,
        droppedHeaders: next.origin !== origin ? req.headers.map((h) => h.name) : [],
      });
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
      }
      url = next.href;
    }
  } finally {
    exchange.end();
  }
}
