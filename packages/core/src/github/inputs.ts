import * as core from '@actions/core';

import { UserError, badInputValue } from '../errors.js';
import type { RuntimeLocation } from '../onnx/runtime.js';
import { parseDuration } from '../util/duration.js';

/** Typed readers of action inputs; a bad value is a UserError naming the input and what it accepts. */
export function stringInput(name: string, options: { required?: boolean } = {}): string {
  const value = core.getInput(name);
  if (options.required && value === '') {
    throw new UserError(`Input ${name} is required and was not given.`, { input: name });
  }
  return value;
}

export function numberInput(name: string, fallback: number, options: NumberBounds & { integer?: boolean } = {}): number {
  const raw = core.getInput(name);
  if (raw === '') return fallback;
  const value = Number(raw);
  const { min, max, integer, exclusiveMin, exclusiveMax } = options;
  const wanted = [
    integer ? 'an integer' : 'a number',
    min !== undefined ? `${exclusiveMin ? '>' : '>='} ${min}` : '',
    max !== undefined ? `${exclusiveMax ? '<' : '<='} ${max}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const bad =
    !Number.isFinite(value) ||
    (integer && !Number.isInteger(value)) ||
    (min !== undefined && (exclusiveMin ? value <= min : value < min)) ||
    (max !== undefined && (exclusiveMax ? value >= max : value > max));
  if (bad) throw badInputValue(name, raw, wanted);
  return value;
}

/** The range a number input accepts (each end inclusive unless said exclusive). */
export interface NumberBounds {
  min?: number;
  max?: number;
  exclusiveMin?: boolean;
  exclusiveMax?: boolean;
}

export function optionalNumberInput(name: string, options: NumberBounds = {}): number | undefined {
  return core.getInput(name) === '' ? undefined : numberInput(name, 0, options);
}

/**
 * A duration input (`120s`, `2m`, `1m30s`, `500ms`, a bare number of seconds; util/duration.ts) in
 * milliseconds, within [minMs, maxMs]; otherwise "Input NAME is 'VALUE'; expected <expected>".
 */
export function durationInput(name: string, fallback: string, bounds: { minMs: number; maxMs?: number; expected: string }): number {
  const raw = core.getInput(name).trim() || fallback;
  const ms = parseDuration(raw);
  if (ms === undefined || ms < bounds.minMs || ms > (bounds.maxMs ?? Infinity)) throw badInputValue(name, raw, bounds.expected);
  return ms;
}

/**
 * Where onnxruntime-node comes from, read the same way by every action that runs a model: input
 * onnxruntime-path, else ONNXRUNTIME_NODE_PATH (an offline runner's install); a registry mirror
 * from ONNXRUNTIME_NODE_REGISTRY. Empty: the pinned version is provisioned from npmjs.
 */
export function onnxruntimeInput(env: NodeJS.ProcessEnv = process.env): RuntimeLocation {
  return {
    path: core.getInput('onnxruntime-path') || env.ONNXRUNTIME_NODE_PATH || undefined,
    registry: env.ONNXRUNTIME_NODE_REGISTRY || undefined,
  };
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

/** The runner's environment variable of input `name` (upper case, spaces to underscores, as the runner writes it). */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** The declared input closest to `given` (spelled with _ or -, any case), when one is close. */
export function closestInput(given: string, declared: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[_ ]/g, '-');
  let best: { name: string; distance: number } | undefined;
  for (const name of declared) {
    const distance = editDistance(norm(given), norm(name));
    if (!best || distance < best.distance) best = { name, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(best.name.length / 3)) ? best.name : undefined;
}

/**
 * Refuses inputs the action does not declare. The runner passes every `with:` key as INPUT_<NAME>,
 * undeclared ones too, after a warning nobody reads: `min_improvement: '0.5'` would otherwise run
 * with the default margin and pass.
 */
export function checkInputsDeclared(action: string, declared: readonly string[], env: NodeJS.ProcessEnv = process.env): void {
  const known = new Set(declared.map(inputVariable));
  const unknown = Object.keys(env)
    .filter((k) => k.startsWith('INPUT_') && !known.has(k))
    .map((k) => k.slice('INPUT_'.length).toLowerCase())
    .sort();
  if (unknown.length === 0) return;
  const first = unknown[0];
  const suggestion = closestInput(first, declared);
  const others = unknown.length > 1 ? ` (and ${unknown.slice(1).join(', ')})` : '';
  throw new UserError(`Input ${first}${others} is not an input of ${action}${suggestion ? `; did you mean ${suggestion}?` : '.'}`, {
    input: first,
    hint: `${action} takes: ${declared.join(', ')}. An unknown input is refused, not ignored: a misspelt setting must not silently run with its default.`,
  });
}
