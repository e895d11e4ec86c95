import { inputValue } from '@ml-gate/core';
import { choiceInput, numberInput, stringInput } from '@ml-gate/core/github';
import {
  BOUNDS_EXPECTED,
  DEFAULT_TRAINING_SETTINGS as D,
  TRAINING_LOG_FORMATS,
  parseBounds,
  type CheckTrainingOptions,
  type TrainingLogFormat,
  type ValLossRisingMode,
} from '@ml-gate/core/training';

export type Config = CheckTrainingOptions;

export function readReportPath(): string {
  return stringInput('report') || 'training_report.json';
}

/** A column input: its name as given (trimmed), or undefined to detect it. */
function columnInput(name: string): string | undefined {
  return stringInput(name).trim() || undefined;
}

export function readConfig(): Config {
  const path = stringInput('log', { required: true });
  const format = choiceInput<TrainingLogFormat | 'auto'>('format', ['auto', ...TRAINING_LOG_FORMATS], 'auto');
  const bounds = stringInput('bounds');
  return {
    log: { path, format: format === 'auto' ? undefined : format, input: 'log' },
    columns: {
      loss: columnInput('loss-column'),
      valLoss: columnInput('val-loss-column'),
      gradNorm: columnInput('grad-norm-column'),
      epoch: columnInput('epoch-column'),
    },
    settings: {
      minLossDecrease: numberInput('min-loss-decrease', D.minLossDecrease, { min: 0, max: 1 }),
      window: numberInput('window', D.window, { integer: true, min: 2, max: 100_000 }),
      plateauTolerance: numberInput('plateau-tolerance', D.plateauTolerance, { min: 0 }),
      divergenceTolerance: numberInput('divergence-tolerance', D.divergenceTolerance, { min: 0 }),
      maxGradNorm: numberInput('max-grad-norm', D.maxGradNorm, { min: 0, exclusiveMin: true }),
      valLossRising: choiceInput<ValLossRisingMode>('val-loss-rising', ['warn', 'fail', 'off'], D.valLossRising),
      bounds: inputValue('bounds', parseBounds(bounds), { expected: BOUNDS_EXPECTED }),
    },
  };
}
