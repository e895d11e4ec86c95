// The report lifecycle every action shares (runReportedAction), run in this process with the
// runner's environment of a step (test/run-action.ts runInProcess: INPUT_*, GITHUB_OUTPUT,
// GITHUB_STEP_SUMMARY, GITHUB_SHA, ...): the outputs and the job summary are read back from the
// files the runner gives, the annotations from the workflow commands on stdout.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import { UserError, type ReportError } from '../errors.js';
import type { RunInfo } from '../util/run-info.js';
import { expectNoStackTrace, readActionMetadata, readReport, runInProcess, type InProcessOptions } from '../../../../test/run-action.js';
import { markErrored, reportJson, runReportedAction, type ReportedAction } from './reported-action.js';
import { maskSecret } from './secrets.js';

interface TestReport {
  status: string;
  passed: boolean;
  reason: string;
  score?: number;
  error?: ReportError;
  run?: RunInfo;
}

const TITLE = 'Test gate';
// the runner environment these tests borrow is validate-onnx's (runInProcess): its inputs are declared
const DECLARED = (await readActionMetadata(fileURLToPath(new URL('../../../../actions/validate-onnx/', import.meta.url)))).inputs.map(
  (i) => i.name,
);
const SHA = '0123456789abcdef0123456789abcdef01234567'; // run-action's GITHUB_SHA

/** An action over TestReport whose steps are recorded in `steps`, in the order they ran. */
function testAction(overrides: Partial<ReportedAction<TestReport>> = {}) {
  const steps: string[] = [];
  const report: TestReport = { status: 'pending', passed: false, reason: '' };
  const action: ReportedAction<TestReport> = {
    title: TITLE,
    reportPath: 'out/report.json',
    inputs: DECLARED,
    report,
    body: () => {
      steps.push('body');
      report.score = 0.875;
      report.status = 'passed';
      report.passed = true;
      return Promise.resolve();
    },
    recordError: (r, message) => {
      steps.push(`recordError: ${message}`);
      markErrored(r, message);
    },
    outputs: (r) => ({ passed: String(r.passed), score: String(r.score ?? '') }),
    markdown: (r) => `## ${TITLE}: ${r.status}\n`,
    afterPublish: () => {
      // the report and the summary are there by now
      steps.push(`afterPublish: report ${existsSync(join(process.cwd(), 'out/report.json')) ? 'written' : 'missing'}`);
      return Promise.resolve();
    },
    verdict: () => {
      steps.push('verdict');
    },
    ...overrides,
  };
  return { action, report, steps };
}

function run(action: ReportedAction<TestReport>, options: Partial<InProcessOptions> = {}) {
  return runInProcess(() => runReportedAction(action), { name: 'validate-onnx', ...options });
}

