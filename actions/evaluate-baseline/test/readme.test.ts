import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The README documents every input and output of action.yml, and nothing that is not there.
const dir = new URL('../', import.meta.url);
const actionYml = readFileSync(new URL('action.yml', dir), 'utf8');
const readme = readFileSync(new URL('README.md', dir), 'utf8');

function keysUnder(section: string): string[] {
  const block = actionYml.split(new RegExp(`^${section}:\\n`, 'm'))[1]?.split(/^\S/m)[0] ?? '';
  return [...block.matchAll(/^ {2}([a-z0-9-]+):/gm)].map((m) => m[1]);
}

function documented(heading: string): string[] {
  const table = readme.split(`## ${heading}`)[1]?.split(/^## /m)[0] ?? '';
  return [...table.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]);
}

describe('README of evaluate-baseline', () => {
  it('lists exactly the inputs of action.yml', () => {
    expect(keysUnder('inputs').length).toBeGreaterThan(10);
    expect(documented('Inputs')).toEqual(keysUnder('inputs'));
  });
  it('lists exactly the outputs of action.yml', () => {
    expect(keysUnder('outputs').length).toBeGreaterThan(3);
    expect(documented('Outputs')).toEqual(keysUnder('outputs'));
  });
  it('gives the defaults of action.yml', () => {
    for (const m of actionYml.matchAll(/^ {2}([a-z0-9-]+):\n(?: {4}.*\n)*? {4}default: '(.*)'$/gm)) {
      const row = readme.split('\n').find((l) => l.startsWith(`| \`${m[1]}\` |`));
      expect(row, m[1]).toContain(m[2] === '' ? "`''`" : `\`${m[2]}\``);
    }
  });
});
