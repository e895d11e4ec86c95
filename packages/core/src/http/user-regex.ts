import { RE2JS } from 're2js';

import { messageOf, parseError, parsed, type ParseResult } from '../errors.js';

/**
 * A regular expression a user wrote (expect-body, expect-json =~), run against a server's answer.
 * JavaScript's RegExp backtracks: /^(a+)+$/ against forty a's and a '!' runs for minutes, with the
 * event loop blocked, so no timeout fires. These run on RE2 (re2js), whose matching time is linear
 * in the text; what RE2 cannot do in linear time (backreferences, lookaround) is refused.
 */
export interface UserRegex {
  /** The expression as written, /source/flags. */
  text: string;
  test(input: string): boolean;
}

/** Why RE2 refuses it: told at parse time, with the reason, instead of RE2's parser message. */
const LINEAR_TIME =
  'which the linear-time matcher (RE2) does not support: patterns run in time linear in the text, so that no answer can hang the step past its timeout';

/**
 * The first construct of `source` RE2 lacks: a backreference (\1, \k<name>) or a lookaround
 * ((?=, (?!, (?<=, (?<!). Escapes and character classes are skipped, where these are literal.
 */
export function unsupportedConstruct(source: string): string | undefined {
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      const next = source[i + 1] ?? '';
      if (!inClass && /[1-9]/.test(next)) return `a backreference (\\${next})`;
      if (!inClass && next === 'k' && source[i + 2] === '<') return 'a named backreference (\\k<...>)';
      i++;
    } else if (inClass) {
      inClass = c !== ']';
    } else if (c === '[') {
      inClass = true;
    } else if (c === '(') {
      const look = /^\(\?(<?[=!])/.exec(source.slice(i, i + 4));
      if (look) return `a ${look[1].startsWith('<') ? 'lookbehind' : 'lookahead'} (${look[0]})`;
    }
  }
  return undefined;
}

const FLAGS: Record<string, number> = { i: RE2JS.CASE_INSENSITIVE, m: RE2JS.MULTILINE, s: RE2JS.DOTALL };

/**
 * Compiles `/source/flags` for RE2. `flags` are JavaScript's: i, m and s carry over; u, v and d
 * change nothing RE2 does (it matches code points); g and y are dropped (they make a JavaScript
 * test() stateful). The syntax is JavaScript's (what the inputs document): it must compile as a
 * RegExp too, and is translated to RE2's (named groups, \u escapes, [^]).
 */
export function compileUserRegex(source: string, flags: string): ParseResult<UserRegex> {
  const text = `/${source}/${flags}`;
  try {
    new RegExp(source, flags);
  } catch (e) {
    return parseError(`${text} is not a valid regular expression: ${messageOf(e)}`);
  }
  const unsupported = unsupportedConstruct(source);
  if (unsupported) return parseError(`${text} uses ${unsupported}, ${LINEAR_TIME}`);
  let re: RE2JS;
  try {
    const bits = [...flags].reduce((b, f) => b | (FLAGS[f] ?? 0), 0);
    re = RE2JS.compile(RE2JS.translateRegExp(source), bits);
  } catch (e) {
    return parseError(`${text} cannot run on the linear-time matcher (RE2): ${messageOf(e).replace(/^error parsing regexp: /, '')}`);
  }
  return parsed({ text, test: (input) => re.test(input) });
}
