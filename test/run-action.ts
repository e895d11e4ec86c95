// Runs a committed JavaScript action bundle the way the GitHub runner does, for end-to-end tests:
// `node <action>/<runs.main>` in a child process, with
// - INPUT_<NAME> for every input that has a default in action.yml (the runner fills these in; it
//   evaluates `${{ github.token }}`, here replaced by a token string) and for every given input
//   (name upper-cased, spaces to underscores, hyphens kept: INPUT_NEW-MODEL);
// - the files the runner provides: GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_ENV, GITHUB_PATH,
//   GITHUB_STATE, GITHUB_EVENT_PATH (the event payload), RUNNER_TEMP, RUNNER_TOOL_CACHE;
// - GITHUB_REPOSITORY, GITHUB_WORKSPACE (also the working directory), GITHUB_API_URL and friends.
// It collects the exit code, stdout, stderr, the outputs (parsed from GITHUB_OUTPUT), the job
// summary and the workflow commands (`::error file=...,title=...::message`) on stdout.
//
// The parent's own GITHUB_*, RUNNER_*, ACTIONS_* and INPUT_* variables are not inherited: a test
// run inside a GitHub workflow must not see (or act on) that workflow's event, token or files.
import { spawn } from 'node:child_process';
import { copyFile, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as actionsCore from '@actions/core';
import { expect } from 'vitest';

export interface ActionInputSpec {
  name: string;
  required: boolean;
  /** The default as written in action.yml (before expressions are evaluated). */
  default?: string;
}

export interface ActionMetadata {
  /** runs.using, e.g. node24. */
  using: string;
  /** runs.main, relative to the action folder. */
  main: string;
  inputs: ActionInputSpec[];
  outputs: string[];
}

export interface WorkflowCommand {
  /** error, warning, notice, debug, group, add-mask, ... */
  command: string;
  properties: Record<string, string>;
  message: string;
}

export interface ActionRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Outputs set with core.setOutput (parsed from the GITHUB_OUTPUT file). */
  outputs: Record<string, string>;
  /** The job summary markdown (the GITHUB_STEP_SUMMARY file). */
  summary: string;
  /** Every workflow command printed on stdout. */
  commands: WorkflowCommand[];
  /** error, warning and notice commands only. */
  annotations: WorkflowCommand[];
  errors: WorkflowCommand[];
  warnings: WorkflowCommand[];
  notices: WorkflowCommand[];
  /** The working directory the action ran in (GITHUB_WORKSPACE). */
  workspace: string;
  /** The folder holding everything this run created (workspace, runner temp, command files). */
  dir: string;
  /** The environment the action ran with. */
  env: Record<string, string>;
}

export interface RunActionOptions {
  /** The action folder (holding action.yml and the committed bundle). */
  action: string;
  /** Inputs as written under `with:`; every input with a default that is not given gets the default. */
  inputs?: Record<string, string>;
  /** Extra environment; `undefined` removes a variable the child would otherwise inherit. */
  env?: Record<string, string | undefined>;
  /** The triggering event (written to GITHUB_EVENT_PATH). Default: a push with an empty payload. */
  event?: { name: string; payload: unknown };
  /** GITHUB_REPOSITORY. Default owner/repo. */
  repository?: string;
  /** What `${{ github.token }}` evaluates to. */
  token?: string;
  /**
   * GITHUB_API_URL. Default: a closed loopback port, so that a test never reaches the real
   * GitHub API by accident; give a local stand-in server's URL to test API calls.
   */
  apiUrl?: string;
  /** RUNNER_TOOL_CACHE. Default: a new empty folder of this run. */
  toolCache?: string;
  /** The working directory (GITHUB_WORKSPACE). Default: a new empty folder of this run. */
  workspace?: string;
  /** Where this run's folder is created. Default: the OS temp folder. */
  tempDir?: string;
  /** Killed (by its pid) after this long. Default 120 s. */
  timeoutMs?: number;
  /**
   * The node executable. Default: ML_GATE_ACTION_NODE (.ci/run points it at Node 24, what
   * `runs.using: node24` gets on a runner), else the one running the tests.
   */
  node?: string;
}

