import { loadOnnxRuntime, type RuntimeLocation } from '../onnx/runtime.js';
import { checkParityModelFile, checkSampleForLocalModel, loadParityModel, runLocalModel } from '../oip/local-model.js';
import type { ParityOptions } from '../oip/parity.js';
import { loadSample } from '../oip/sample.js';
import { describeSample, describeSmokeRequest, type SmokeTestReport } from './smoke-report.js';
import type { ServerProbe, SmokeTestOptions } from './smoke-options.js';
import { runSmokeTest } from './smoke-test.js';

/** The local side of a smoke test: the arrays sent to the server and the model that must compute what it serves. */
export interface LocalSide {
  /** The sample input's path: .npy, .npz or an infer request as .json. */
  sample?: string;
  /** The model input's path: the parity check's local model (needs sample). */
  model?: string;
  parity: ParityOptions;
  /** Where onnxruntime-node comes from (only with a model). */
  onnxruntime: RuntimeLocation;
}

/** What the smoke-test action is asked: the server probe and the local side. */
export interface SmokeGateInputs {
  probe: ServerProbe;
  local: LocalSide;
}

/**
 * Loads the local side, then calls `use` with it and frees the model. It all happens before the
 * server is contacted: bad input fails first, and none of it counts against the timeout.
 */
async function withLocalSide(
  local: LocalSide,
  report: SmokeTestReport,
  log: (message: string) => void,
  use: (side: Pick<SmokeTestOptions, 'sample' | 'parity'>) => Promise<void>,
): Promise<void> {
  const sample = local.sample ? await loadSample(local.sample) : undefined;
  if (sample && report.request) report.request.sample = describeSample(sample);
  if (!local.model) return use({ sample });
  await checkParityModelFile(local.model);
  const { ort } = await loadOnnxRuntime({ ...local.onnxruntime, log });
  const model = await loadParityModel(ort, local.model);
  try {
    if (sample) checkSampleForLocalModel(sample, model);
    await use({ sample, parity: { model: local.model, ...local.parity, run: (inputs) => runLocalModel(ort, model, inputs) } });
  } finally {
    await model.session.release();
  }
}

/**
 * The smoke test the action runs, between reading its inputs and publishing the report: the
 * request described in the report, the local side loaded, the server probed. Fills `report` as it
 * goes, so that a failure at any step leaves what was known.
 */
export async function runSmokeGate(inputs: SmokeGateInputs, report: SmokeTestReport, log: (message: string) => void): Promise<void> {
  Object.assign(report, describeSmokeRequest(inputs.probe));
  await withLocalSide(inputs.local, report, log, (side) => runSmokeTest({ ...inputs.probe, ...side, log }, report));
}
