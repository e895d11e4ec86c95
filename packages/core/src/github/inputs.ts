import * as core from '@actions/core';

import { UserError, badInputValue } from '../errors.js';

/** Typed readers of action inputs; a bad value is a UserError naming the input and what it accepts. */
export function stringInput(name: string, options: { required?: boolean } = {}): string {
  const value = core.getInput(name);
  if (options.required && value === '') {
    throw new UserError(`Input ${name} is required and was not given.`, { input: name });
  }
  return value;
}

export function numberInput(
  name: string,
  fallback: number,
  options: { min?: number; max?: number; integer?: boolean; exclusiveMin?: boolean } = {},
): number {
  const raw = core.getInput(name);
  if (raw === '') return fallback;
  const value = Number(raw);
  const { min, max, integer, exclusiveMin } = options;
  const wanted = [
    integer ? 'an integer' : 'a number',
    min !== undefined ? `${exclusiveMin ? '>' : '>='} ${min}` : '',
    max !== undefined ? `<= ${max}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const bad =
    !Number.isFinite(value) ||
    (integer && !Number.isInteger(value)) ||
    (min !== undefined && (exclusiveMin ? value <= min : value < min)) ||
    (max !== undefined && value > max);
  if (bad) throw badInputValue(name, raw, wanted);
  return value;
}

export function optionalNumberInput(
  name: string,
  options: { min?: number; max?: number; exclusiveMin?: boolean } = {},
): number | undefined {
  return core.getInput(name) === '' ? undefined : numberInput(name, 0, options);
}

export function choiceInput<T extends string>(name: string, choices: readonly T[], fallback: T): T {
  const raw = core.getInput(name);
  if (raw === '') return fallback;
  const value = raw.toLowerCase() as T;
  if (!choices.includes(value)) {
    throw badInputValue(name, raw, `one of: ${choices.join(', ')}`);
  }
  return value;
}

export function booleanInput(name: string, fallback: boolean): boolean {
  const raw = core.getInput(name);
  if (raw === '') return fallback;
  if (/^(true|yes|on|1)$/i.test(raw)) return true;
  if (/^(false|no|off|0)$/i.test(raw)) return false;
  throw badInputValue(name, raw, 'true or false');
}
