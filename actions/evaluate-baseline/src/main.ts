import { stat } from 'node:fs/promises';
import * as core from '@actions/core';
import { UserError, formatMetric, numberOutput, sha256EachAndAll, sha256Files } from '@ml-gate/core';
import {
  compareModels,
  decideGate,
  defaultMetric,
  higherIsBetter,
  openEvalSet,
  renderEvaluationMarkdown,
  taskOf,
  type EvalSet,
  type EvaluationReport,
  type ModelEvaluation,
  type ModelReport,
} from '@ml-gate/core/evaluation';
import { describeDType } from '@ml-gate/core/npy';
import { loadModel, loadOnnxRuntime, type LoadedModel } from '@ml-gate/core/onnx';
import { markErrored, runReportedAction, upsertPullRequestComment } from '@ml-gate/core/github';

import { readConfig, readReportPath, type Config } from './config.js';

const TITLE = 'evaluate-baseline';

function newReport(): EvaluationReport {
  return {
    schema: 'ml-gate/evaluate-baseline/v1',
    createdAt: new Date().toISOString(),
    status: 'error',
    passed: false,
    reason: 'The evaluation did not run.',
    primary: { metric: 'accuracy', higherIsBetter: true, new: null, baseline: null, improvement: null, minImprovement: 0.01, required: null },
    models: {},
    settings: { batchSize: 0, threads: 0 },
    warnings: [],
  };
}

async function exists(path: string, input: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw new UserError(`Input ${input} ${path} cannot be read: ${(e as Error).message}.`, { input, file: path });
  }
}

function modelReport(model: LoadedModel, loadMs: number): ModelReport {
  return { path: model.path, input: model.input, output: model.output, timing: { loadMs, inferenceMs: 0, rowsPerSecond: 0 } };
}

function addEvaluation(target: ModelReport, e: ModelEvaluation, rows: number): void {
  target.outputKind = e.outputKind;
  target.metrics = e.metrics;
  target.unavailable = e.unavailable;
  target.perClass = e.perClass;
  target.confusion = e.confusion;
  target.timing = { loadMs: target.timing?.loadMs ?? 0, inferenceMs: e.inferenceMs, rowsPerSecond: e.inferenceMs > 0 ? rows / (e.inferenceMs / 1000) : 0 };
}

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const value = await f();
  return [value, performance.now() - t0];
}