/** The token `${{ github.token }}` is replaced with when no token is given. */
export const FAKE_TOKEN = 'ghs_e2eFakeTokenForTests000000000000000';

const INHERITED_PREFIXES = ['GITHUB_', 'RUNNER_', 'ACTIONS_', 'INPUT_', 'STATE_'];

// --------------------------------------------------------------------------------------------
// action.yml: the subset of YAML action metadata files use (block mappings and plain or quoted
// scalars); block scalars (| and >) are skipped, which is enough for descriptions.
// --------------------------------------------------------------------------------------------

function unquote(raw: string, where: string): string {
  const v = raw.trim();
  if (v.startsWith("'")) {
    if (!/^'(?:[^']|'')*'$/.test(v)) throw new Error(`${where}: unsupported single-quoted scalar ${v}`);
    return v.slice(1, -1).replace(/''/g, "'");
  }
  if (v.startsWith('"')) return JSON.parse(v) as string;
  if (/^[|>]/.test(v)) throw new Error(`${where}: block scalars are not supported here`);
  return v.replace(/\s+#.*$/, '');
}

interface YamlLine {
  indent: number;
  key: string;
  value: string;
  line: number;
}

function yamlLines(text: string): YamlLine[] {
  const out: YamlLine[] = [];
  let blockIndent = -1; // inside a block scalar: lines indented deeper than its key are text
  text.split(/\r?\n/).forEach((raw, i) => {
    if (/^\s*(#.*)?$/.test(raw)) return;
    const indent = raw.length - raw.trimStart().length;
    if (blockIndent >= 0) {
      if (indent > blockIndent) return;
      blockIndent = -1;
    }
    const m = /^(\s*)([^:#'"]+?|'[^']*'|"[^"]*"):(?:\s+(.*))?$/.exec(raw);
    if (!m) throw new Error(`action.yml line ${i + 1}: cannot read '${raw.trim()}' (only key: value mappings are supported)`);
    const value = (m[3] ?? '').trim();
    if (/^[|>][-+0-9]*$/.test(value)) blockIndent = indent;
    out.push({ indent, key: unquote(m[2], `line ${i + 1}`), value: /^[|>]/.test(value) ? '' : value, line: i + 1 });
  });
  return out;
}

export function parseActionYaml(text: string): ActionMetadata {
  const lines = yamlLines(text);
  const inputs: ActionInputSpec[] = [];
  const outputs: string[] = [];
  let section = '';
  let current: ActionInputSpec | undefined;
  let using = '';
  let main = '';
  for (const l of lines) {
    if (l.indent === 0) {
      section = l.key;
      current = undefined;
      continue;
    }
    if (section === 'inputs') {
      if (!current || l.indent <= 2) {
        current = { name: l.key, required: false };
        inputs.push(current);
      } else if (l.key === 'default') {
        current.default = unquote(l.value, `action.yml line ${l.line}`);
      } else if (l.key === 'required') {
        current.required = unquote(l.value, `action.yml line ${l.line}`) === 'true';
      }
    } else if (section === 'outputs' && l.indent <= 2) {
      outputs.push(l.key);
    } else if (section === 'runs') {
      if (l.key === 'using') using = unquote(l.value, `action.yml line ${l.line}`);
      if (l.key === 'main') main = unquote(l.value, `action.yml line ${l.line}`);
    }
  }
  if (!main) throw new Error('action.yml has no runs.main: not a JavaScript action');
  return { using, main, inputs, outputs };
}

export async function readActionMetadata(actionDir: string): Promise<ActionMetadata> {
  for (const name of ['action.yml', 'action.yaml']) {
    const text = await readFile(join(actionDir, name), 'utf8').catch(() => undefined);
    if (text !== undefined) return parseActionYaml(text);
  }
  throw new Error(`${actionDir} has no action.yml`);
}

// --------------------------------------------------------------------------------------------
// What the action wrote
// --------------------------------------------------------------------------------------------

/** Parses a GITHUB_OUTPUT (or GITHUB_ENV) file: `name<<delimiter` blocks and `name=value` lines. */
export function parseCommandFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]);
      if (i >= lines.length) throw new Error(`unterminated ${name}<<${delimiter} block`);
      out[name] = value.join('\n');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`cannot parse command file line '${line}'`);
    out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

const unescapeData = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
const unescapeProperty = (s: string) => unescapeData(s).replace(/%3A/g, ':').replace(/%2C/g, ',');

/** The workflow commands (`::name k=v,k=v::message`) in a process's stdout. */
export function parseWorkflowCommands(stdout: string): WorkflowCommand[] {
  const commands: WorkflowCommand[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^::([a-zA-Z-]+)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!m) continue;
    const properties: Record<string, string> = {};
    for (const pair of (m[2] ?? '').split(',')) {
      const eq = pair.indexOf('=');
      if (eq > 0) properties[pair.slice(0, eq)] = unescapeProperty(pair.slice(eq + 1));
    }
    commands.push({ command: m[1], properties, message: unescapeData(m[3]) });
  }
  return commands;
}

