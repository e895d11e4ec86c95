import { existsSync, readFileSync, statSync } from 'node:fs';
import { UserError } from '@ml-gate/core';
import { booleanInput, choiceInput, numberInput, optionalNumberInput, stringInput } from '@ml-gate/core/github';
import { parseSignature, SignatureSyntaxError, type Signature } from '@ml-gate/core/validation';
import { parsePerOutput, type ToleranceMode } from '@ml-gate/core/validation';
import type { ToleranceSettings } from '@ml-gate/core/validation';

export interface Config {
  model: string;
  referenceInputs?: string;
  referenceOutputs?: string;
  tolerance: ToleranceSettings;
  signature?: Signature;
  signatureSource?: string;
  dynamicBatch: boolean;
  maxSizeMb?: number;
  seed: number;
  threads: number;
  reportPath: string;
  onnxruntimePath: string;
}

export function readReportPath(): string {
  return stringInput('report') || 'onnx_validation_report.json';
}

function tolerances(name: 'atol' | 'rtol', fallback: number): { value: number; perOutput: Record<string, number> } {
  const parsed = parsePerOutput(stringInput(name), fallback);
  if (parsed.bad !== undefined) {
    throw new UserError(`Input ${name} has '${parsed.bad}'; expected a number >= 0, or output:number (e.g. '1e-5, logits:1e-4').`, { input: name });
  }
  return parsed;
}

function readSignature(text: string): { signature?: Signature; source?: string } {
  if (!text.trim()) return {};
  // one line without ':' that names a file: read the file
  const isFile = !text.includes('\n') && existsSync(text.trim()) && statSync(text.trim()).isFile();
  const source = isFile ? text.trim() : undefined;
  let body = text;
  if (source) {
    try {
      body = readFileSync(source, 'utf8');
    } catch (e) {
      throw new UserError(`Input signature names ${source}, which cannot be read: ${(e as Error).message}.`, { input: 'signature', file: source });
    }
  }
  try {
    return { signature: parseSignature(body), source };
  } catch (e) {
    if (e instanceof SignatureSyntaxError) {
      throw new UserError(`Input signature${source ? ` (${source})` : ''}: ${e.message}.`, { input: 'signature', file: source });
    }
    throw e;
  }
}

export function readConfig(): Config {
  const atol = tolerances('atol', 1e-5);
  const rtol = tolerances('rtol', 1e-4);
  const { signature, source } = readSignature(stringInput('signature'));
  return {
    model: stringInput('model', { required: true }),
    referenceInputs: stringInput('reference-inputs') || undefined,
    referenceOutputs: stringInput('reference-outputs') || undefined,
    tolerance: {
      atol: atol.value,
      rtol: rtol.value,
      perOutputAtol: atol.perOutput,
      perOutputRtol: rtol.perOutput,
      mode: choiceInput<ToleranceMode>('tolerance-mode', ['numpy', 'either'], 'numpy'),
      maxMismatchRatio: numberInput('max-mismatch-ratio', 0, { min: 0, max: 1 }),
    },
    signature,
    signatureSource: source,
    dynamicBatch: booleanInput('dynamic-batch', true),
    maxSizeMb: optionalNumberInput('max-size-mb', { min: 0, exclusiveMin: true }),
    seed: numberInput('seed', 0, { min: 0, max: 2 ** 32 - 1, integer: true }),
    threads: numberInput('threads', 0, { min: 0, max: 1024, integer: true }),
    reportPath: readReportPath(),
    onnxruntimePath: stringInput('onnxruntime-path') || process.env.ONNXRUNTIME_NODE_PATH || '',
  };
}
