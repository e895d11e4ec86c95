import { DEFINITIONS, type ActionDefinition, type InputDefinition } from './definitions.js';
import { SUMMARY_OPTION } from './args.js';

/** Wraps `text` to `width` columns, each line starting with `indent`. */
function wrap(text: string, indent: string, width = 100): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines.join('\n');
}

/** How an input's default reads in help: the token expression says where the CLI takes it from. */
function describeDefault(input: InputDefinition): string {
  if (input.required) return ' (required)';
  if (input.default === undefined || input.default === '') return '';
  if (/\$\{\{\s*(github\.token|secrets\.GITHUB_TOKEN)\s*\}\}/.test(input.default)) return ' (default: $GITHUB_TOKEN)';
  return ` (default: ${input.default})`;
}

/** `ml-gate --help`: the commands, each with its action's description. */
export function generalHelp(definitions: readonly ActionDefinition[] = DEFINITIONS): string {
  const width = Math.max(...definitions.map((d) => d.command.length));
  return [
    'Usage: ml-gate <command> [--<input> <value>]... [--summary FILE|-]',
    '',
    'The ml-gate GitHub Actions on the command line: each option is an input of the action, with the',
    "action's defaults; the report, outputs and exit code are the action's (0 passed, 1 failed, 2 usage).",
    '',
    'Commands:',
    ...definitions.map((d) => `  ${d.command.padEnd(width)}  ${d.action}: ${d.description}`),
    '',
    'Run ml-gate <command> --help for its options.',
  ].join('\n');
}

/** `ml-gate <command> --help`: every input of the action as an option, with its description and default. */
export function commandHelp(definition: ActionDefinition): string {
  const options = definition.inputs.map((i) => `  --${i.name} <value>${describeDefault(i)}\n${wrap(i.description, '      ')}`);
  const outputs = definition.outputs.map((o) => `  ${o.name}\n${wrap(o.description, '      ')}`);
  return [
    `Usage: ml-gate ${definition.command} [--<input> <value>]... [--${SUMMARY_OPTION} FILE|-]`,
    '',
    wrap(`Runs the ${definition.action} action: ${definition.description}`, ''),
    '',
    'Options:',
    ...options,
    `  --${SUMMARY_OPTION} FILE|- (default: -)`,
    wrap('Where the job summary (markdown) is written: a file, or - for the terminal.', '      '),
    '',
    'Outputs (printed as name: value):',
    ...outputs,
  ].join('\n');
}
