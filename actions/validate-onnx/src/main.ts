import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as core from '@actions/core';
import { UserError, loadOnnxRuntime, sha256Files } from '@ml-gate/core';
import { annotationFile, runAction } from '@ml-gate/core/github';
import { renderValidationMarkdown, type ValidationReport } from '@ml-gate/core/report/validation-report';
import { validateModel } from '@ml-gate/core/validation/validate';

import { readConfig, readReportPath, type Config } from './config.js';

const TITLE = 'validate-onnx';

function maxOf(values: number[]): number | null {
  return values.length ? Math.max(...values) : null;
}

async function validate(config: Config, report: ValidationReport): Promise<void> {
  report.settings = { tolerance: config.tolerance, dynamicBatch: config.dynamicBatch, maxSizeMb: config.maxSizeMb ?? null };
  const { ort, runtime } = await loadOnnxRuntime({
    path: config.onnxruntimePath || undefined,
    registry: process.env.ONNXRUNTIME_NODE_REGISTRY,
    log: (m) => core.info(m),
  });
  report.settings.onnxruntime = { version: runtime.version, source: runtime.source };
  const v = await validateModel(
    {
      ort,
      model: config.model,
      referenceInputs: config.referenceInputs,
      referenceOutputs: config.referenceOutputs,
      tolerance: config.tolerance,
      signature: config.signature,
      dynamicBatch: config.dynamicBatch,
      maxSizeMb: config.maxSizeMb,
      seed: config.seed,
      threads: config.threads,
    },
    (info) => {
      report.model = info;
    },
  );
  report.model = { ...v.model, sha256: await sha256Files(config.model) };
  report.checks = v.checks;
  report.outputs = v.comparisons;
  report.inputs = v.inputs;
  report.summary = {
    maxAbsError: maxOf(v.comparisons.map((c) => c.maxAbsError)),
    maxRelError: maxOf(v.comparisons.map((c) => c.maxRelError)),
    mismatchRatio: maxOf(v.comparisons.map((c) => c.mismatchRatio)),
  };
  report.passed = v.passed;
  report.status = v.passed ? 'passed' : 'failed';
  const failed = v.checks.filter((c) => c.status === 'fail');
  report.reason = v.passed
    ? `All ${v.checks.filter((c) => c.status === 'pass').length} checks passed${v.checks.some((c) => c.status === 'skip') ? ` (${v.checks.filter((c) => c.status === 'skip').length} skipped)` : ''}.`
    : `${failed.length} of ${v.checks.length} checks failed: ${failed.map((c) => c.title).join(', ')}.`;
}

async function publish(report: ValidationReport, reportPath: string): Promise<void> {
  const s = report.summary;
  const num = (v: number | null) => (v === null ? '' : String(Number(v.toPrecision(12))));
  core.setOutput('passed', String(report.passed));
  core.setOutput('max-abs-error', num(s.maxAbsError));
  core.setOutput('max-rel-error', num(s.maxRelError));
  core.setOutput('mismatch-ratio', num(s.mismatchRatio));
  core.setOutput('report-path', reportPath);
  try {
    await mkdir(dirname(reportPath), { recursive: true });
    await writeFile(reportPath, JSON.stringify(report, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2) + '\n');
  } catch (e) {
    throw new UserError(`The report cannot be written to ${reportPath}: ${(e as Error).message}.`, { input: 'report' });
  }
  const markdown = renderValidationMarkdown(report);
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown, true).write();
  else core.info(markdown);
}

export async function run(): Promise<void> {
  await runAction(TITLE, async () => {
    const reportPath = readReportPath();
    const report: ValidationReport = {
      schema: 'ml-gate/validate-onnx/v1',
      createdAt: new Date().toISOString(),
      status: 'error',
      passed: false,
      reason: 'The validation did not run.',
      checks: [],
      outputs: [],
      summary: { maxAbsError: null, maxRelError: null, mismatchRatio: null },
      settings: {},
    };
    let config: Config | undefined;
    let failure: unknown;
    try {
      config = readConfig();
      await validate(config, report);
    } catch (e) {
      failure = e;
      report.status = 'error';
      report.passed = false;
      report.reason = e instanceof UserError ? e.describe() : `Internal error: ${e instanceof Error ? e.message : String(e)}`;
      report.error = e instanceof UserError ? { message: e.describe(), file: e.file, input: e.input } : { message: report.reason };
    }
    try {
      await publish(report, reportPath);
    } catch (e) {
      if (!failure) throw e;
      core.warning(`The report could not be published: ${(e as Error).message}`);
    }
    if (failure) throw failure;
    // one annotation on the model file per failed check
    for (const c of report.checks.filter((x) => x.status === 'fail')) {
      core.error(`${c.title}: ${c.detail}`, { title: `${TITLE}: ${c.title}`, file: annotationFile(config?.model) });
    }
    if (!report.passed) process.exitCode = 1;
    core.info(`${report.passed ? 'PASSED' : 'FAILED'}: ${report.reason}`);
  });
}