/** Everything between reading the config and publishing the report; fills `report` as it goes. */
async function evaluate(config: Config, report: EvaluationReport): Promise<void> {
  report.primary.minImprovement = config.minImprovement;
  if (config.metric) {
    report.primary.metric = config.metric;
    report.primary.higherIsBetter = higherIsBetter(config.metric);
  }
  report.settings = { batchSize: config.batchSize, threads: config.threads };

  const { ort, runtime } = await loadOnnxRuntime({
    path: config.onnxruntimePath || undefined,
    registry: process.env.ONNXRUNTIME_NODE_REGISTRY,
    log: (m) => core.info(m),
  });
  report.settings.onnxruntime = { version: runtime.version, source: runtime.source };
  const sessionOptions = { threads: config.threads, inputName: config.inputName || undefined, outputName: config.outputName || undefined };

  const opened: LoadedModel[] = [];
  let data: EvalSet | undefined;
  try {
    const [newModel, newLoadMs] = await timed(() =>
      loadModel(ort, config.newModel, { ...sessionOptions, role: 'new model', inputOfPath: 'new-model' }),
    );
    opened.push(newModel);
    report.models.new = modelReport(newModel, newLoadMs);

    let baseline: LoadedModel | undefined;
    const baselineGiven = config.baselineModel !== '';
    if (baselineGiven && (await exists(config.baselineModel, 'baseline-model'))) {
      const [model, ms] = await timed(() =>
        loadModel(ort, config.baselineModel, { ...sessionOptions, role: 'baseline model', inputOfPath: 'baseline-model' }),
      );
      baseline = model;
      opened.push(model);
      report.models.baseline = modelReport(model, ms);
    } else {
      const detail = baselineGiven ? `baseline-model ${config.baselineModel} does not exist` : 'no baseline-model was given';
      report.baselineMissing = { policy: config.missingBaseline, detail };
      if (config.missingBaseline !== 'fail') {
        const w = `${detail}: the new model is judged on its own (missing-baseline: ${config.missingBaseline}). This must only happen for the very first model.`;
        report.warnings.push(w);
        if (config.missingBaseline === 'warn') core.warning(w, { title: TITLE });
        else core.notice(w, { title: TITLE });
      }
    }

    data = await openEvalSet(config.evalData, config.features, config.labels);
    report.evalSet = {
      path: config.evalData,
      files: data.files.map((path) => ({ path })),
      rows: data.features.rows,
      features: { name: config.features, dtype: describeDType(data.features.dtype), shape: [...data.features.shape] },
      labels: { name: config.labels, dtype: describeDType(data.labels.dtype), shape: [...data.labels.shape] },
    };

    // the hashes' file reads overlap inference (onnxruntime-node runs on the JavaScript thread, the
    // reads in libuv's pool)
    const hashes = Promise.all([
      sha256Files(config.newModel),
      baseline ? sha256Files(config.baselineModel) : undefined,
      sha256EachAndAll(data.files),
    ]);
    hashes.catch(() => {});

    const comparison = await compareModels({
      ort,
      newModel,
      baseline,
      data,
      task: config.task,
      batchSize: config.batchSize,
      checkTask: (task, classes) => {
        const metric = config.metric ?? defaultMetric(task);
        if (taskOf(metric) !== task) {
          throw new UserError(
            `Input metric is ${metric}, a ${taskOf(metric)} metric, but this is a ${task} task (from the new model's output and the labels).`,
            { input: 'metric', hint: 'Choose a metric of that task, or set task explicitly.' },
          );
        }
        if (metric === 'roc-auc' && classes !== 2) {
          throw new UserError(`Input metric is roc-auc, which needs a binary task; the labels and model have ${classes} classes.`, {
            input: 'metric',
            hint: 'Use f1-macro, balanced-accuracy or log-loss for several classes.',
          });
        }
      },
    });

    const [newSha, baseSha, dataShas] = await hashes;
    report.models.new.sha256 = newSha;
    if (report.models.baseline) report.models.baseline.sha256 = baseSha;
    report.evalSet.files = data.files.map((path, i) => ({ path, sha256: dataShas.each[i] }));
    report.evalSet.sha256 = dataShas.all;

    report.task = comparison.task;
    report.classes = comparison.classes;
    report.settings.batchSize = comparison.batchSize;
    addEvaluation(report.models.new, comparison.new, comparison.rows);
    if (report.models.baseline && comparison.baseline) addEvaluation(report.models.baseline, comparison.baseline, comparison.rows);

    const metric = config.metric ?? defaultMetric(comparison.task);
    const p = report.primary;
    p.metric = metric;
    p.higherIsBetter = higherIsBetter(metric);
    p.new = comparison.new.metrics[metric] ?? null;
    p.baseline = comparison.baseline?.metrics[metric] ?? null;
    for (const [role, e] of [['new model', comparison.new], ['baseline model', comparison.baseline]] as const) {
      if (e && (e.metrics[metric] === null || e.metrics[metric] === undefined)) {
        throw new UserError(`The ${role}'s ${metric} cannot be computed: ${e.unavailable[metric] ?? 'no value'}.`, {
          input: 'metric',
          file: role === 'new model' ? config.newModel : config.baselineModel,
        });
      }
    }
    if (comparison.paired) {
      report.significance = { test: 'mcnemar-exact', ...comparison.paired, level: config.significanceLevel ?? null };
    }

    if (!baseline) {
      const policy = config.missingBaseline;
      report.passed = policy !== 'fail';
      report.status = report.passed ? 'passed' : 'failed';
      report.reason = report.passed
        ? `No baseline to beat (${report.baselineMissing?.detail}); the new model passes on its own with ${metric} ${formatMetric(p.new)} (missing-baseline: ${policy}).`
        : `${report.baselineMissing?.detail}, and missing-baseline is fail: there is nothing to compare ${metric} ${formatMetric(p.new)} against.`;
      return;
    }
    const decision = decideGate(
      { metric, minImprovement: config.minImprovement, significanceLevel: config.significanceLevel },
      p.new as number,
      p.baseline as number,
      comparison.paired?.pValue,
    );
    p.improvement = decision.improvement;
    p.required = decision.required;
    report.passed = decision.passed;
    report.status = decision.passed ? 'passed' : 'failed';
    report.reason = decision.reason;
  } finally {
    await data?.close();
    for (const m of opened) await m.session.release();
  }
}

async function postComment(report: EvaluationReport, config: Config): Promise<void> {
  if (!config.comment) return;
  // one comment per workflow, job and evaluation (matrix jobs share GITHUB_JOB, not their inputs)
  const key = `${process.env.GITHUB_WORKFLOW ?? ''}/${process.env.GITHUB_JOB ?? ''}/${config.newModel}/${config.evalData}`;
  const marker = `<!-- ml-gate:evaluate-baseline ${key.replace(/--/g, '- -')} -->`;
  const result = await upsertPullRequestComment(config.token, marker, renderEvaluationMarkdown(report, { marker }));
  if (result.action === 'skipped') core.debug(`PR comment skipped: ${result.reason}`);
  else core.info(`PR comment ${result.action}: ${result.url ?? ''}`);
}

export async function run(): Promise<void> {
  const report = newReport();
  let config: Config | undefined;
  await runReportedAction({
    title: TITLE,
    reportPath: readReportPath(),
    report,
    body: async () => {
      config = readConfig();
      await evaluate(config, report);
    },
    recordError: markErrored,
    outputs: (r) => ({
      passed: String(r.passed),
      metric: r.primary.metric,
      'new-metric': numberOutput(r.primary.new),
      'baseline-metric': numberOutput(r.primary.baseline),
      improvement: numberOutput(r.primary.improvement),
      'p-value': numberOutput(r.significance?.pValue),
    }),
    markdown: (r) => renderEvaluationMarkdown(r),
    afterPublish: async (r) => {
      if (config) await postComment(r, config);
    },
    verdict: (r) => {
      core.info(`${r.passed ? 'PASSED' : 'FAILED'}: ${r.reason}`);
      if (!r.passed) throw new UserError(`Gate failed: ${r.reason}`, { file: config?.newModel });
    },
  });
}
