import { parseError, parsed, type ParseResult } from '../errors.js';

/** A request header from the `headers` input. */
export interface HeaderLine {
  name: string;
  value: string;
}

// RFC 9110 token characters
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * What a header value cannot hold: a control character (tab aside), or a character outside ASCII.
 * fetch sends a value as one byte per character: é would go out as Latin-1 (which a server reads
 * as UTF-8 garbage) and 日 cannot go out at all. Where, not what: the value may be a secret.
 */
function valueProblem(value: string): string | undefined {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return `has a control character at character ${i + 1}`;
    if (c > 0x7f) return `has a character outside ASCII at character ${i + 1}, which a header cannot carry as text`;
  }
  return undefined;
}

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
    const problem = valueProblem(value);
    if (problem) return parseError(`line ${i + 1}: the value of ${name} ${problem} (the value is not shown: it may hold a secret)`);
    headers.push({ name, value });
  }
  return parsed(headers);
}
