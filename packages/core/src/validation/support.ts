import type { ModelInfo } from '../onnx/model-file.js';

/**
 * What the pinned onnxruntime (1.30.0) loads, measured by loading models stamped with each IR
 * version and opset (packages/core/src/validation/support.test.ts re-measures it on every run).
 */
export const RUNTIME_SUPPORT = {
  onnxruntime: '1.30.0',
  maxIrVersion: 13,
  /** Newest opset per domain; '' is ai.onnx. */
  maxOpset: { '': 26, 'ai.onnx': 26, 'ai.onnx.ml': 5 } as Record<string, number>,
};

/** Problems that keep the runtime from loading the model; custom domains are not judged here. */
export function runtimeSupportProblems(info: Pick<ModelInfo, 'irVersion' | 'opsets'>, support = RUNTIME_SUPPORT): string[] {
  const problems: string[] = [];
  if (info.irVersion > support.maxIrVersion) {
    problems.push(
      `IR version ${info.irVersion} is newer than onnxruntime ${support.onnxruntime} supports (up to IR ${support.maxIrVersion})`,
    );
  }
  for (const { domain, version } of info.opsets) {
    const max = support.maxOpset[domain];
    if (max !== undefined && version > max) {
      problems.push(
        `opset ${version} of ${domain || 'ai.onnx'} is newer than onnxruntime ${support.onnxruntime} supports (up to ${max}); export with opset_version=${max} or lower`,
      );
    }
  }
  return problems;
}
