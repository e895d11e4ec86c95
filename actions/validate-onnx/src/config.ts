import { existsSync } from 'node:fs';
import { UserError, inputValue } from '@ml-gate/core';
import { booleanInput, choiceInput, numberInput, onnxruntimeInput, optionalNumberInput, stringInput } from '@ml-gate/core/github';
import type { RuntimeLocation } from '@ml-gate/core/onnx';
import {
  parsePerOutput,
  parseSignature,
  readSignatureFile,
  type PerOutput,
  type Signature,
  type ToleranceMode,
  type ToleranceSettings,
} from '@ml-gate/core/validation';

export interface Config {
  model: string;
  referenceInputs?: string;
  referenceOutputs?: string;
  tolerance: ToleranceSettings;
  signature?: Signature;
  dynamicBatch: boolean;
  maxSizeMb?: number;
  seed: number;
  threads: number;
  onnxruntime: RuntimeLocation;
}

export function readReportPath(): string {
  return stringInput('report') || 'onnx_validation_report.json';
}

function tolerances(name: 'atol' | 'rtol', fallback: number): PerOutput {
  const result = parsePerOutput(stringInput(name), fallback);
  if (result.ok) return result.value;
  // not inputValue: its "Input NAME: ..." cannot say "Input atol has 'x'", the wording users (and tests) know
  throw new UserError(`Input ${name} has ${result.error}; expected a number >= 0, or output:number (e.g. '1e-5, logits:1e-4').`, {
    input: name,
  });
}

/**
 * The file the signature input names, if it names one: a single line that is an existing path, or
 * that cannot be a signature (no `[`, not a comment or a section header) and so must be a path.
 */
function signaturePath(text: string): string | undefined {
  const line = text.trim();
  if (line.includes('\n')) return undefined;
  const notSignature = !line.includes('[') && !line.startsWith('#') && !/:\s*$/.test(line);
  return existsSync(line) || notSignature ? line : undefined;
}

async function readSignature(text: string): Promise<Signature | undefined> {
  if (!text.trim()) return undefined;
  const source = signaturePath(text);
  const result = parseSignature(source ? await readSignatureFile(source) : text);
  // a signature file is annotated itself: the line at fault is there, not in the workflow
  if (!result.ok && source) throw new UserError(`Input signature (${source}): ${result.error}.`, { input: 'signature', file: source });
  return inputValue('signature', result);
}

export async function readConfig(): Promise<Config> {
  const atol = tolerances('atol', 1e-5);
  const rtol = tolerances('rtol', 1e-4);
  const signature = await readSignature(stringInput('signature'));
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
    dynamicBatch: booleanInput('dynamic-batch', true),
    maxSizeMb: optionalNumberInput('max-size-mb', { min: 0, exclusiveMin: true }),
    seed: numberInput('seed', 0, { min: 0, max: 2 ** 32 - 1, integer: true }),
    threads: numberInput('threads', 0, { min: 0, max: 1024, integer: true }),
    onnxruntime: onnxruntimeInput(),
  };
}