/** INPUT_<NAME> as the runner spells it: upper case, spaces to underscores, hyphens kept. */
// Written here, not imported from core's github/inputs.ts: this is the runner's side, the
// independent source the action's own reading of INPUT_* is tested against.
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

function evaluateDefault(value: string, token: string, input: string): string {
  return value.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, expr: string) => {
    if (expr === 'github.token' || expr === 'secrets.GITHUB_TOKEN') return token;
    throw new Error(`the default of input ${input} uses \${{ ${expr} }}, which run-action cannot evaluate; give the input explicitly`);
  });
}

// --------------------------------------------------------------------------------------------
// Running
// --------------------------------------------------------------------------------------------

interface PreparedRun {
  meta: ActionMetadata;
  dir: string;
  workspace: string;
  env: Record<string, string>;
  /** Reads back what the action wrote to the runner's files and to stdout. */
  collect: (exitCode: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string) => Promise<ActionRun>;
}

/** The runner's side of a step: its folders, command files, event and environment, as the runner lays them. */
async function prepareRun(options: RunActionOptions): Promise<PreparedRun> {
  const actionDir = resolve(options.action);
  const meta = await readActionMetadata(actionDir);
  const token = options.token ?? FAKE_TOKEN;

  const dir = await mkdtemp(join(options.tempDir ?? tmpdir(), 'run-action-'));
  const workspace = options.workspace ?? join(dir, 'workspace');
  const files = join(dir, 'files');
  const runnerTemp = join(dir, 'runner-temp');
  const toolCache = options.toolCache ?? join(dir, 'tool-cache');
  await Promise.all([workspace, files, runnerTemp, toolCache].map((d) => mkdir(d, { recursive: true })));
  const file = (name: string) => join(files, name);
  const event = options.event ?? { name: 'push', payload: {} };
  await Promise.all([
    ...['output', 'step_summary', 'env', 'path', 'state'].map((n) => writeFile(file(n), '')),
    writeFile(file('event.json'), JSON.stringify(event.payload, null, 2)),
  ]);

  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !INHERITED_PREFIXES.some((p) => k.toUpperCase().startsWith(p))) env[k] = v;
  }
  const repository = options.repository ?? 'owner/repo';
  Object.assign(env, {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: repository,
    GITHUB_REPOSITORY_OWNER: repository.split('/')[0],
    GITHUB_WORKSPACE: workspace,
    GITHUB_EVENT_NAME: event.name,
    GITHUB_EVENT_PATH: file('event.json'),
    GITHUB_OUTPUT: file('output'),
    GITHUB_STEP_SUMMARY: file('step_summary'),
    GITHUB_ENV: file('env'),
    GITHUB_PATH: file('path'),
    GITHUB_STATE: file('state'),
    GITHUB_API_URL: options.apiUrl ?? 'http://127.0.0.1:9',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_GRAPHQL_URL: `${options.apiUrl ?? 'http://127.0.0.1:9'}/graphql`,
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_WORKFLOW: 'e2e',
    GITHUB_JOB: 'test',
    GITHUB_ACTION: 'run-action',
    GITHUB_ACTOR: 'e2e-user',
    GITHUB_RUN_ID: '1',
    GITHUB_RUN_NUMBER: '1',
    GITHUB_RUN_ATTEMPT: '1',
    RUNNER_OS: { linux: 'Linux', darwin: 'macOS', win32: 'Windows' }[process.platform as string] ?? process.platform,
    RUNNER_ARCH: process.arch.toUpperCase(),
    RUNNER_NAME: 'run-action',
    RUNNER_TEMP: runnerTemp,
    RUNNER_TOOL_CACHE: toolCache,
  });
  for (const input of meta.inputs) {
    if (input.default !== undefined) env[inputVariable(input.name)] = evaluateDefault(input.default, token, input.name);
  }
  const known = new Set(meta.inputs.map((i) => i.name));
  for (const [name, value] of Object.entries(options.inputs ?? {})) {
    if (!known.has(name)) throw new Error(`action.yml declares no input '${name}' (inputs: ${[...known].join(', ')})`);
    env[inputVariable(name)] = value;
  }
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }

  const collect: PreparedRun['collect'] = async (exitCode, signal, out, err) => {
    const commands = parseWorkflowCommands(out);
    const annotations = commands.filter((c) => ['error', 'warning', 'notice'].includes(c.command));
    return {
      exitCode,
      signal,
      stdout: out,
      stderr: err,
      outputs: parseCommandFile(await readFile(file('output'), 'utf8')),
      summary: await readFile(file('step_summary'), 'utf8'),
      commands,
      annotations,
      errors: annotations.filter((c) => c.command === 'error'),
      warnings: annotations.filter((c) => c.command === 'warning'),
      notices: annotations.filter((c) => c.command === 'notice'),
      workspace,
      dir,
      env,
    };
  };
  return { meta, dir, workspace, env, collect };
}