describe('runReportedAction', () => {
  it('a run that passes: outputs, report-path, the JSON report with the run, the summary, then afterPublish and the verdict', async () => {
    const { action, steps } = testAction();
    const r = await run(action);
    expect(r.exitCode).toBe(0);
    expect(r.annotations).toEqual([]);
    expect(steps).toEqual(['body', 'afterPublish: report written', 'verdict']);
    expect(r.outputs).toEqual({ passed: 'true', score: '0.875', 'report-path': 'out/report.json' });
    expect(await readReport(r)).toEqual({
      status: 'passed',
      passed: true,
      reason: '',
      score: 0.875,
      run: {
        commit: SHA,
        commitUrl: `https://github.com/owner/repo/commit/${SHA}`,
        runUrl: 'https://github.com/owner/repo/actions/runs/1',
      },
    });
    expect(r.summary).toBe(`## ${TITLE}: passed\n\n`);
  });

  it('fills report.run from GITHUB_SHA, GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID and the attempt', async () => {
    const { action } = testAction();
    const sha = 'f'.repeat(40);
    const r = await run(action, {
      repository: 'acme/models',
      env: { GITHUB_SHA: sha, GITHUB_SERVER_URL: 'https://ghe.example.com/', GITHUB_RUN_ID: '4242', GITHUB_RUN_ATTEMPT: '3' },
    });
    expect((await readReport(r)).run).toEqual({
      commit: sha,
      commitUrl: `https://ghe.example.com/acme/models/commit/${sha}`,
      runUrl: 'https://ghe.example.com/acme/models/actions/runs/4242/attempts/3',
    });
  });

  it('a UserError: recorded in the report, which is still published; exit 1 with one annotation on its file, no stack trace', async () => {
    const { action, steps } = testAction({
      body: () => {
        throw new UserError('models/new.onnx is not an ONNX model.', { file: 'models/new.onnx', input: 'model', hint: 'Export it again.' });
      },
    });
    const r = await run(action);
    expect(r.exitCode).toBe(1);
    // the annotation and the report name the input at fault (annotationMessage)
    const message = 'models/new.onnx is not an ONNX model. Export it again. (input model)';
    expect(steps).toEqual([`recordError: ${message}`, 'afterPublish: report written']);
    expect(r.errors).toHaveLength(1);
    expect(r.annotations).toHaveLength(1);
    expect(r.errors[0].message).toBe(message);
    expect(r.errors[0].properties).toEqual({ title: TITLE, file: 'models/new.onnx' });
    expectNoStackTrace(r);
    expect(r.outputs).toEqual({ passed: 'false', score: '', 'report-path': 'out/report.json' });
    const report = await readReport(r);
    expect(report.error).toEqual({ message, file: 'models/new.onnx', input: 'model' });
    expect(report).toMatchObject({ status: 'error', passed: false, reason: message, run: { commit: SHA } });
    expect(r.summary).toBe(`## ${TITLE}: error\n\n`);
  });

  it('a masked secret that a server echoed reaches no file: not the report, the summary or an output', async () => {
    const secret = 'Bearer-echoed-token-0123456789';
    const { action } = testAction({
      body: () => {
        maskSecret(secret);
        throw new UserError(`the server answered 401: {"error": "bad token ${secret}"}`);
      },
      markdown: (r) => `## ${TITLE}: ${r.reason}\n`,
      outputs: (r) => ({ reason: r.reason }),
    });
    const r = await run(action);
    expect(r.exitCode).toBe(1);
    expect(r.commands.filter((c) => c.command === 'add-mask').map((c) => c.message)).toContain(secret);
    const reportText = await readFile(join(r.workspace, 'out/report.json'), 'utf8');
    for (const text of [reportText, r.summary, r.outputs.reason]) {
      expect(text).not.toContain(secret);
      expect(text).toContain('bad token ***');
    }
  });

  it('an internal error: recorded as one; its stack goes to the debug log only', async () => {
    const { action } = testAction({
      body: () => {
        // a bug: reading a property of undefined
        const missing = undefined as unknown as { shape: number[] };
        return Promise.resolve(missing.shape).then(() => undefined);
      },
    });
    const r = await run(action);
    expect(r.exitCode).toBe(1);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].message).toMatch(
      /^Internal error in Test gate: Cannot read properties of undefined \(reading 'shape'\)\. Please report it with the debug log \(ACTIONS_STEP_DEBUG=true\)\.$/,
    );
    expect(r.errors[0].properties).toEqual({ title: TITLE });
    const debug = r.commands.filter((c) => c.command === 'debug').map((c) => c.message);
    expect(debug.some((m) => /^TypeError: Cannot read properties of undefined/.test(m) && /^\s+at .+/m.test(m))).toBe(true);
    // nowhere else: not in the annotation, not on stdout as text, not in the report
    expectNoStackTrace({ ...r, commands: r.commands.filter((c) => c.command !== 'debug') });
    const report = await readReport(r);
    expect(report.error).toEqual({ message: "Internal error: Cannot read properties of undefined (reading 'shape')" });
    expect(report.status).toBe('error');
  });

  it('a report path that cannot be written: a UserError naming input report', async () => {
    const { action, steps } = testAction({ reportPath: '.' });
    const r = await run(action);
    expect(r.exitCode).toBe(1);
    expect(steps).toEqual(['body']);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].message).toMatch(
      /^The report cannot be written to \.: EISDIR: .*\. Input report must be a file path the job can write\.$/,
    );
    expect(r.errors[0].properties).toEqual({ title: TITLE });
    expectNoStackTrace(r);
    // the outputs were set before the write was tried
    expect(r.outputs['report-path']).toBe('.');
  });

  it('the error of the body wins over one publishing the report, which is a warning', async () => {
    const { action } = testAction({
      reportPath: '.',
      body: () => Promise.reject(new UserError("Input threshold is 'x'; expected a number.", { input: 'threshold' })),
    });
    const r = await run(action);
    expect(r.exitCode).toBe(1);
    expect(r.errors.map((e) => e.message)).toEqual(["Input threshold is 'x'; expected a number."]);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0].message).toMatch(/^The report could not be published: The report cannot be written to \.: EISDIR/);
  });

  it('a verdict that throws a UserError fails the step after the report is out', async () => {
    const { action, steps } = testAction({
      verdict: () => {
        steps.push('verdict');
        throw new UserError('accuracy 0.875 is below the required 0.9.');
      },
    });
    const r = await run(action);
    expect(r.exitCode).toBe(1);
    expect(steps).toEqual(['body', 'afterPublish: report written', 'verdict']);
    expect(r.errors.map((e) => e.message)).toEqual(['accuracy 0.875 is below the required 0.9.']);
    expect((await readReport(r)).status).toBe('passed');
  });

  it('outside a runner (no GITHUB_STEP_SUMMARY) the summary goes to the log', async () => {
    const { action } = testAction();
    const r = await run(action, { env: { GITHUB_STEP_SUMMARY: undefined } });
    expect(r.exitCode).toBe(0);
    expect(r.summary).toBe('');
    expect(r.stdout).toContain(`## ${TITLE}: passed`);
  });
});

describe('reportJson', () => {
  it('keeps non-finite numbers as strings, which JSON cannot hold', () => {
    const text = reportJson({ ratio: Infinity, low: -Infinity, none: NaN, n: 1.5, list: [Infinity] });
    expect(JSON.parse(text)).toEqual({ ratio: 'Infinity', low: '-Infinity', none: 'NaN', n: 1.5, list: ['Infinity'] });
    expect(text.endsWith('}\n')).toBe(true);
  });
});

describe('markErrored', () => {
  it('marks a report with a verdict as ended by an error, not passed, with the reason', () => {
    const report = { status: 'passed', passed: true, reason: 'all good' };
    markErrored(report, 'Input model is required and was not given.');
    expect(report).toEqual({ status: 'error', passed: false, reason: 'Input model is required and was not given.' });
  });
});
