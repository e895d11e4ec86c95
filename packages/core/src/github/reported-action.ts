import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as core from '@actions/core';

import { UserError, messageOf, type ReportError } from '../errors.js';
import { runInfoFromEnv, type RunInfo } from '../util/run-info.js';
import { redactSecrets } from '../util/secrets.js';
import { checkInputsDeclared } from './inputs.js';
import { annotationMessage, runAction } from './run-action.js';

/** The report lifecycle every action shares; see runReportedAction. */
export interface ReportedAction<R extends { error?: ReportError; run?: RunInfo }> {
  /** The annotation title: the action's name. */
  title: string;
  /** Where the JSON report goes (read before anything else, so that bad input still gets a report). */
  reportPath: string;
  /** Every input action.yml declares: any other INPUT_* is refused before the body runs. */
  inputs: readonly string[];
  report: R;
  /** The action's work: fills `report`; throws a UserError on bad input. */
  body: () => Promise<void>;
  /** Marks `report` as ended by an error (`message` is what the user is told). */
  recordError: (report: R, message: string) => void;
  /** The action's outputs, but report-path (set here). */
  outputs: (report: R) => Record<string, string>;
  /** The job summary. */
  markdown: (report: R) => string;
  /** After the report is written, whatever else publishes it (a PR comment). */
  afterPublish?: (report: R) => Promise<void>;
  /** Last, the verdict: annotations, exit code; throw a UserError to fail with one annotation. */
  verdict?: (report: R) => void;
}

/** recordError for a report with a verdict: it ended in an error, did not pass, and says why. */
export function markErrored(report: { status: string; passed: boolean; reason: string }, message: string): void {
  report.status = 'error';
  report.passed = false;
  report.reason = message;
}

/** JSON with non-finite numbers as strings ("Infinity"), which JSON itself cannot hold. */
export function reportJson(report: unknown): string {
  return JSON.stringify(report, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2) + '\n';
}

/**
 * Runs an action whose result is a report: the body fills it; an error is recorded in it; then,
 * whatever happened, the outputs are set, the JSON report written and the job summary added, so
 * a failed or broken run still leaves its report. A UserError ends in one error annotation and
 * exit code 1 (runAction).
 */
export async function runReportedAction<R extends { error?: ReportError; run?: RunInfo }>(a: ReportedAction<R>): Promise<void> {
  await runAction(a.title, async () => {
    a.report.run = runInfoFromEnv();
    const failure = await bodyFailure(a);
    try {
      await publish(a);
    } catch (e) {
      if (!failure) throw e;
      // the body's error is the one to report; this one is told on the side
      core.warning(`The report could not be published: ${messageOf(e)}`);
    }
    if (failure) throw failure.thrown;
    a.verdict?.(a.report);
  });
}

/** Runs the body; what it threw (if it did) is returned, after being recorded in the report. */
async function bodyFailure<R extends { error?: ReportError }>(a: ReportedAction<R>): Promise<{ thrown: unknown } | undefined> {
  try {
    checkInputsDeclared(a.title, a.inputs);
    await a.body();
    return undefined;
  } catch (e) {
    const message = e instanceof UserError ? annotationMessage(e) : `Internal error: ${messageOf(e)}`;
    a.report.error = e instanceof UserError ? { message, file: e.file, input: e.input } : { message };
    a.recordError(a.report, message);
    return { thrown: e };
  }
}

/**
 * The report's renderings, in this order: outputs, the JSON file, the job summary, afterPublish.
 * Every one goes through the redaction of this run's secrets (util/secrets.ts): a server may echo
 * a header, an API error may quote a token, and none of these files is masked by the runner.
 */
async function publish<R extends { error?: ReportError }>(a: ReportedAction<R>): Promise<void> {
  for (const [name, value] of Object.entries(a.outputs(a.report))) core.setOutput(name, redactSecrets(value));
  core.setOutput('report-path', a.reportPath);
  await writeReport(a.reportPath, a.report);
  const markdown = redactSecrets(a.markdown(a.report));
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown, true).write();
  else core.info(markdown);
  await a.afterPublish?.(a.report);
}

async function writeReport(path: string, report: unknown): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, redactSecrets(reportJson(report)));
  } catch (e) {
    // Node's own message, not fileProblem's: that one words failures to read
    throw new UserError(`The report cannot be written to ${path}: ${messageOf(e)}.`, {
      input: 'report',
      hint: 'Input report must be a file path the job can write.',
    });
  }
}
