import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as actionsCore from '@actions/core';
import { afterEach, describe, expect, it } from 'vitest';

import { DEFINITIONS } from './definitions.js';
import { defaultToolCache, parseOutputFile, stepEnvironment } from './run.js';
import { interceptWorkflowCommands } from './workflow-commands.js';

const evaluate = DEFINITIONS.find((d) => d.command === 'evaluate')!;
const saved = { ...process.env };
afterEach(() => {
  for (const key of Object.keys(process.env)) delete process.env[key];
  Object.assign(process.env, saved);
});

describe('stepEnvironment', () => {
  it('sets every input (given, else action.yml’s default), drops stray INPUT_ variables, keeps a RUNNER_TOOL_CACHE', () => {
    const env: NodeJS.ProcessEnv = { INPUT_MIN_IMPROVEMENT: '0.5', GITHUB_TOKEN: 'ghs_x', RUNNER_TOOL_CACHE: '/cache' };
    stepEnvironment(evaluate, { 'new-model': 'n.onnx', metric: 'f1' }, '/files', env);
    expect(env['INPUT_NEW-MODEL']).toBe('n.onnx');
    expect(env.INPUT_METRIC).toBe('f1');
    expect(env['INPUT_GITHUB-TOKEN']).toBe('ghs_x');
    expect(env.INPUT_MIN_IMPROVEMENT).toBeUndefined();
    for (const input of evaluate.inputs) if (input.default !== undefined) expect(env).toHaveProperty(`INPUT_${input.name.toUpperCase()}`);
    expect(env).toMatchObject({ GITHUB_OUTPUT: '/files/output', GITHUB_STEP_SUMMARY: '/files/summary.md', RUNNER_TOOL_CACHE: '/cache' });
    expect(env.RUNNER_TEMP).toBe('/files/temp');
  });

  it('without RUNNER_TOOL_CACHE or GITHUB_TOKEN: ~/.cache/ml-gate/tool-cache and an empty token', () => {
    const env: NodeJS.ProcessEnv = {};
    stepEnvironment(evaluate, {}, '/files', env);
    expect(env.RUNNER_TOOL_CACHE).toBe(defaultToolCache());
    expect(defaultToolCache()).toMatch(/\.cache[/\\]ml-gate[/\\]tool-cache$/);
    expect(env['INPUT_GITHUB-TOKEN']).toBe('');
  });
});

describe('parseOutputFile', () => {
  it('reads back what @actions/core setOutput writes, multi-line values included', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cli-output-'));
    try {
      process.env.GITHUB_OUTPUT = join(dir, 'output');
      await writeFile(process.env.GITHUB_OUTPUT, '');
      actionsCore.setOutput('passed', 'true');
      actionsCore.setOutput('lines', 'a\nb=c\n');
      actionsCore.setOutput('empty', '');
      expect(parseOutputFile(await readFile(process.env.GITHUB_OUTPUT, 'utf8'))).toEqual([
        ['passed', 'true'],
        ['lines', 'a\nb=c\n'],
        ['empty', ''],
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('interceptWorkflowCommands', () => {
  it('shows what @actions/core prints for annotations as readable lines on stderr, with the file; the rest passes through', () => {
    const out: string[] = [];
    const err: string[] = [];
    const restore = interceptWorkflowCommands(
      'validate-onnx',
      { out: { write: (t: string) => out.push(t) }, err: { write: (t: string) => err.push(t) } },
      false,
    );
    try {
      actionsCore.info('Task: classification');
      actionsCore.error('w holds 1 NaN,\nat 4', { title: 'validate-onnx: Weights are finite', file: 'm.onnx', startLine: 3 });
      actionsCore.warning('within noise: 100%', { title: 'validate-onnx' });
      actionsCore.notice('no baseline');
      actionsCore.debug('a stack');
      actionsCore.startGroup('Scoring');
      actionsCore.endGroup();
      actionsCore.setSecret('hidden');
      process.stdout.write('no newline at the end');
    } finally {
      restore();
    }
    expect(err).toEqual([
      'error: Weights are finite: w holds 1 NaN,\nat 4 (m.onnx:3)\n',
      'warning: within noise: 100%\n',
      'notice: no baseline\n',
    ]);
    expect(out).toEqual(['Task: classification\n', '== Scoring\n', 'no newline at the end\n']);
  });

  it('shows debug lines with RUNNER_DEBUG=1 (debug on)', () => {
    const err: string[] = [];
    const restore = interceptWorkflowCommands('x', { out: { write: () => true }, err: { write: (t: string) => err.push(t) } }, true);
    try {
      actionsCore.debug('a stack');
    } finally {
      restore();
    }
    expect(err).toEqual(['debug: a stack\n']);
  });
});
