/** `expect-body`: a substring, or a regular expression written `/source/flags`. */
export type BodyExpectation = { kind: 'substring'; text: string } | { kind: 'regex'; regex: RegExp; source: string };

export function parseBodyExpectation(text: string): BodyExpectation | { error: string } {
  const m = /^\/(.*)\/([dgimsuvy]*)$/s.exec(text);
  if (!m) return { kind: 'substring', text };
  try {
    return { kind: 'regex', regex: new RegExp(m[1], m[2].replace(/[gy]/g, '')), source: text };
  } catch (e) {
    return { error: `${text} is not a valid regular expression: ${(e as Error).message}` };
  }
}

export function bodyMatches(body: string, e: BodyExpectation): boolean {
  return e.kind === 'substring' ? body.includes(e.text) : e.regex.test(body);
}

export function describeBodyExpectation(e: BodyExpectation): string {
  return e.kind === 'substring' ? `contains ${JSON.stringify(e.text)}` : `matches ${e.source}`;
}