/** Runs the action's committed bundle in a child process, as the runner does. */
export async function runAction(options: RunActionOptions): Promise<ActionRun> {
  const actionDir = resolve(options.action);
  const { meta, workspace, env, collect } = await prepareRun(options);
  const child = spawn(options.node ?? (process.env.ML_GATE_ACTION_NODE || process.execPath), [join(actionDir, meta.main)], {
    cwd: workspace,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => stdout.push(b));
  child.stderr.on('data', (b: Buffer) => stderr.push(b));
  const timeoutMs = options.timeoutMs ?? 120_000;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done, fail) => {
    child.once('error', fail);
    child.once('close', (code, sig) => done([code, sig]));
  }).finally(() => clearTimeout(timer));
  const out = Buffer.concat(stdout).toString('utf8');
  const err = Buffer.concat(stderr).toString('utf8');
  if (timedOut) throw new Error(`${meta.main} did not finish within ${timeoutMs} ms.\nstdout:\n${out}\nstderr:\n${err}`);

  return collect(exitCode, signal, out, err);
}

// --------------------------------------------------------------------------------------------
// A committed action as a user's workflow gets it: action.yml + dist/ copied to a temp folder with
// no node_modules above it, one tool cache for every run of a test file (empty at first, so the
// first run provisions onnxruntime-node from the npm registry), ONNXRUNTIME_NODE_PATH unset.
// --------------------------------------------------------------------------------------------

export interface CommittedAction {
  /** The temp folder holding the copy, the tool cache and every run's files. */
  root: string;
  /** The copy of action.yml + dist/. */
  action: string;
  toolCache: string;
  run(inputs: Record<string, string>, options?: Partial<RunActionOptions>): Promise<ActionRun>;
  dispose(): Promise<void>;
}

export async function committedAction(name: string): Promise<CommittedAction> {
  const source = fileURLToPath(new URL(`../actions/${name}/`, import.meta.url));
  const root = await mkdtemp(join(tmpdir(), `${name}-e2e-`));
  const action = join(root, 'action');
  const toolCache = join(root, 'tool-cache');
  await mkdir(action);
  await mkdir(toolCache);
  await copyFile(join(source, 'action.yml'), join(action, 'action.yml'));
  await cp(join(source, 'dist'), join(action, 'dist'), { recursive: true });
  return {
    root,
    action,
    toolCache,
    run: (inputs, options = {}) =>
      runAction({
        action,
        toolCache,
        tempDir: root,
        ...options,
        inputs,
        env: { ONNXRUNTIME_NODE_PATH: undefined, ONNXRUNTIME_NODE_REGISTRY: undefined, ...options.env },
      }),
    dispose: () => rm(root, { recursive: true, force: true }),
  };
}

