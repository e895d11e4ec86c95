import { UserError, inputValue } from '@ml-gate/core';
import {
  parseColumnDriftThresholds,
  parseDriftThresholds,
  type DataValidationOptions,
  type TableFormat,
  type TableInput,
} from '@ml-gate/core/data';
import { booleanInput, choiceInput, numberInput, optionalNumberInput, stringInput } from '@ml-gate/core/github';

export type Config = DataValidationOptions;

export function readReportPath(): string {
  return stringInput('report') || 'data_validation_report.json';
}

export function readResultPath(): string {
  return stringInput('result') || 'data_validation_result.json';
}

/** A comma-separated list of names (blank entries dropped). */
function listInput(name: string): string[] {
  return stringInput(name)
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function delimiterInput(): string | undefined {
  const raw = stringInput('csv-delimiter');
  if (raw === '') return undefined;
  const value = raw === '\\t' ? '\t' : raw;
  if ([...value].length !== 1 || value === '\n' || value === '\r' || value === '"') {
    throw new UserError(`Input csv-delimiter is '${raw}'; expected one character (\\t for a tab), not a quote or a line break.`, {
      input: 'csv-delimiter',
    });
  }
  return value;
}

/** How every table of this run is opened: the same format and CSV dialect for data, reference and train. */
function tableInput(input: string, path: string): TableInput {
  const format = choiceInput<TableFormat | 'auto'>('format', ['auto', 'csv', 'parquet', 'npy', 'npz'], 'auto');
  const nullValues = listInput('csv-null-values');
  const columns = listInput('columns');
  return {
    path,
    input,
    options: {
      format: format === 'auto' ? undefined : format,
      csv: { delimiter: delimiterInput(), nullValues: nullValues.length ? nullValues : undefined },
      columnNames: columns.length ? columns : undefined,
    },
  };
}

function driftConfig(): Config['drift'] {
  const reference = stringInput('reference');
  if (!reference) return undefined;
  const columns = listInput('drift-columns');
  return {
    reference: tableInput('reference', reference),
    failOnDrift: booleanInput('fail-on-drift', true),
    settings: {
      columns: columns.length ? columns : undefined,
      exclude: listInput('drift-ignore'),
      bins: numberInput('drift-bins', 10, { integer: true, min: 2, max: 1000 }),
      thresholds: inputValue('drift-thresholds', parseDriftThresholds(stringInput('drift-thresholds'))),
      columnThresholds: inputValue('drift-column-thresholds', parseColumnDriftThresholds(stringInput('drift-column-thresholds'))),
    },
  };
}

function leakageConfig(): Config['leakage'] {
  const train = stringInput('train');
  if (!train) {
    for (const name of ['label', 'leakage-ignore']) {
      if (stringInput(name))
        throw new UserError(`Input ${name} is given without train: leakage is measured against a training set.`, { input: name });
    }
    return undefined;
  }
  return {
    train: tableInput('train', train),
    settings: {
      label: stringInput('label') || undefined,
      ignore: listInput('leakage-ignore'),
      maxOverlapRows: numberInput('max-overlap-rows', 0, { integer: true, min: 0 }),
      maxDuplicateFraction: optionalNumberInput('max-duplicate-fraction', { min: 0, max: 1 }) ?? null,
      maxLabelShift: numberInput('max-label-shift', 0.1, { min: 0, max: 1 }),
    },
  };
}

export function readConfig(): Config {
  const data = stringInput('data', { required: true });
  const suite = stringInput('suite');
  const config: Config = {
    data: tableInput('data', data),
    suite: suite ? { path: suite, input: 'suite' } : undefined,
    drift: driftConfig(),
    leakage: leakageConfig(),
  };
  if (!config.suite && !config.drift && !config.leakage) {
    throw new UserError('Nothing to check: give at least one of the inputs suite, reference (drift) or train (leakage).', {
      input: 'suite',
    });
  }
  return config;
}
