// The typed input readers, tested the way actions/toolkit tests @actions/core's getInput
// (packages/core/__tests__/core.test.ts): INPUT_* variables set in process.env as the runner sets
// them (name upper-cased, spaces to underscores, hyphens kept), the reader called, the variables
// removed again.
import { afterEach, describe, expect, it } from 'vitest';

import { UserError } from '../errors.js';
import { booleanInput, choiceInput, numberInput, optionalNumberInput, stringInput } from './inputs.js';

const set: string[] = [];
function given(variables: Record<string, string>): void {
  for (const [name, value] of Object.entries(variables)) {
    process.env[name] = value;
    set.push(name);
  }
}
afterEach(() => {
  for (const name of set.splice(0)) delete process.env[name];
});

/** The UserError `read` throws: its message, and that it names `input`. */
function userError(read: () => unknown, input: string): string {
  try {
    read();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    expect((e as UserError).input).toBe(input);
    expect((e as UserError).file).toBeUndefined();
    return (e as UserError).message;
  }
  throw new Error(`reading input ${input} did not throw`);
}

describe('stringInput', () => {
  it('reads INPUT_<NAME> as the runner spells it, trimmed', () => {
    given({ 'INPUT_NEW-MODEL': '  models/new.onnx \n', INPUT_MY_INPUT: 'spaced name' });
    expect(stringInput('new-model')).toBe('models/new.onnx');
    expect(stringInput('my input')).toBe('spaced name');
  });
  it('is empty when not given, and a UserError naming the input when required', () => {
    expect(stringInput('model')).toBe('');
    expect(userError(() => stringInput('model', { required: true }), 'model')).toBe('Input model is required and was not given.');
    given({ INPUT_MODEL: '   ' });
    expect(userError(() => stringInput('model', { required: true }), 'model')).toBe('Input model is required and was not given.');
  });
});

describe('numberInput', () => {
  it('gives the fallback when not given', () => {
    expect(numberInput('threshold', 0.5)).toBe(0.5);
  });
  it('reads decimal and exponent notation', () => {
    given({ INPUT_THRESHOLD: ' 0.25 ', INPUT_TOLERANCE: '1e-4', INPUT_DELTA: '-3' });
    expect(numberInput('threshold', 0)).toBe(0.25);
    expect(numberInput('tolerance', 0)).toBe(1e-4);
    expect(numberInput('delta', 0)).toBe(-3);
  });
  it('refuses what is not a finite number, quoting it', () => {
    for (const raw of ['abc', '1.2.3', 'Infinity', '-Infinity', 'NaN', '5%']) {
      given({ INPUT_THRESHOLD: raw });
      expect(userError(() => numberInput('threshold', 0), 'threshold')).toBe(`Input threshold is '${raw}'; expected a number.`);
    }
  });
  it('holds integer, min and max, and says all of them', () => {
    const batch = { min: 1, integer: true };
    given({ 'INPUT_BATCH-SIZE': '64' });
    expect(numberInput('batch-size', 1, batch)).toBe(64);
    given({ 'INPUT_BATCH-SIZE': '1' });
    expect(numberInput('batch-size', 1, batch)).toBe(1);
    for (const raw of ['0', '2.5', '-4']) {
      given({ 'INPUT_BATCH-SIZE': raw });
      expect(userError(() => numberInput('batch-size', 1, batch), 'batch-size')).toBe(
        `Input batch-size is '${raw}'; expected an integer >= 1.`,
      );
    }
    given({ INPUT_CONFIDENCE: '1' });
    expect(numberInput('confidence', 0.95, { min: 0, max: 1 })).toBe(1);
    given({ INPUT_CONFIDENCE: '1.01' });
    expect(userError(() => numberInput('confidence', 0.95, { min: 0, max: 1 }), 'confidence')).toBe(
      "Input confidence is '1.01'; expected a number >= 0 <= 1.",
    );
    given({ INPUT_CONFIDENCE: '2' });
    expect(userError(() => numberInput('confidence', 0.95, { max: 1 }), 'confidence')).toBe(
      "Input confidence is '2'; expected a number <= 1.",
    );
  });
  it('exclusiveMin refuses the bound itself', () => {
    given({ INPUT_TIMEOUT: '0.001' });
    expect(numberInput('timeout', 30, { min: 0, exclusiveMin: true })).toBe(0.001);
    given({ INPUT_TIMEOUT: '0' });
    expect(userError(() => numberInput('timeout', 30, { min: 0, exclusiveMin: true }), 'timeout')).toBe(
      "Input timeout is '0'; expected a number > 0.",
    );
    given({ INPUT_TIMEOUT: '0' });
    expect(numberInput('timeout', 30, { min: 0 })).toBe(0);
  });
});

describe('optionalNumberInput', () => {
  it('is undefined when not given, the number when given, a UserError when bad', () => {
    expect(optionalNumberInput('max-latency-ms')).toBeUndefined();
    given({ 'INPUT_MAX-LATENCY-MS': '250' });
    expect(optionalNumberInput('max-latency-ms', { min: 0, exclusiveMin: true })).toBe(250);
    given({ 'INPUT_MAX-LATENCY-MS': '-1' });
    expect(userError(() => optionalNumberInput('max-latency-ms', { min: 0, exclusiveMin: true }), 'max-latency-ms')).toBe(
      "Input max-latency-ms is '-1'; expected a number > 0.",
    );
    given({ 'INPUT_MAX-LATENCY-MS': '1.5' });
    expect(optionalNumberInput('max-latency-ms', { max: 2 })).toBe(1.5);
  });
});

describe('choiceInput', () => {
  const modes = ['auto', 'classification', 'regression'] as const;
  it('gives the fallback when not given, and accepts any case', () => {
    expect(choiceInput('task', modes, 'auto')).toBe('auto');
    given({ INPUT_TASK: 'Regression' });
    expect(choiceInput('task', modes, 'auto')).toBe('regression');
    given({ INPUT_TASK: ' CLASSIFICATION ' });
    expect(choiceInput('task', modes, 'auto')).toBe('classification');
  });
  it('lists the choices when the value is none of them, quoting it as given', () => {
    given({ INPUT_TASK: 'Ranking' });
    expect(userError(() => choiceInput('task', modes, 'auto'), 'task')).toBe(
      "Input task is 'Ranking'; expected one of: auto, classification, regression.",
    );
  });
});

describe('booleanInput', () => {
  it('gives the fallback when not given', () => {
    expect(booleanInput('comment', true)).toBe(true);
    expect(booleanInput('comment', false)).toBe(false);
  });
  it('accepts true/yes/on/1 and false/no/off/0 in any case', () => {
    for (const raw of ['true', 'True', 'TRUE', 'yes', 'Yes', 'on', 'ON', '1']) {
      given({ INPUT_COMMENT: raw });
      expect(booleanInput('comment', false), raw).toBe(true);
    }
    for (const raw of ['false', 'False', 'FALSE', 'no', 'No', 'off', 'OFF', '0']) {
      given({ INPUT_COMMENT: raw });
      expect(booleanInput('comment', true), raw).toBe(false);
    }
  });
  it('refuses anything else, quoting it', () => {
    for (const raw of ['maybe', 'y', 'n', '2', 'truee', 'true false']) {
      given({ INPUT_COMMENT: raw });
      expect(userError(() => booleanInput('comment', true), 'comment')).toBe(`Input comment is '${raw}'; expected true or false.`);
    }
  });
});
