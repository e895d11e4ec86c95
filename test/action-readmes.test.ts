import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// Every action's README documents every input and output of its action.yml, with its default,
// and nothing that is not there; its src/inputs.ts names the same inputs.
const actionsDir = new URL('../actions/', import.meta.url);
const actions = readdirSync(actionsDir).filter((a) => existsSync(new URL(`${a}/action.yml`, actionsDir)));

function keysUnder(actionYml: string, section: string): string[] {
  const block = actionYml.split(new RegExp(`^${section}:\\n`, 'm'))[1]?.split(/^\S/m)[0] ?? '';
  return [...block.matchAll(/^ {2}([a-z0-9-]+):/gm)].map((m) => m[1]);
}

function documented(readme: string, heading: string): string[] {
  const table = readme.split(`## ${heading}`)[1]?.split(/^## /m)[0] ?? '';
  return [...table.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]);
}

it('finds the actions', () => {
  expect(actions).toContain('evaluate-baseline');
});

for (const action of actions) {
  describe(`README of ${action}`, () => {
    const actionYml = readFileSync(new URL(`${action}/action.yml`, actionsDir), 'utf8');
    const readme = readFileSync(new URL(`${action}/README.md`, actionsDir), 'utf8');
    it('lists exactly the inputs of action.yml', () => {
      expect(keysUnder(actionYml, 'inputs').length).toBeGreaterThan(0);
      expect(documented(readme, 'Inputs')).toEqual(keysUnder(actionYml, 'inputs'));
    });
    it('src/inputs.ts names exactly the inputs of action.yml (the action refuses any other)', async () => {
      const { INPUTS } = (await import(new URL(`${action}/src/inputs.ts`, actionsDir).href)) as { INPUTS: readonly string[] };
      expect([...INPUTS]).toEqual(keysUnder(actionYml, 'inputs'));
    });
    it('lists exactly the outputs of action.yml', () => {
      expect(keysUnder(actionYml, 'outputs').length).toBeGreaterThan(0);
      expect(documented(readme, 'Outputs')).toEqual(keysUnder(actionYml, 'outputs'));
    });
    it('gives the defaults of action.yml', () => {
      for (const m of actionYml.matchAll(/^ {2}([a-z0-9-]+):\n(?: {4}.*\n)*? {4}default: '(.*)'$/gm)) {
        const row = readme.split('\n').find((l) => l.startsWith(`| \`${m[1]}\` |`));
        expect(row, m[1]).toContain(m[2] === '' ? "`''`" : `\`${m[2]}\``);
      }
    });
    it('shows a workflow example', () => {
      expect(readme).toMatch(new RegExp(`uses: OWNER/REPO/actions/${action}@${action}/v1`));
    });
  });
}
