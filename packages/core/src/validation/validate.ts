import { readModel, type ModelInfo } from '../onnx/model-file.js';
import type { OnnxRuntime } from '../onnx/runtime.js';
import { fail, pass, skip, type Check } from './check.js';
import { runtimeChecks, type OutputComparison, type ToleranceSettings } from './runtime-checks.js';
import { compareSignature, formatEntry, type Signature } from './signature.js';
import { checkExternalData, checkInitializersFinite, checkSize } from './static-checks.js';
import { checkRuntimeSupport, RUNTIME_SUPPORT } from './support.js';

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

/** Every check of an ONNX file: static ones on the decoded file, then runtime ones in onnxruntime. */
export async function validateModel(options: ValidateOptions, onModel?: (info: ModelInfo) => void): Promise<Validation> {
  const { model, info } = await readModel(options.model);
  onModel?.(info);
  const checks: Check[] = [pass('decodes', 'Decodes as ONNX', `IR ${info.irVersion}, ${info.nodes} nodes, ${info.initializers} initializers, producer ${info.producer.name || '?'} ${info.producer.version}`.trim())];

  const support = checkRuntimeSupport(info);
  checks.push(
    support.length
      ? fail('runtime-support', 'IR version and opsets supported', support.join('; '))
      : pass(
          'runtime-support',
          'IR version and opsets supported',
          `IR ${info.irVersion}, ${info.opsets.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`).join(', ')}; onnxruntime ${RUNTIME_SUPPORT.onnxruntime} supports up to IR ${RUNTIME_SUPPORT.maxIrVersion}, ai.onnx ${RUNTIME_SUPPORT.maxOpset['']}`,
        ),
  );

  if (options.signature) {
    const problems = compareSignature(options.signature, info.inputs, info.outputs);
    checks.push(problems.length ? fail('signature', 'Signature', problems.join('; ')) : pass('signature', 'Signature', [...info.inputs, ...info.outputs].map(formatEntry).join('; ')));
  } else {
    checks.push(skip('signature', 'Signature', `no signature given; the model has ${[...info.inputs, ...info.outputs].map(formatEntry).join('; ')}`));
  }

  if (options.dynamicBatch) {
    const fixed = [...info.inputs, ...info.outputs].filter((v) => !v.shape || v.shape.length === 0 || typeof v.shape[0] === 'number');
    checks.push(
      fixed.length
        ? fail('batch-dimension', 'Batch dimension is symbolic', `${fixed.map(formatEntry).join('; ')}: the first dimension is fixed; export with dynamic_axes={name: {0: 'batch'}}`)
        : pass('batch-dimension', 'Batch dimension is symbolic', [...info.inputs, ...info.outputs].map((v) => `${v.name}[0] = ${v.shape![0] ?? '?'}`).join(', ')),
    );
  } else {
    checks.push(skip('batch-dimension', 'Batch dimension is symbolic', 'dynamic-batch is false'));
  }

  const external = await checkExternalData(info);
  checks.push(external.check);
  checks.push(await checkInitializersFinite(model, external.readable));
  checks.push(checkSize(info, external.files, options.maxSizeMb));

  const runtime = await runtimeChecks({
    ort: options.ort,
    info,
    threads: options.threads,
    referenceInputs: options.referenceInputs,
    referenceOutputs: options.referenceOutputs,
    tolerance: options.tolerance,
    dynamicBatch: options.dynamicBatch,
    seed: options.seed,
  });
  checks.push(...runtime.checks);
  return { passed: checks.every((c) => c.status !== 'fail'), checks, model: info, comparisons: runtime.comparisons, inputs: runtime.inputs };
}
