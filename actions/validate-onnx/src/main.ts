import * as core from '@actions/core';
import { numberOutput, sha256Files } from '@ml-gate/core';
import { annotationFile, markErrored, runReportedAction } from '@ml-gate/core/github';
import { loadOnnxRuntime } from '@ml-gate/core/onnx';
import {
  newValidationReport,
  recordValidation,
  renderValidationMarkdown,
  validateModel,
  type ValidationReport,
} from '@ml-gate/core/validation';

import { INPUTS } from './inputs.js';
import { readConfig, readReportPath, type Config } from './config.js';

const TITLE = 'validate-onnx';

async function validate(config: Config, report: ValidationReport): Promise<void> {
  report.settings = { tolerance: config.tolerance, dynamicBatch: config.dynamicBatch, maxSizeMb: config.maxSizeMb ?? null };
  const { ort, runtime } = await loadOnnxRuntime({ ...config.onnxruntime, log: (m) => core.info(m) });
  report.settings.onnxruntime = { version: runtime.version, source: runtime.source };
  const validation = await validateModel(
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
    // a bad reference file ends the run: the report still describes the model it was for
    (info) => {
      report.model = info;
    },
  );
  // hashed from the bytes validated when the model decoded; read again only when it did not
  recordValidation(report, validation, validation.model?.sha256 ?? (await sha256Files(config.model)));
}

export async function run(): Promise<void> {
  const report = newValidationReport();
  let config: Config | undefined;
  await runReportedAction({
    title: TITLE,
    reportPath: readReportPath(),
    inputs: INPUTS,
    report,
    body: async () => {
      config = await readConfig();
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
