import { parsed, type ParseResult } from '../errors.js';
import { compileUserRegex, type UserRegex } from './user-regex.js';

/** `expect-body`: a substring, or a regular expression written `/source/flags` (run by RE2: linear time). */
export type BodyExpectation = { kind: 'substring'; text: string } | { kind: 'regex'; regex: UserRegex; source: string };

export function parseBodyExpectation(text: string): ParseResult<BodyExpectation> {
  const m = /^\/(.*)\/([dgimsuvy]*)$/s.exec(text);
  if (!m) return parsed({ kind: 'substring', text });
  const regex = compileUserRegex(m[1], m[2]);
  return regex.ok ? parsed({ kind: 'regex', regex: regex.value, source: text }) : regex;
}

export function bodyMatches(body: string, e: BodyExpectation): boolean {
  return e.kind === 'substring' ? body.includes(e.text) : e.regex.test(body);
}

export function describeBodyExpectation(e: BodyExpectation): string {
  return e.kind === 'substring' ? `contains ${JSON.stringify(e.text)}` : `matches ${e.source}`;
}
