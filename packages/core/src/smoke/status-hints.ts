// What an HTTP status says about the input at fault, for the reason of the attempt that got it:
// the annotation a user reads names the input to fix (headers, url, model-name, method), or says
// that the server is busy or broken and that the attempt is retried.
import type { SmokeTestOptions } from './smoke-options.js';

/** Which request got the status: the checked one (http, or the infer request), readiness of the server, or the model's endpoints. */
export type StatusContext = 'request' | 'server' | 'model';

function credentialsHint(o: SmokeTestOptions, status: 401 | 403): string {
  const given = o.headers.length > 0;
  if (status === 401) {
    return given
      ? 'the server did not accept the credentials: check the Authorization (or API key) header in input headers'
      : 'the server wants credentials: give them in input headers, e.g. "Authorization: Bearer ${{ secrets.TOKEN }}"';
  }
  return given
    ? 'the server refused these credentials (forbidden): check the token in input headers and what it may access'
    : 'the server refuses requests without credentials (forbidden): give them in input headers';
}

function notFoundHint(o: SmokeTestOptions, context: StatusContext): string {
  if (o.protocol === 'http') return 'nothing is served at this URL: check input url';
  if (context === 'server') return "no /v2/health/ready here: check input url, the server's base URL (the /v2/... paths are appended)";
  return `the server does not serve a model '${o.modelName ?? ''}': check input model-name (and input url)`;
}

/** The hint for `status`, or none for a status that says nothing about an input (200, 400, 418...). */
export function statusHint(o: SmokeTestOptions, status: number, context: StatusContext): string | undefined {
  if (status === 401 || status === 403) return credentialsHint(o, status);
  if (status === 404) return notFoundHint(o, context);
  if (status === 405 && o.protocol === 'http') return `the server does not take ${o.method} here: check input method`;
  if (status !== 429 && status < 500) return undefined;
  const what =
    status === 429
      ? 'rate-limited (Too Many Requests)'
      : status === 503
        ? 'not ready or overloaded (Service Unavailable)'
        : 'a server error';
  // readiness is waited for whatever retry-on says; the checked request is retried as it says
  const retried = context !== 'request' || statusRetried(o, status);
  return `${what}; ${retried ? 'retried until the timeout' : 'not retried (input retry-on)'}`;
}

/** "HTTP 401 (the server wants credentials: ...)", or "HTTP 418". */
export function describeStatus(o: SmokeTestOptions, status: number, context: StatusContext): string {
  const hint = statusHint(o, status, context);
  return `HTTP ${status}${hint ? ` (${hint})` : ''}`;
}

/**
 * The retry-on classes under which a status is retried: 5xx by 5xx, 4xx by 4xx; 429 (Too Many
 * Requests, a server asking to come back later, as 503 does) by either.
 */
function retryClassesOf(status: number): ('4xx' | '5xx')[] {
  if (status === 429) return ['4xx', '5xx'];
  if (status >= 500) return ['5xx'];
  return status >= 400 ? ['4xx'] : [];
}

/** Whether the checked request is retried after this unexpected status: by its class, or under retry-on status. */
export function statusRetried(o: SmokeTestOptions, status: number): boolean {
  return o.retryOn.has('status') || retryClassesOf(status).some((c) => o.retryOn.has(c));
}
