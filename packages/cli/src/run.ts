import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { inputVariable } from '@ml-gate/core/github';

import type { ActionDefinition } from './definitions.js';
import { interceptWorkflowCommands, type TextSink } from './workflow-commands.js';

/** Each action's own run(), loaded when its command runs (so --help starts without them). */
const ACTION_RUNS: Record<string, () => Promise<{ run: () => Promise<void> }>> = {
  'evaluate-baseline': () => import('@ml-gate/evaluate-baseline/lib/main.js'),
  'validate-onnx': () => import('@ml-gate/validate-onnx/lib/main.js'),
  'validate-data': () => import('@ml-gate/validate-data/lib/main.js'),
  'check-training': () => import('@ml-gate/check-training/lib/main.js'),
  'smoke-test': () => import('@ml-gate/smoke-test/lib/main.js'),
  rollback: () => import('@ml-gate/rollback/lib/main.js'),
};

/** Where onnxruntime-node is kept between runs when RUNNER_TOOL_CACHE is not set (as scripts/demo.mjs). */
export function defaultToolCache(): string {
  return join(homedir(), '.cache', 'ml-gate', 'tool-cache');
}

/**
 * An input's value as the runner would pass it: the given one, else action.yml's default, whose
 * `${{ github.token }}` is the GITHUB_TOKEN of this shell (empty when unset).
 */
function inputValue(input: ActionDefinition['inputs'][number], given: Record<string, string>, env: NodeJS.ProcessEnv): string | undefined {
  if (input.name in given) return given[input.name];
  return input.default?.replace(/\$\{\{\s*(github\.token|secrets\.GITHUB_TOKEN)\s*\}\}/g, () => env.GITHUB_TOKEN ?? '');
}

/**
 * The environment the runner gives a step, made in `env`: INPUT_<NAME> for every input (given or
 * defaulted) and no other INPUT_ variable (the actions refuse undeclared ones), GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY in `files`, RUNNER_TEMP and RUNNER_TOOL_CACHE when the shell has none.
 */
export function stepEnvironment(definition: ActionDefinition, given: Record<string, string>, files: string, env: NodeJS.ProcessEnv): void {
  for (const key of Object.keys(env)) if (key.startsWith('INPUT_')) delete env[key];
  for (const input of definition.inputs) {
    const value = inputValue(input, given, env);
    if (value !== undefined) env[inputVariable(input.name)] = value;
  }
  env.GITHUB_OUTPUT = join(files, 'output');
  env.GITHUB_STEP_SUMMARY = join(files, 'summary.md');
  env.RUNNER_TEMP ||= join(files, 'temp');
  env.RUNNER_TOOL_CACHE ||= defaultToolCache();
}

/** The outputs @actions/core wrote to GITHUB_OUTPUT (`name<<DELIMITER` blocks, or `name=value` lines). */
export function parseOutputFile(text: string): [string, string][] {
  const outputs: [string, string][] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const block = /^([^=<]+)<<(.+)$/.exec(lines[i]);
    if (block) {
      const end = lines.indexOf(block[2], i + 1);
      outputs.push([block[1], lines.slice(i + 1, end < 0 ? undefined : end).join('\n')]);
      i = end < 0 ? lines.length : end;
    } else if (lines[i].includes('=')) {
      outputs.push([lines[i].slice(0, lines[i].indexOf('=')), lines[i].slice(lines[i].indexOf('=') + 1)]);
    }
  }
  return outputs;
}

/** The streams the CLI writes to (the terminal; tests give others). */
export interface Terminal {
  out: TextSink;
  err: TextSink;
}

/** Prints the outputs, then writes the job summary to `summary` (a file) or the terminal ('-'). */
async function report(files: string, summary: string, terminal: Terminal): Promise<void> {
  const outputs = parseOutputFile(await readFile(join(files, 'output'), 'utf8').catch(() => ''));
  if (outputs.length > 0) terminal.out.write(`\nOutputs:\n${outputs.map(([k, v]) => `  ${k}: ${v}`).join('\n')}\n`);
  const markdown = await readFile(join(files, 'summary.md'), 'utf8').catch(() => '');
  if (summary === '-') {
    if (markdown.trim()) terminal.out.write(`\n${markdown.trimEnd()}\n`);
  } else {
    await writeFile(summary, markdown);
    terminal.out.write(`Summary: ${summary}\n`);
  }
}

/**
 * Runs the action of `definition` in this process, as the runner would run its step, and returns
 * its exit code (process.exitCode as @actions/core's setFailed leaves it: 1 failed, 0 passed).
 */
export async function runCommand(
  definition: ActionDefinition,
  inputs: Record<string, string>,
  summary: string,
  terminal: Terminal,
): Promise<number> {
  const files = await mkdtemp(join(tmpdir(), 'ml-gate-'));
  stepEnvironment(definition, inputs, files, process.env);
  await Promise.all([
    mkdir(process.env.RUNNER_TEMP!, { recursive: true }),
    writeFile(process.env.GITHUB_OUTPUT!, ''),
    writeFile(process.env.GITHUB_STEP_SUMMARY!, ''),
  ]);
  const { run } = await ACTION_RUNS[definition.action]();
  const restore = interceptWorkflowCommands(definition.action, terminal, process.env.RUNNER_DEBUG === '1');
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    await run();
  } finally {
    restore();
  }
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = before;
  try {
    await report(files, summary, terminal);
  } finally {
    await rm(files, { recursive: true, force: true });
  }
  return exitCode;
}
