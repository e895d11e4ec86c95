import { UserError } from '@ml-gate/core';
import { closestInput } from '@ml-gate/core/github';

import { DEFINITIONS, type ActionDefinition } from './definitions.js';

/** Where the job summary markdown goes: a file, or '-' for the terminal (stdout). */
export const SUMMARY_OPTION = 'summary';

/**
 * A command line the user can fix: an unknown command or option, a missing value. The CLI prints
 * its message and exits with 2 (a usage error), not 1 (a gate that ran and failed).
 */
export class UsageError extends UserError {
  constructor(message: string, hint?: string) {
    super(message, { hint });
    this.name = 'UsageError';
  }
}

/** What the command line asks for: help on a command (or on all), or a run of one action. */
export type Invocation =
  | { kind: 'help'; definition?: ActionDefinition }
  | { kind: 'version' }
  | { kind: 'run'; definition: ActionDefinition; inputs: Record<string, string>; summary: string };

const HELP_FLAGS = new Set(['--help', '-h', 'help']);

/** The definition of command `name`, or a UsageError naming the closest command. */
export function findCommand(name: string, definitions: readonly ActionDefinition[] = DEFINITIONS): ActionDefinition {
  const found = definitions.find((d) => d.command === name || d.action === name);
  if (found) return found;
  const commands = definitions.map((d) => d.command);
  const closest = closestInput(name, commands);
  throw new UsageError(
    `Unknown command '${name}'${closest ? `; did you mean ${closest}?` : '.'}`,
    `Commands: ${commands.join(', ')}. Run ml-gate --help.`,
  );
}

/** Splits `--name=value` and `--name value`; a missing value is a UsageError. */
function takeOption(args: readonly string[], at: number, command: string): { name: string; value: string; next: number } {
  const arg = args[at];
  if (!arg.startsWith('--') || arg === '--') {
    throw new UsageError(
      `Unexpected argument '${arg}' after ${command}: every setting is an option --<input> <value>.`,
      `Run ml-gate ${command} --help.`,
    );
  }
  const eq = arg.indexOf('=');
  if (eq > 2) return { name: arg.slice(2, eq), value: arg.slice(eq + 1), next: at + 1 };
  const name = arg.slice(2);
  if (at + 1 >= args.length) throw new UsageError(`Option --${name} needs a value.`, `Run ml-gate ${command} --help.`);
  return { name, value: args[at + 1], next: at + 2 };
}

/** A UsageError for option `name`, which command `definition` does not take; it names the closest one. */
function unknownOption(name: string, definition: ActionDefinition): UsageError {
  const known = [...definition.inputs.map((i) => i.name), SUMMARY_OPTION];
  const closest = closestInput(name, known);
  return new UsageError(
    `Unknown option --${name} for ml-gate ${definition.command}${closest ? `; did you mean --${closest}?` : '.'}`,
    `Options are the inputs of the ${definition.action} action; run ml-gate ${definition.command} --help.`,
  );
}

/** The options of one command: each an input of its action, given once, plus --summary. */
function parseOptions(args: readonly string[], definition: ActionDefinition): Invocation {
  const declared = new Set(definition.inputs.map((i) => i.name));
  const inputs: Record<string, string> = {};
  let summary = '-';
  for (let at = 0; at < args.length;) {
    if (HELP_FLAGS.has(args[at]) && args[at] !== 'help') return { kind: 'help', definition };
    const { name, value, next } = takeOption(args, at, definition.command);
    at = next;
    if (name === SUMMARY_OPTION && !declared.has(name)) {
      summary = value;
      continue;
    }
    if (!declared.has(name)) throw unknownOption(name, definition);
    if (name in inputs) throw new UsageError(`Option --${name} is given twice.`);
    inputs[name] = value;
  }
  return { kind: 'run', definition, inputs, summary };
}

/** Reads `ml-gate <command> [--<input> <value>]... [--summary FILE|-]` (argv without node and the script). */
export function parseCommandLine(args: readonly string[], definitions: readonly ActionDefinition[] = DEFINITIONS): Invocation {
  const [first, ...rest] = args;
  if (first === undefined || HELP_FLAGS.has(first)) {
    return rest.length > 0 && first === 'help' ? { kind: 'help', definition: findCommand(rest[0], definitions) } : { kind: 'help' };
  }
  if (first === '--version' || first === '-V') return { kind: 'version' };
  if (first.startsWith('-')) throw new UsageError(`Unknown option ${first}: a command comes first.`, 'Run ml-gate --help.');
  return parseOptions(rest, findCommand(first, definitions));
}
