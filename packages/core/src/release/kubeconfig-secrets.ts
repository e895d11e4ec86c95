import { uriDecodedOrSame } from '../util/secrets.js';

/**
 * The secret values of a kubeconfig, to mask before kubectl runs (pure). A kubeconfig is YAML (as
 * kubectl, cloud CLIs and people write it) or JSON. Its credentials: the values of the keys that
 * hold them (`token`, `client-key-data`, `password`, `client-secret`, `access-token`, `id-token`,
 * `refresh-token`; `client-certificate-data`, not secret, masked all the same), a password in a
 * server URL (`https://user:pw@host`), and the `value` of an exec plugin's `env` entry whose `name`
 * looks like a secret's (AWS_SECRET_ACCESS_KEY, VAULT_TOKEN, ...).
 *
 * No YAML library is bundled, so this reads the part of YAML kubeconfigs use, tolerantly: block
 * mappings and sequences, flow collections (and JSON, which is one), plain, quoted ('...', "...",
 * over several lines) and block scalars (| and >). It never throws: text it cannot read is
 * skipped, and a value it reads wrong is masked wrong, never left out where the key is seen.
 */

/** Keys whose values are credentials (any case). */
const SECRET_KEYS = /^(token|client-key-data|client-certificate-data|password|client-secret|access-token|id-token|refresh-token)$/i;
/** An exec plugin env variable named like a secret. */
const SECRET_ENV_NAME = /secret|token|passw|pwd|key|credential|auth/i;
/** userinfo with a password in a URL: scheme://user:password@host. */
const URL_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^\s/@:'"]*:([^\s/@'"]+)@/gi;

/** The scalar entries of one mapping, in document order. */
type Mapping = Map<string, string>;

export function kubeconfigSecrets(text: string): string[] {
  const mappings: Mapping[] = [];
  if (/^\s*[{[]/.test(text)) new FlowReader(text, mappings).node(text.search(/\S/));
  else blockMappings(text, mappings);
  const out = new Set<string>();
  for (const m of mappings) {
    for (const [k, v] of m) if (SECRET_KEYS.test(k)) out.add(v);
    const name = m.get('name');
    const value = m.get('value');
    if (name !== undefined && value !== undefined && SECRET_ENV_NAME.test(name)) out.add(value);
  }
  for (const [, password] of text.matchAll(URL_PASSWORD)) {
    out.add(password);
    out.add(uriDecodedOrSame(password));
  }
  return [...out].filter((v) => v !== '' && v !== 'null' && v !== '~');
}

/** YAML's folding of a quoted scalar's line breaks: one break is a space, n breaks are n-1 newlines. */
function fold(raw: string): string {
  return raw.replace(/[ \t]*\r?\n[ \t]*((?:\r?\n[ \t]*)*)/g, (_m, more: string) => (more ? '\n'.repeat(more.split('\n').length - 1) : ' '));
}

const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  b: '\b',
  f: '\f',
  '0': '\0',
  a: '\x07',
  e: '\x1b',
  v: '\v',
  ' ': ' ',
  '/': '/',
  '"': '"',
  '\\': '\\',
  N: '\u0085',
  _: '\u00a0',
};

/** The value of a double-quoted scalar's body: YAML's escapes (JSON's among them), folded line breaks. */
function doubleQuoted(body: string): string {
  return fold(body.replace(/\\\r?\n[ \t]*/g, '')).replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/g, (_m, e: string) =>
    e.length > 1 ? String.fromCodePoint(parseInt(e.slice(1), 16)) : (ESCAPES[e] ?? e),
  );
}

/**
 * Flow collections (`{a: b, c: [d]}`, JSON) from an offset: each mapping's scalar entries go to
 * `out` (a mapping is added when it opens, so that `out` is in document order).
 */
class FlowReader {
  constructor(
    private readonly text: string,
    private readonly out: Mapping[],
  ) {}

  private space(i: number): number {
    let j = i;
    for (;;) {
      while (j < this.text.length && /\s/.test(this.text[j])) j++;
      if (this.text[j] !== '#' || (j > 0 && !/\s/.test(this.text[j - 1]))) return j;
      while (j < this.text.length && this.text[j] !== '\n') j++;
    }
  }

  /** A node at `i`: its value when it is a scalar, and where it ends. */
  node(i: number): { value?: string; end: number } {
    const j = this.space(i);
    const c = this.text[j];
    if (c === '{' || c === '[') return { end: this.collection(j) };
    if (c === '"' || c === "'") return this.quoted(j);
    return this.plain(j);
  }

  /** A plain scalar: up to `,`, `]`, `}`, a `:` before a space or one of those, or a ` #` comment. */
  private plain(i: number): { value: string; end: number } {
    let k = i;
    for (; k < this.text.length; k++) {
      const c = this.text[k];
      if (c === ',' || c === ']' || c === '}') break;
      if (c === ':' && /^$|[\s,\]}]/.test(this.text[k + 1] ?? '')) break;
      if (c === '#' && k > i && /\s/.test(this.text[k - 1])) break;
    }
    return { value: fold(this.text.slice(i, k)).trim(), end: k };
  }

  /** A quoted scalar at `i` ('...' with '' for a quote, "..." with escapes); an unterminated one runs to the end. */
  quoted(i: number): { value: string; end: number } {
    const q = this.text[i];
    const re = q === '"' ? /^"((?:[^"\\]|\\[\s\S])*)("?)/ : /^'((?:[^']|'')*)('?)/;
    const m = re.exec(this.text.slice(i))!;
    const value = q === '"' ? doubleQuoted(m[1]) : fold(m[1]).replace(/''/g, "'");
    return { value, end: i + m[0].length };
  }

  /** `{...}` or `[...]` at `i`; returns where it ends. */
  collection(i: number): number {
    const mapping = this.text[i] === '{' ? new Map<string, string>() : undefined;
    if (mapping) this.out.push(mapping);
    const close = mapping ? '}' : ']';
    let j = i + 1;
    for (;;) {
      j = this.space(j);
      if (j >= this.text.length || this.text[j] === close) return j + 1;
      if (this.text[j] === ',') {
        j++;
        continue;
      }
      const key = this.node(j);
      if (key.end === j) {
        j++; // a character no node starts with (a stray ':'): skipped
        continue;
      }
      j = this.space(key.end);
      if (this.text[j] !== ':') continue;
      const value = this.node(j + 1);
      if (mapping && key.value !== undefined && value.value !== undefined) mapping.set(key.value, value.value);
      j = value.end;
    }
  }
}

