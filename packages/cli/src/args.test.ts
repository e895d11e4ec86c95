import { describe, expect, it } from 'vitest';

import { parseCommandLine, UsageError } from './args.js';
import { DEFINITIONS } from './definitions.js';
import { generalHelp } from './help.js';

const evaluate = DEFINITIONS.find((d) => d.command === 'evaluate')!;
const rollback = DEFINITIONS.find((d) => d.command === 'rollback')!;

function usageError(args: string[]): UsageError {
  try {
    parseCommandLine(args);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return e as UsageError;
  }
  throw new Error(`ml-gate ${args.join(' ')} was accepted`);
}

describe('parseCommandLine', () => {
  it('reads --name value and --name=value as the inputs of the command’s action', () => {
    expect(parseCommandLine(['evaluate', '--new-model', 'a.onnx', '--eval-data=data', '--min-improvement', '-0.01'])).toEqual({
      kind: 'run',
      definition: evaluate,
      inputs: { 'new-model': 'a.onnx', 'eval-data': 'data', 'min-improvement': '-0.01' },
      summary: '-',
    });
  });

  it('takes --summary FILE (default -, the terminal) and keeps a value with = in it whole', () => {
    const r = parseCommandLine(['evaluate', '--summary', 'out.md', '--metric=f1=x']);
    expect(r).toMatchObject({ kind: 'run', summary: 'out.md', inputs: { metric: 'f1=x' } });
  });

  it('takes the action folder name as the command too', () => {
    expect(parseCommandLine(['evaluate-baseline'])).toMatchObject({ kind: 'run', definition: evaluate, inputs: {} });
  });

  it('rollback --version is the input, not the CLI’s version', () => {
    expect(parseCommandLine(['rollback', '--version', 'v3'])).toMatchObject({ definition: rollback, inputs: { version: 'v3' } });
    expect(parseCommandLine(['--version'])).toEqual({ kind: 'version' });
  });

  it('gives help for no arguments, --help, help <command> and <command> --help', () => {
    expect(parseCommandLine([])).toEqual({ kind: 'help' });
    expect(parseCommandLine(['--help'])).toEqual({ kind: 'help' });
    expect(parseCommandLine(['help', 'evaluate'])).toEqual({ kind: 'help', definition: evaluate });
    expect(parseCommandLine(['evaluate', '--new-model', 'x', '-h'])).toEqual({ kind: 'help', definition: evaluate });
  });

  it('an unknown command names the closest one', () => {
    const e = usageError(['evalute', '--new-model', 'x']);
    expect(e.message).toBe("Unknown command 'evalute'; did you mean evaluate?");
    expect(e.hint).toContain('evaluate, validate, smoke, rollback');
    expect(usageError(['frobnicate']).message).toBe("Unknown command 'frobnicate'.");
  });

  it('an unknown option names the closest input, in any spelling', () => {
    expect(usageError(['evaluate', '--min_improvement', '0.1']).message).toBe(
      'Unknown option --min_improvement for ml-gate evaluate; did you mean --min-improvement?',
    );
    expect(usageError(['validate', '--new-model', 'x']).message).toMatch(/^Unknown option --new-model for ml-gate validate/);
  });

  it('refuses a missing value, a repeated option, a bare argument and an option before the command', () => {
    expect(usageError(['evaluate', '--new-model']).message).toBe('Option --new-model needs a value.');
    expect(usageError(['evaluate', '--metric', 'f1', '--metric', 'accuracy']).message).toBe('Option --metric is given twice.');
    expect(usageError(['evaluate', 'model.onnx']).message).toMatch(/^Unexpected argument 'model.onnx'/);
    expect(usageError(['--new-model', 'x']).message).toMatch(/^Unknown option --new-model: a command comes first/);
  });
});

describe('generalHelp', () => {
  it('lists every command with its action', () => {
    const help = generalHelp();
    for (const d of DEFINITIONS) expect(help).toContain(`${d.command.padEnd(8)}  ${d.action}: `);
  });
});
