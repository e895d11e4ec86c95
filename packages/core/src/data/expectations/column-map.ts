/**
 * The column-map expectations: each value of a column is expected or not, and the entry passes
 * when at least `mostly` of the non-missing values are (GE's ColumnMapExpectation). Semantics are
 * those of Great Expectations 1.2's pandas engine; where that engine raises on the data, the entry
 * fails with the exception (map-exception.ts). Kwargs are 1.2's pydantic fields of each type.
 */
import { RE2JS } from 're2js';

import { messageOf } from '../../errors.js';
import { unsupportedConstruct } from '../../http/user-regex.js';
import { suiteValueAsCell } from '../values.js';
import type { BuildContext, ExpectationDefinition } from './expectation.js';
import type { Kwargs } from './kwargs.js';
import { type Bound, Between, CellSet, InSet, LengthBetween, NullCheck, RegexMap, type TextTest } from './map-checks.js';
import { IGNORE_ROW_IF, type IgnoreRowIf, PairGreater } from './map-pair.js';
import { resolveType } from './map-python.js';
import { TypeCheck } from './map-types.js';

const shown = (v: unknown): string => JSON.stringify(v) ?? String(v);

/** min_value / max_value of a between: a number, a text (compared as text), or null for no bound. */
function bound(kw: Kwargs, key: string): Bound {
  const v = kw.raw(key);
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  return kw.optionalNumber(key);
}

function bounds(kw: Kwargs): { min: Bound; max: Bound } {
  const min = bound(kw, 'min_value');
  const max = bound(kw, 'max_value');
  if (min === undefined && max === undefined) throw kw.error('min_value', 'min_value and max_value cannot both be null');
  if (min !== undefined && max !== undefined) {
    if (typeof min !== typeof max) throw kw.error('max_value', `is ${shown(max)} and min_value ${shown(min)}: both numbers or both text`);
    if (min > max) throw kw.error('min_value', `min_value (${shown(min)}) cannot be greater than max_value (${shown(max)})`);
  }
  return { min, max };
}

function lengthBound(kw: Kwargs, key: string): number | undefined {
  const v = kw.optionalNumber(key);
  if (v !== undefined && !Number.isInteger(v)) throw kw.error(key, `expected a whole number of characters, got ${v}`);
  return v;
}

function valueSet(kw: Kwargs): CellSet | undefined {
  if (!kw.has('value_set')) return undefined;
  const members = kw.list('value_set').map((m, i) => {
    const cell = suiteValueAsCell(m);
    if (cell === undefined) throw kw.error(`value_set[${i}]`, `expected a number, a string or a boolean, got ${shown(m)}`);
    return cell;
  });
  return new CellSet(members);
}

/** A Python regex on RE2 (linear time); RE2's syntax is Python's for what both support. */
function regex(kw: Kwargs): TextTest {
  const source = kw.string('regex');
  const unsupported = unsupportedConstruct(source);
  const problem = (what: string): Error =>
    kw.error('regex', `${shown(source)} ${what}; patterns run on a linear-time matcher (RE2), so that no value can make a check hang`);
  if (unsupported) throw problem(`uses ${unsupported}, which RE2 does not support`);
  try {
    return RE2JS.compile(source);
  } catch (e) {
    throw problem(`cannot be compiled: ${messageOf(e).replace(/^error parsing regexp: /, '')}`);
  }
}

function typeList(kw: Kwargs): readonly string[] | undefined {
  return kw.has('type_list') ? kw.stringList('type_list') : undefined;
}

function ignoreRowIf(kw: Kwargs): IgnoreRowIf {
  const v = kw.raw('ignore_row_if') ?? 'both_values_are_missing';
  if (!IGNORE_ROW_IF.includes(v as IgnoreRowIf))
    throw kw.error('ignore_row_if', `expected one of ${IGNORE_ROW_IF.join(', ')}, got ${shown(v)}`);
  return v as IgnoreRowIf;
}

const keep = (c: BuildContext): number => c.partialUnexpectedCount;

const between = (kw: Kwargs, c: BuildContext): Between => {
  const { min, max } = bounds(kw);
  return new Between(kw.column(), kw.mostly(), keep(c), min, max, kw.boolean('strict_min', false), kw.boolean('strict_max', false));
};

const lengths = (kw: Kwargs, c: BuildContext): LengthBetween => {
  const min = lengthBound(kw, 'min_value');
  const max = lengthBound(kw, 'max_value');
  if (min === undefined && max === undefined) throw kw.error('min_value', 'min_value and max_value cannot both be null');
  return new LengthBetween(kw.column(), kw.mostly(), keep(c), min, max, kw.boolean('strict_min', false), kw.boolean('strict_max', false));
};

const ofType = (kw: Kwargs, c: BuildContext): TypeCheck => {
  const name = kw.string('type_');
  return new TypeCheck(kw.column(), kw.mostly(), keep(c), [name], [resolveType(name)], false);
};

const inTypeList = (kw: Kwargs, c: BuildContext): TypeCheck => {
  const names = typeList(kw);
  return new TypeCheck(kw.column(), kw.mostly(), keep(c), names, names?.map(resolveType), true);
};

const pair = (kw: Kwargs, c: BuildContext): PairGreater =>
  new PairGreater(kw.column('column_A'), kw.column('column_B'), kw.boolean('or_equal', false), ignoreRowIf(kw), kw.mostly(), keep(c));

const MAP = ['column', 'mostly'] as const;
const BETWEEN = [...MAP, 'min_value', 'max_value', 'strict_min', 'strict_max'] as const;

export const COLUMN_MAP_EXPECTATIONS: readonly ExpectationDefinition[] = [
  {
    type: 'expect_column_values_to_not_be_null',
    kwargs: MAP,
    build: (kw, c) => new NullCheck(kw.column(), kw.mostly(), keep(c), false),
  },
  {
    type: 'expect_column_values_to_be_null',
    kwargs: MAP,
    build: (kw, c) => new NullCheck(kw.column(), kw.mostly(), keep(c), true),
  },
  { type: 'expect_column_values_to_be_between', kwargs: BETWEEN, build: between },
  {
    type: 'expect_column_values_to_be_in_set',
    kwargs: [...MAP, 'value_set'],
    build: (kw, c) => new InSet(kw.column(), kw.mostly(), keep(c), valueSet(kw), true),
  },
  {
    type: 'expect_column_values_to_not_be_in_set',
    kwargs: [...MAP, 'value_set'],
    build: (kw, c) => new InSet(kw.column(), kw.mostly(), keep(c), valueSet(kw), false),
  },
  { type: 'expect_column_values_to_be_of_type', kwargs: [...MAP, 'type_'], build: ofType },
  { type: 'expect_column_values_to_be_in_type_list', kwargs: [...MAP, 'type_list'], build: inTypeList },
  {
    type: 'expect_column_values_to_match_regex',
    kwargs: [...MAP, 'regex'],
    build: (kw, c) => new RegexMap(kw.column(), kw.mostly(), keep(c), regex(kw), true),
  },
  {
    type: 'expect_column_values_to_not_match_regex',
    kwargs: [...MAP, 'regex'],
    build: (kw, c) => new RegexMap(kw.column(), kw.mostly(), keep(c), regex(kw), false),
  },
  { type: 'expect_column_value_lengths_to_be_between', kwargs: BETWEEN, build: lengths },
  {
    type: 'expect_column_pair_values_a_to_be_greater_than_b',
    kwargs: ['column_A', 'column_B', 'or_equal', 'ignore_row_if', 'mostly'],
    build: pair,
  },
];
