import { redactSecrets } from '../util/secrets.js';

/**
 * At most `max` characters of a response body, for messages and reports (never a whole body).
 * The secrets of the run are redacted before the cut: a server echoing a header must not leave
 * half a token at the end of an excerpt, where the redaction of the whole report cannot find it.
 */
export function truncate(text: string, max = 300): string {
  const oneLine = redactSecrets(text).replace(/\s+/g, ' ').trim();
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max)}… (${oneLine.length - max} more characters)`;
}