// --------------------------------------------------------------------------------------------
// Assertions every action's end-to-end tests make.
// --------------------------------------------------------------------------------------------

/** No stack trace anywhere the user sees: stdout, stderr, annotation messages. */
export function expectNoStackTrace(run: ActionRun): void {
  for (const text of [run.stdout, run.stderr, ...run.commands.map((c) => c.message)]) {
    expect(text).not.toMatch(/^\s+at .+/m);
  }
}

/**
 * A run that ended on an error: exit 1, one error annotation titled `title` that is not an internal
 * error and holds `words` (a string contained, a RegExp matched), no stack trace. The annotation.
 */
export function expectErrorAnnotation(run: ActionRun, title: string, ...words: (string | RegExp)[]): WorkflowCommand {
  expect(run.exitCode, run.stdout + run.stderr).toBe(1);
  expect(run.errors, run.stdout).toHaveLength(1);
  const [error] = run.errors;
  expect(error.properties.title).toBe(title);
  expect(error.message).not.toMatch(/^Internal error/);
  for (const w of words) {
    if (typeof w === 'string') expect(error.message).toContain(w);
    else expect(error.message).toMatch(w);
  }
  expectNoStackTrace(run);
  return error;
}

/** The JSON report the run wrote, found through its report-path output. */
export async function readReport(run: ActionRun): Promise<any> {
  expect(run.outputs['report-path']).toBeTruthy();
  return JSON.parse(await readFile(resolve(run.workspace, run.outputs['report-path']), 'utf8'));
}

// --------------------------------------------------------------------------------------------
// An action's source run in this process: the same runner environment and files as runAction,
// but `run()` is imported from actions/<name>/src/main.ts and called directly, so a test of the
// source fails when the source is wrong, whether or not dist/ was rebuilt (the way actions/toolkit
// tests its own core: INPUT_* set, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY read back).
// --------------------------------------------------------------------------------------------

export interface InProcessOptions extends Omit<RunActionOptions, 'action' | 'node' | 'timeoutMs'> {
  /** The action's name: actions/<name>/action.yml gives the inputs' defaults. */
  name: string;
}

/**
 * Calls `run` with the runner's environment for one step, then restores this process's
 * environment, working directory and exit code. stdout is captured (workflow commands are read
 * from it) and not echoed. Test files that use this must not run tests concurrently.
 */
export async function runInProcess(run: () => Promise<void>, options: InProcessOptions): Promise<ActionRun> {
  const action = fileURLToPath(new URL(`../actions/${options.name}/`, import.meta.url));
  const prepared = await prepareRun({ ...options, action });
  const savedEnv = { ...process.env };
  const savedCwd = process.cwd();
  const savedExitCode = process.exitCode;
  const stdout: string[] = [];
  const stderr: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  const capture = (into: string[]) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      done?.();
      return true;
    }) as typeof process.stdout.write;
  for (const key of Object.keys(process.env)) delete process.env[key];
  Object.assign(process.env, prepared.env);
  // @actions/core keeps the summary file's path once it has looked it up: forget the last step's
  (actionsCore.summary as unknown as { _filePath?: string })._filePath = undefined;
  process.exitCode = undefined;
  process.chdir(prepared.workspace);
  process.stdout.write = capture(stdout);
  process.stderr.write = capture(stderr);
  let exitCode: number;
  try {
    await run();
    exitCode = Number(process.exitCode ?? 0);
  } finally {
    process.stdout.write = write;
    process.stderr.write = writeErr;
    process.chdir(savedCwd);
    process.exitCode = savedExitCode;
    for (const key of Object.keys(process.env)) delete process.env[key];
    Object.assign(process.env, savedEnv);
  }
  return prepared.collect(exitCode, null, stdout.join(''), stderr.join(''));
}
