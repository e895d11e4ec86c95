import * as core from '@actions/core';
import { numberOutput, sha256Files } from '@ml-gate/core';
import { loadOnnxRuntime } from '@ml-gate/core/onnx';
import { annotationFile, markErrored, runReportedAction } from '@ml-gate/core/github';
import { renderValidationMarkdown, type ValidationReport } from '@ml-gate/core/validation';
import { validateModel } from '@ml-gate/core/validation';

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

export async function run(): Promise<void> {
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
  await runReportedAction({
    title: TITLE,
    reportPath: readReportPath(),
    report,
    body: async () => {
      config = readConfig();
      await validate(config, report);
    },
    recordError: markErrored,
    outputs: (r) => ({
      passed: String(r.passed),
      'max-abs-error': numberOutput(r.summary.maxAbsError),
      'max-rel-error': numberOutput(r.summary.maxRelError),
      'mismatch-ratio': numberOutput(r.summary.mismatchRatio),
    }),
    markdown: renderValidationMarkdown,
    verdict: (r) => {
      // one annotation on the model file per failed check
      for (const c of r.checks.filter((x) => x.status === 'fail')) {
        core.error(`${c.title}: ${c.detail}`, { title: `${TITLE}: ${c.title}`, file: annotationFile(config?.model) });
      }
      if (!r.passed) process.exitCode = 1;
      core.info(`${r.passed ? 'PASSED' : 'FAILED'}: ${r.reason}`);
    },
  });
}
