import { parseError, parsed, type ParseResult } from '../errors.js';

/** A request header from the `headers` input. */
export interface HeaderLine {
  name: string;
  value: string;
}

// RFC 9110 token characters
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Parses one `Name: value` per line (blank lines and lines starting with # are skipped). Returns
 * an error text naming the line, never the value (which may be a secret).
 */
export function parseHeaderLines(text: string): ParseResult<HeaderLine[]> {
  const headers: HeaderLine[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) return parseError(`line ${i + 1} is not 'Name: value' (no colon after a header name)`);
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    // the text is not echoed: in `Authorization Bearer sk-live-abc:xyz` it is the secret
    if (!TOKEN.test(name)) {
      return parseError(
        `line ${i + 1}: the text before its first colon is not a valid header name (a header name has no spaces; the line is not shown, it may hold a secret)`,
      );
    }
    if (/[\0\r\n]/.test(value)) return parseError(`line ${i + 1}: the value of ${name} has a control character`);
    headers.push({ name, value });
  }
  return parsed(headers);
}