interface Line {
  indent: number;
  /** The line without its indentation and its `- ` sequence markers. */
  content: string;
  /** The indentation of `content`, after the `- ` markers: where a new sequence item's mapping starts. */
  itemIndent?: number;
}

function splitLine(raw: string): Line {
  const indent = raw.length - raw.trimStart().length;
  let content = raw.slice(indent);
  let at = indent;
  let itemIndent: number | undefined;
  for (let m = /^-(\s+|$)/.exec(content); m; m = /^-(\s+|$)/.exec(content)) {
    at += m[0].length;
    content = content.slice(m[0].length);
    itemIndent = at;
  }
  return { indent: itemIndent ?? indent, content, itemIndent };
}

/**
 * Block YAML, a line at a time: each `key: value` goes into the mapping open at its indentation
 * (a `- ` item opens a new one); a value that is a quoted scalar, a flow collection, a block scalar
 * or a plain scalar over several lines is read whole, then reading goes on after it.
 */
function blockMappings(text: string, out: Mapping[]): void {
  const lines = text.split(/\r?\n/);
  const open: { indent: number; map: Mapping }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = splitLine(lines[i]);
    const key = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#"'{[][^:#]*?)[ \t]*:(?:[ \t]+|$)/.exec(line.content);
    if (/^[{[]/.test(line.content)) i = flowValue(lines, i, lines[i].length - line.content.length, out).lastLine; // `- {name: X, value: Y}`
    if (!key || /^(---|\.\.\.|%)/.test(line.content)) continue;
    while (
      open.length &&
      (open[open.length - 1].indent > line.indent || (line.itemIndent !== undefined && open[open.length - 1].indent >= line.indent))
    )
      open.pop();
    if (!open.length || open[open.length - 1].indent !== line.indent) {
      open.push({ indent: line.indent, map: new Map() });
      out.push(open[open.length - 1].map);
    }
    const name = /^["']/.test(key[1]) ? new FlowReader(key[1], []).quoted(0).value : key[1].trim();
    const rest = line.content.slice(key[0].length).replace(/^(?:[&!]\S*[ \t]+)+/, '');
    const value = blockValue(lines, i, lines[i].length - rest.length, line.indent, out);
    if (value.value !== undefined) open[open.length - 1].map.set(name, value.value);
    i = value.lastLine;
  }
}

/** The text from line `i`, column `col`, to the end (for a value that may span lines) and a column -> line mapper. */
function textFrom(lines: string[], i: number, col: number): { text: string; lineAt: (offset: number) => number } {
  const text = [lines[i].slice(col), ...lines.slice(i + 1)].join('\n');
  return { text, lineAt: (offset) => i + (text.slice(0, offset).match(/\n/g)?.length ?? 0) };
}

/** A quoted scalar or a flow collection from line `i`, column `col`, over as many lines as it takes. */
function flowValue(lines: string[], i: number, col: number, out: Mapping[]): { value?: string; lastLine: number } {
  const { text, lineAt } = textFrom(lines, i, col);
  const reader = new FlowReader(text, out);
  const r = /^["']/.test(text) ? reader.quoted(0) : { end: reader.collection(0), value: undefined };
  return { value: r.value, lastLine: lineAt(r.end) };
}

/** The more indented lines after line `i` (blank ones among them), for block and multi-line plain scalars. */
function deeperLines(lines: string[], i: number, indent: number): string[] {
  const out: string[] = [];
  for (let j = i + 1; j < lines.length; j++) {
    const l = lines[j];
    if (l.trim() !== '' && l.length - l.trimStart().length <= indent) break;
    out.push(l);
  }
  while (out.length && out[out.length - 1].trim() === '') out.pop();
  return out;
}

/** The value after `key:` on line `i` from column `col`: its scalar (if it is one) and the last line it takes. */
function blockValue(lines: string[], i: number, col: number, indent: number, out: Mapping[]): { value?: string; lastLine: number } {
  const rest = lines[i].slice(col);
  if (/^["'{[]/.test(rest)) return flowValue(lines, i, col, out);
  const header = /^([|>])[0-9+-]*[ \t]*(#.*)?$/.exec(rest);
  const more = deeperLines(lines, i, indent);
  if (header) {
    const margin = Math.min(...more.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
    const body = more.map((l) => l.slice(margin));
    return { value: header[1] === '|' ? body.join('\n') : fold(body.join('\n')), lastLine: i + more.length };
  }
  const first = rest.replace(/[ \t]+#.*$/, '').trim();
  // a key alone on its line opens a block (its lines are read as they come), unless a plain scalar continues there
  if (more.length && /^\s*(-(\s|$)|[^\s#][^:#]*:(\s|$)|#)/.test(more[0])) return { value: first || undefined, lastLine: i };
  const value = fold([first, ...more.map((l) => l.trim())].filter(Boolean).join('\n'));
  return { value: value || undefined, lastLine: i + more.length };
}
