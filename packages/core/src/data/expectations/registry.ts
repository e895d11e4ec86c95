/**
 * Every expectation type this engine runs, by name. A suite entry of a type not here is an error
 * that lists these: never skipped.
 */
import { AGGREGATE_EXPECTATIONS } from './aggregate.js';
import { COLUMN_MAP_EXPECTATIONS } from './column-map.js';
import { DISTINCT_EXPECTATIONS } from './distinct.js';
import type { ExpectationDefinition } from './expectation.js';
import { TABLE_EXPECTATIONS } from './table-level.js';

export const EXPECTATIONS: ReadonlyMap<string, ExpectationDefinition> = new Map(
  [...TABLE_EXPECTATIONS, ...COLUMN_MAP_EXPECTATIONS, ...AGGREGATE_EXPECTATIONS, ...DISTINCT_EXPECTATIONS].map((d) => [d.type, d]),
);

export function supportedExpectationTypes(): string[] {
  return [...EXPECTATIONS.keys()].sort();
}
