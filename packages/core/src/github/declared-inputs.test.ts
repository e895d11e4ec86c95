// Undeclared inputs are refused: the runner passes every `with:` key as INPUT_<NAME> (upper case,
// spaces to underscores), declared or not. Expected names and suggestions are written by hand.
import { describe, expect, it } from 'vitest';

import { UserError } from '../errors.js';
import { checkInputsDeclared, closestInput, inputVariable } from './inputs.js';

const DECLARED = ['new-model', 'baseline-model', 'min-improvement', 'metric', 'github-token'];

function refusal(env: NodeJS.ProcessEnv): UserError {
  try {
    checkInputsDeclared('evaluate-baseline', DECLARED, env);
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('not refused');
}

describe('checkInputsDeclared', () => {
  it('accepts the declared inputs and ignores other variables', () => {
    expect(() =>
      checkInputsDeclared('evaluate-baseline', DECLARED, { 'INPUT_NEW-MODEL': 'm.onnx', INPUT_METRIC: '', PATH: '/bin', INPUTX: '1' }),
    ).not.toThrow();
  });
  it('refuses min_improvement, naming it and the input meant', () => {
    const e = refusal({ 'INPUT_NEW-MODEL': 'm.onnx', INPUT_MIN_IMPROVEMENT: '0.5' });
    expect(e.message).toBe('Input min_improvement is not an input of evaluate-baseline; did you mean min-improvement?');
    expect(e.input).toBe('min_improvement');
    expect(e.hint).toContain('takes: new-model, baseline-model, min-improvement, metric, github-token');
  });
  it('suggests across a typo, and lists every unknown input', () => {
    expect(refusal({ INPUT_METRICS: 'f1', INPUT_ZZZ: '1' }).message).toBe(
      'Input metrics (and zzz) is not an input of evaluate-baseline; did you mean metric?',
    );
  });
  it('suggests nothing when nothing is close', () => {
    expect(refusal({ INPUT_WEATHER: 'sunny' }).message).toBe('Input weather is not an input of evaluate-baseline.');
  });
  it('names variables as the runner does', () => {
    expect(inputVariable('new-model')).toBe('INPUT_NEW-MODEL');
    expect(inputVariable('my input')).toBe('INPUT_MY_INPUT');
    expect(closestInput('BASELINE_MODEL', DECLARED)).toBe('baseline-model');
    expect(closestInput('token', DECLARED)).toBeUndefined();
  });
});
