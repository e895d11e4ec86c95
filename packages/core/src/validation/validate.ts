import { readModel, type ModelInfo } from '../onnx/model-file.js';
import type { OnnxRuntime } from '../onnx/runtime.js';
import { skip, skipAfter, type Check } from './check.js';
import { checkExternalData } from './external-data.js';
import { runtimeChecks, type OutputComparison, type RuntimeCheckResult } from './runtime-checks.js';
import type { Signature } from './signature.js';
import {
  checkBatchDimension,
  checkDecodes,
  checkInitializersFinite,
  checkSignature,
  checkSize,
  checkRuntimeSupport,
} from './static-checks.js';
import { checkToleranceNames, type ToleranceSettings } from './tolerance.js';

export interface ValidateOptions {
  ort: OnnxRuntime;
  model: string;
  referenceInputs?: string;
  referenceOutputs?: string;
  tolerance: ToleranceSettings;
  signature?: Signature;
  dynamicBatch: boolean;
  maxSizeMb?: number;
  seed: number;
  threads?: number;
}

export interface Validation {
  passed: boolean;
  checks: Check[];
  model: ModelInfo;
  comparisons: OutputComparison[];
  inputs?: { source: 'reference' | 'random'; shapes: Record<string, number[]> };
}

/**
 * The runtime checks, or all skipped when the external data was refused: onnxruntime never opens
 * a file the checks refused (a FIFO, a link out of the folder, an LFS pointer).
 */
async function runtimeUnlessRefused(options: ValidateOptions, info: ModelInfo, external: Check): Promise<Partial<RuntimeCheckResult>> {
  if (external.status === 'fail') {
    const reason = 'onnxruntime is not given a model whose external data was refused (see External data)';
    return { checks: [skip('loads', reason), ...skipAfter('loads', reason)] };
  }
  return runtimeChecks({
    ort: options.ort,
    info,
    threads: options.threads,
    referenceInputs: options.referenceInputs,
    referenceOutputs: options.referenceOutputs,
    tolerance: options.tolerance,
    dynamicBatch: options.dynamicBatch,
    seed: options.seed,
  });
}

/** Every check of an ONNX file: static ones on the decoded file, then runtime ones in onnxruntime. */
export async function validateModel(options: ValidateOptions, onModel?: (info: ModelInfo) => void): Promise<Validation> {
  const { model, info } = await readModel(options.model);
  onModel?.(info);
  checkToleranceNames(
    options.tolerance,
    info.outputs.map((o) => o.name),
  );
  const external = await checkExternalData(info);
  const checks: Check[] = [
    checkDecodes(info),
    checkRuntimeSupport(info),
    checkSignature(info, options.signature),
    checkBatchDimension(info, options.dynamicBatch),
    external.check,
    await checkInitializersFinite(model, external.readable),
    checkSize(info, external.files, options.maxSizeMb),
  ];
  const runtime = await runtimeUnlessRefused(options, info, external.check);
  checks.push(...(runtime.checks ?? []));
  return {
    passed: checks.every((c) => c.status !== 'fail'),
    checks,
    model: info,
    comparisons: runtime.comparisons ?? [],
    inputs: runtime.inputs,
  };
}
