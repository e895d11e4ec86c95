import { messageOf, parseError, parsed, type ParseResult } from '../errors.js';

/** `expect-body`: a substring, or a regular expression written `/source/flags`. */
export type BodyExpectation = { kind: 'substring'; text: string } | { kind: 'regex'; regex: RegExp; source: string };

export function parseBodyExpectation(text: string): ParseResult<BodyExpectation> {
  const m = /^\/(.*)\/([dgimsuvy]*)$/s.exec(text);
  if (!m) return parsed({ kind: 'substring', text });
  // g and y would make test() stateful (lastIndex) across the retried attempts
  try {
    return parsed({ kind: 'regex', regex: new RegExp(m[1], m[2].replace(/[gy]/g, '')), source: text });
  } catch (e) {
    return parseError(`${text} is not a valid regular expression: ${messageOf(e)}`);
  }
}

export function bodyMatches(body: string, e: BodyExpectation): boolean {
  return e.kind === 'substring' ? body.includes(e.text) : e.regex.test(body);
}

export function describeBodyExpectation(e: BodyExpectation): string {
  return e.kind === 'substring' ? `contains ${JSON.stringify(e.text)}` : `matches ${e.source}`;
}
