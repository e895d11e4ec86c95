import { readFile } from 'node:fs/promises';
import { isUserError } from '@ml-gate/core';

import { parseCommandLine, UsageError } from './args.js';
import { commandHelp, generalHelp } from './help.js';
import { runCommand, type Terminal } from './run.js';

/** This CLI's version: its package.json's (beside dist/ in the published package, as in the repository). */
async function version(): Promise<string> {
  const text = await readFile(new URL('../package.json', import.meta.url), 'utf8').catch(() => '{}');
  return (JSON.parse(text) as { version?: string }).version ?? 'unknown';
}

/**
 * `ml-gate` as a function of its arguments: prints help, or runs one action; returns the exit
 * code: the action's (0 passed, 1 failed), 2 for a command line it cannot read.
 */
export async function main(args: readonly string[], terminal: Terminal): Promise<number> {
  try {
    const invocation = parseCommandLine(args);
    if (invocation.kind === 'help') {
      terminal.out.write(`${invocation.definition ? commandHelp(invocation.definition) : generalHelp()}\n`);
      return 0;
    }
    if (invocation.kind === 'version') {
      terminal.out.write(`${await version()}\n`);
      return 0;
    }
    return await runCommand(invocation.definition, invocation.inputs, invocation.summary, terminal);
  } catch (e) {
    if (e instanceof UsageError) {
      terminal.err.write(`ml-gate: ${e.describe()}\n`);
      return 2;
    }
    if (isUserError(e)) {
      terminal.err.write(`error: ${e.describe()}\n`);
      return 1;
    }
    throw e;
  }
}
