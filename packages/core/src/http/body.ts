import { parseError, parsed, type ParseResult } from '../errors.js';
import { formatBytes } from '../util/format.js';

/**
 * How much of a response body is read: a smoke test looks at a health answer or an infer
 * response, not a download. Without a cap, a server that streams without end fills the memory
 * (800 MB after 4 s on loopback) before any timeout.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 ** 2;
/** A body is decoded to one string: V8's longest is 2^29 - 24 characters, so no cap above 512 MiB helps. */
export const MAX_RESPONSE_BYTES_LIMIT = 512 * 1024 ** 2;

/** The body was longer than the cap: reading stopped there (and the exchange was aborted). */
export class BodyTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`the body is larger than ${formatBytes(maxBytes)}; reading stopped there`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * The body as text (UTF-8, as Response.text() decodes it), read chunk by chunk up to `maxBytes`.
 * A declared Content-Length above the cap fails before a byte is read; a stream that runs past it
 * fails at the chunk that does. Either way `abort` ends the exchange, so that the server stops
 * sending, and BodyTooLargeError is thrown.
 */
export async function readCappedBody(res: Response, maxBytes: number, abort: () => void): Promise<string> {
  if (!res.body) return '';
  const tooLarge = () => {
    abort();
    return new BodyTooLargeError(maxBytes);
  };
  if (Number(res.headers.get('content-length')) > maxBytes) throw tooLarge();
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      const error = tooLarge();
      await reader.cancel().catch(() => {});
      throw error;
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/**
 * A cap on a response body as an input gives it: bytes (1048576), or a number and a unit: 512KiB,
 * 10MiB, 1GiB, or 5MB (units without i are powers of 1000).
 */
export function parseMaxResponseBytes(text: string): ParseResult<number> {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined) return parseError('it is not a size');
  const bytes = Math.floor(Number(m[1]) * unit);
  if (bytes < 1) return parseError('it is less than one byte');
  if (bytes > MAX_RESPONSE_BYTES_LIMIT)
    return parseError(`it is above ${formatBytes(MAX_RESPONSE_BYTES_LIMIT)}, the longest text a body can be read into`);
  return parsed(bytes);
}
