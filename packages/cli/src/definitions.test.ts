import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import { readActionMetadata } from '../../../test/run-action.js';
import { DEFINITIONS } from './definitions.js';
import { commandHelp } from './help.js';

const script = fileURLToPath(new URL('../scripts/generate-definitions.mjs', import.meta.url));
const committed = fileURLToPath(new URL('./definitions.ts', import.meta.url));
const actionDir = (name: string) => fileURLToPath(new URL(`../../../actions/${name}/`, import.meta.url));

describe('definitions.ts, generated from actions/*/action.yml', () => {
  it('is what the generator makes now (run packages/cli/scripts/generate-definitions.mjs after editing an action.yml)', () => {
    const fresh = execFileSync(process.execPath, [script, '--stdout'], { encoding: 'utf8' });
    expect(readFileSync(committed, 'utf8')).toBe(fresh);
  });

  it.each(DEFINITIONS.map((d) => [d.command, d] as const))(
    '%s: the inputs, defaults, required flags and outputs of action.yml, as the runner-side parser reads them',
    async (_command, definition) => {
      const meta = await readActionMetadata(actionDir(definition.action));
      expect(definition.inputs.map(({ name, required, default: value }) => ({ name, required, default: value }))).toEqual(
        meta.inputs.map(({ name, required, default: value }) => ({ name, required, default: value })),
      );
      expect(definition.outputs.map((o) => o.name)).toEqual(meta.outputs);
    },
  );

  it('covers the six actions, each command once', () => {
    expect(DEFINITIONS.map((d) => [d.command, d.action])).toEqual([
      ['data', 'validate-data'],
      ['training', 'check-training'],
      ['evaluate', 'evaluate-baseline'],
      ['validate', 'validate-onnx'],
      ['smoke', 'smoke-test'],
      ['rollback', 'rollback'],
    ]);
  });

  it.each(DEFINITIONS.map((d) => [d.command, d] as const))('%s --help lists every input with its description', (_command, definition) => {
    const help = commandHelp(definition);
    for (const input of definition.inputs) {
      expect(help).toContain(`--${input.name} <value>`);
      expect(help.replace(/\s+/g, ' ')).toContain(input.description.replace(/\s+/g, ' '));
      if (input.default && !input.default.includes('${{')) expect(help).toContain(`--${input.name} <value> (default: ${input.default})`);
    }
    for (const output of definition.outputs) expect(help).toContain(`  ${output.name}\n`);
  });
});
