import * as core from '@actions/core';
import { UserError } from '@ml-gate/core';
import { markErrored, runReportedAction } from '@ml-gate/core/github';
import { redactUrl } from '@ml-gate/core/smoke';
import { describeStatusRanges } from '@ml-gate/core/smoke';
import { runLocalModel } from '@ml-gate/core/smoke';
import { loadSample, type Sample } from '@ml-gate/core/smoke';
import { loadOnnxRuntime } from '@ml-gate/core/onnx';
import { loadModel, type LoadedModel } from '@ml-gate/core/onnx';
import { renderSmokeTestMarkdown } from '@ml-gate/core/smoke';
import { newSmokeTestReport, type SmokeTestReport } from '@ml-gate/core/smoke';
import { runSmokeTest, type SmokeTestOptions } from '@ml-gate/core/smoke';

import { readConfig, readReportPath, type Config } from './config.js';

const TITLE = 'smoke-test';

function describeRequest(config: Config, report: SmokeTestReport): void {
  report.request = {
    protocol: config.protocol,
    url: redactUrl(config.url),
    method: config.protocol === 'open-inference' ? 'POST' : config.method,
    headers: config.headers.map((h) => h.name),
    bodyBytes: config.body === undefined ? undefined : Buffer.byteLength(config.body),
    modelName: config.modelName || undefined,
    expectedModelVersion: config.expectedModelVersion || undefined,
    expectedStatus: describeStatusRanges(config.expectedStatus),
  };
  report.settings = {
    timeoutMs: config.timeoutMs,
    retryDelayMs: config.retryDelayMs,
    requestTimeoutMs: config.requestTimeoutMs,
    retryOn: [...config.retryOn],
    requests: config.requests,
    latencyP95BudgetMs: config.latencyP95Ms ?? null,
  };
}

/** Everything between reading the config and publishing the report; fills `report` as it goes. */
async function smokeTest(config: Config, report: SmokeTestReport): Promise<void> {
  describeRequest(config, report);
  // the local side first (sample, model, runtime): bad input fails before the server is contacted,
  // and none of it counts against the timeout
  let sample: Sample | undefined;
  if (config.sample) {
    sample = await loadSample(config.sample);
    report.request!.sample = { path: sample.path, format: sample.format, arrays: sample.arrays.map((a) => ({ name: a.name, shape: a.shape, dtype: a.dtype })) };
  }
  let model: LoadedModel | undefined;
  try {
    let parity: SmokeTestOptions['parity'];
    if (config.model) {
      const { ort } = await loadOnnxRuntime({
        path: config.onnxruntimePath || undefined,
        registry: process.env.ONNXRUNTIME_NODE_REGISTRY,
        log: (m) => core.info(m),
      });
      try {
        model = await loadModel(ort, config.model, { role: 'model', inputOfPath: 'model', threads: 1 });
      } catch (e) {
        if (e instanceof UserError && e.input === 'input-name') {
          throw new UserError(`The model ${config.model} has several inputs; the parity check supports models with one input.`, { file: config.model, input: 'model' });
        }
        throw e;
      }
      const loaded = model;
      parity = { model: config.model, mode: config.parity, atol: config.atol, rtol: config.rtol, run: (inputs) => runLocalModel(ort, loaded, inputs) };
    }
    core.info(`Smoke-testing ${redactUrl(config.url)} (${config.protocol}), timeout ${config.timeoutMs} ms`);
    await runSmokeTest(
      {
        protocol: config.protocol,
        url: config.url,
        method: config.method,
        headers: config.headers,
        body: config.body,
        expectedStatus: config.expectedStatus,
        expectBody: config.expectBody,
        expectJson: config.expectJson,
        timeoutMs: config.timeoutMs,
        retryDelayMs: config.retryDelayMs,
        requestTimeoutMs: config.requestTimeoutMs,
        retryOn: config.retryOn,
        modelName: config.modelName || undefined,
        expectedModelVersion: config.expectedModelVersion || undefined,
        sample,
        parity,
        requests: config.requests,
        latencyP95Ms: config.latencyP95Ms,
        log: (m) => core.info(m),
      },
      report,
    );
  } finally {
    await model?.session.release();
  }
}

const round = (v: number | undefined) => (v === undefined ? '' : String(Math.round(v * 1000) / 1000));

export async function run(): Promise<void> {
  const report = newSmokeTestReport();
  await runReportedAction({
    title: TITLE,
    reportPath: readReportPath(),
    report,
    body: async () => smokeTest(await readConfig(), report),
    recordError: markErrored,
    outputs: (r) => ({
      passed: String(r.passed),
      status: r.response ? String(r.response.status) : '',
      attempts: String(r.attempts),
      'latency-p50-ms': round(r.latency?.p50Ms),
      'latency-p95-ms': round(r.latency?.p95Ms),
    }),
    markdown: renderSmokeTestMarkdown,
    verdict: (r) => {
      core.info(`${r.passed ? 'PASSED' : 'FAILED'}: ${r.reason}`);
      if (!r.passed) throw new UserError(`Smoke test failed: ${r.reason}`);
    },
  });
}
