import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The release path is only as safe as the code it runs: every third-party action in the project's
// workflows (and, as the practice shown to users, in the examples) is pinned by full commit SHA with
// its tag in a comment (a tag can be moved to other code; a SHA cannot); every workflow states its
// permissions at the top; and a release workflow restores no cache (a cache written by any branch's
// run could put other code into a release).

const root = new URL('../', import.meta.url);
const ownWorkflows = '.github/workflows';
const exampleWorkflows = 'examples/workflows';

/** One `uses:` of a workflow, where it is and what it names. */
interface Uses {
  file: string;
  line: number;
  /** what precedes the `@`: owner/repo or owner/repo/path */
  action: string;
  ref: string;
  /** the text of the comment after it, trimmed; '' when there is none */
  comment: string;
}

const usesLine = /^(\s*)(?:-\s+)?uses:\s*(['"]?)([^'"\s#]+)\2\s*(?:#\s*(.*?))?\s*$/;
const fullSha = /^[0-9a-f]{40}$/;
// a release tag: v1.2.3, 1.2.3, v1.2.3-rc.1 or with a prefix (evaluate-baseline/v1.0.0)
const releaseTag = /^(?:[\w.-]+\/)*v?\d+\.\d+\.\d+(?:[-+][\w.-]+)?$/;

function workflowFiles(dir: string): string[] {
  const abs = new URL(`${dir}/`, root);
  if (!existsSync(abs)) return [];
  return readdirSync(abs)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => `${dir}/${f}`);
}

function read(file: string): string {
  return readFileSync(new URL(file, root), 'utf8');
}

function usesOf(file: string, text: string): Uses[] {
  const found: Uses[] = [];
  text.split('\n').forEach((l, i) => {
    const m = usesLine.exec(l);
    if (!m) return;
    const at = m[3].lastIndexOf('@');
    const action = at < 0 ? m[3] : m[3].slice(0, at);
    found.push({ file, line: i + 1, action, ref: at < 0 ? '' : m[3].slice(at + 1), comment: m[4] ?? '' });
  });
  return found;
}

/** Third party: not a local action, not a container image, not the examples' OWNER/REPO placeholder. */
function isThirdParty(u: Uses): boolean {
  return !u.action.startsWith('./') && !u.action.startsWith('docker://') && !u.action.startsWith('OWNER/REPO/');
}

function pinProblems(file: string, text: string): string[] {
  return usesOf(file, text)
    .filter(isThirdParty)
    .flatMap((u) => {
      const where = `${u.file}:${u.line}: ${u.action}@${u.ref}`;
      if (!fullSha.test(u.ref)) return [`${where} is not pinned by a full 40-hex commit SHA`];
      if (!releaseTag.test(u.comment)) {
        return [`${where} has no '# <release tag>' comment after the SHA (found '# ${u.comment}')`];
      }
      return [];
    });
}

function permissionsProblem(file: string, text: string): string[] {
  return /^permissions:/m.test(text) ? [] : [`${file}: no top-level 'permissions:' (write 'permissions: {}' and grant per job)`];
}

const indentOf = (l: string): number => l.length - l.trimStart().length;
const isContent = (l: string): boolean => l.trim() !== '' && !l.trim().startsWith('#');

/** The lines of the step a `uses:` line belongs to (from its `- ` to the next line as little indented), with their numbers. */
function stepOf(lines: string[], usesIndex: number): { line: number; text: string }[] {
  let start = usesIndex;
  while (start > 0 && !/^\s*-\s/.test(lines[start])) start--;
  const dash = indentOf(lines[start]);
  let end = start + 1;
  while (end < lines.length && !(isContent(lines[end]) && indentOf(lines[end]) <= dash)) end++;
  return lines.slice(start, end).map((text, k) => ({ line: start + k + 1, text }));
}

function releaseCacheProblems(file: string, text: string): string[] {
  const lines = text.split('\n');
  return usesOf(file, text).flatMap((u) => {
    const where = `${u.file}:${u.line}: ${u.action}`;
    if (/^actions\/cache(\/|$)/.test(u.action)) return [`${where}: a release workflow restores no cache`];
    if (!/^actions\/setup-/.test(u.action)) return [];
    const step = stepOf(lines, u.line - 1);
    const problems = step
      .filter((s) => /^\s*cache(-dependency-path)?:/.test(s.text))
      .map((s) => `${where}: '${s.text.trim()}' (line ${s.line}) in a release workflow; remove it`);
    // setup-node from v5 caches npm by itself when package.json names a packageManager
    const major = /^v?(\d+)\./.exec(u.comment)?.[1];
    if (u.action === 'actions/setup-node' && Number(major) >= 5) {
      if (!step.some((s) => /^\s*package-manager-cache:\s*false\b/.test(s.text))) {
        problems.push(`${where}: setup-node ${u.comment} needs 'package-manager-cache: false' in a release workflow`);
      }
    }
    return problems;
  });
}

/** The same action and tag pinned to different SHAs in different places: at least one is wrong. */
function inconsistentPins(all: Uses[]): string[] {
  const seen = new Map<string, Uses>();
  const problems: string[] = [];
  for (const u of all.filter((x) => isThirdParty(x) && fullSha.test(x.ref) && x.comment !== '')) {
    const key = `${u.action} ${u.comment}`;
    const first = seen.get(key);
    if (!first) seen.set(key, u);
    else if (first.ref !== u.ref) {
      problems.push(
        `${u.file}:${u.line}: ${u.action}@${u.ref} # ${u.comment}, but ${first.file}:${first.line} pins ${u.comment} at ${first.ref}`,
      );
    }
  }
  return problems;
}

const own = workflowFiles(ownWorkflows);
const examples = workflowFiles(exampleWorkflows);

it('finds the workflows, among them a release workflow', () => {
  expect(own).toContain(`${ownWorkflows}/ci.yml`);
  expect(own.some((f) => /\/release[^/]*$/.test(f))).toBe(true);
  expect(examples.length).toBeGreaterThanOrEqual(4);
});

describe.each([...own, ...examples])('%s', (file) => {
  const text = read(file);
  it('pins every third-party action by commit SHA, with its tag in a comment', () => {
    expect(usesOf(file, text).length).toBeGreaterThan(0);
    expect(pinProblems(file, text)).toEqual([]);
  });
  it('has a top-level permissions:', () => {
    expect(permissionsProblem(file, text)).toEqual([]);
  });
});

describe.each(own.filter((f) => /\/release[^/]*$/.test(f)))('release workflow %s', (file) => {
  it('uses no cache (no actions/cache, no setup-* cache:)', () => {
    expect(releaseCacheProblems(file, read(file))).toEqual([]);
  });
});

it('pins one tag of an action to one SHA everywhere', () => {
  expect(inconsistentPins([...own, ...examples].flatMap((f) => usesOf(f, read(f))))).toEqual([]);
});

it('names our own actions in the examples by the tags a release creates (<action>/v1)', () => {
  const ours = examples.flatMap((f) => usesOf(f, read(f))).filter((u) => u.action.startsWith('OWNER/REPO/'));
  expect(ours.length).toBeGreaterThan(0);
  for (const u of ours) {
    const name = /^OWNER\/REPO\/actions\/([a-z-]+)$/.exec(u.action)?.[1];
    expect(name, `${u.file}:${u.line}: ${u.action}`).toBeDefined();
    expect(`${u.file}:${u.line}: ${u.ref}`).toBe(`${u.file}:${u.line}: ${name}/v1`);
  }
});

// The checks fail on what they are meant to catch, and say where.
describe('the checks themselves', () => {
  const bad = [
    'name: bad',
    'on: push',
    'jobs:',
    '  release:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - uses: actions/checkout@v4',
    '      - name: Node',
    "        uses: 'actions/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020'",
    '        with:',
    '          node-version: 24',
    '          cache: npm',
    '      - uses: actions/cache@0057852bfaa89a56745cba8c7296529d2fc39830 # v4.3.0',
    '      - uses: actions/setup-node@2028fbc5c25fe9cf00d9f06a71cc4710d4507903 # v6.0.0',
    '      - uses: ./actions/evaluate-baseline',
    '      - uses: docker://alpine:3.20',
    '      - uses: actions/cache@1111111111111111111111111111111111111111 # v4.3.0',
    '',
  ].join('\n');

  it('names the file, line and action of an unpinned or uncommented action', () => {
    expect(pinProblems('x.yml', bad)).toEqual([
      'x.yml:7: actions/checkout@v4 is not pinned by a full 40-hex commit SHA',
      "x.yml:9: actions/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020 has no '# <release tag>' comment after the SHA (found '# ')",
    ]);
  });
  it('wants a top-level permissions:', () => {
    expect(permissionsProblem('x.yml', bad)).toEqual(["x.yml: no top-level 'permissions:' (write 'permissions: {}' and grant per job)"]);
    expect(permissionsProblem('x.yml', `permissions: {}\n${bad}`)).toEqual([]);
  });
  it('finds a cache in a release workflow', () => {
    expect(releaseCacheProblems('x.yml', bad)).toEqual([
      "x.yml:9: actions/setup-node: 'cache: npm' (line 12) in a release workflow; remove it",
      'x.yml:13: actions/cache: a release workflow restores no cache',
      "x.yml:14: actions/setup-node: setup-node v6.0.0 needs 'package-manager-cache: false' in a release workflow",
      'x.yml:17: actions/cache: a release workflow restores no cache',
    ]);
  });
  it('finds one tag pinned to two SHAs', () => {
    expect(inconsistentPins(usesOf('x.yml', bad))).toEqual([
      'x.yml:17: actions/cache@1111111111111111111111111111111111111111 # v4.3.0, but x.yml:13 pins v4.3.0 at 0057852bfaa89a56745cba8c7296529d2fc39830',
    ]);
  });
});
