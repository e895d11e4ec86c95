// Every expectation validate-data runs has, in the pandas-computed fixtures its tests replay
// (fixtures/map/make.py, fixtures/aggregate/make.py), at least one case that passes and one that
// fails: a type added to the registry without both fails here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXPECTATIONS } from './registry.js';

interface FixtureCase {
  type: string;
  success?: boolean;
  /** GE raised instead of deciding (an exception case): neither outcome. */
  expected?: { success?: boolean; exception?: string };
}

const casesOf = (dir: string): FixtureCase[] =>
  (JSON.parse(readFileSync(new URL(`./fixtures/${dir}/expected.json`, import.meta.url), 'utf8')) as { cases: FixtureCase[] }).cases;

const outcomes = new Map<string, Set<boolean>>();
for (const c of [...casesOf('map'), ...casesOf('aggregate')]) {
  if (c.expected?.exception !== undefined) continue;
  const success = c.expected?.success ?? c.success;
  if (typeof success !== 'boolean') throw new Error(`fixture case of ${c.type} without a success`);
  outcomes.set(c.type, (outcomes.get(c.type) ?? new Set()).add(success));
}

describe('the registry against the pandas fixtures', () => {
  it('runs the 33 expectations of the issue', () => {
    expect(EXPECTATIONS.size).toBe(33);
  });

  it.each([...EXPECTATIONS.keys()])('%s: a passing and a failing case', (type) => {
    expect([...(outcomes.get(type) ?? [])].sort()).toEqual([false, true]);
  });
});
