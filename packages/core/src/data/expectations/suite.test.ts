import { describe, expect, it } from 'vitest';

import { UserError } from '../../errors.js';
import { COLUMN_MAP_EXPECTATIONS } from './column-map.js';
import type { ExpectationDefinition } from './expectation.js';
import { supportedExpectationTypes } from './registry.js';
import { applyResultFormat, parseSuite } from './suite.js';
import { entryLines, lineColumn } from './suite-lines.js';
import { TABLE_EXPECTATIONS } from './table-level.js';

/** This helper's definitions only, so the tests do not depend on the aggregate ones. */
const MINE = new Map<string, ExpectationDefinition>([...TABLE_EXPECTATIONS, ...COLUMN_MAP_EXPECTATIONS].map((d) => [d.type, d]));
const parse = (text: string, path = 'suite.json') => parseSuite(text, path, {}, { expectations: MINE });

const CLASSIC = `{
  "expectation_suite_name": "orders",
  "data_asset_type": null,
  "ge_cloud_id": null,
  "meta": { "great_expectations_version": "0.18.21" },
  "expectations": [
    {
      "expectation_type": "expect_table_row_count_to_be_between",
      "kwargs": { "min_value": 1, "max_value": 100 },
      "meta": {}
    },
    {"expectation_type": "expect_column_values_to_not_be_null", "kwargs": {"column": "id", "mostly": 0.9}, "meta": {"note": "a } and a \\" in a string"}},
    {
      "expectation_type": "expect_column_values_to_match_regex",
      "kwargs": { "column": "code", "regex": "^[A-Z]{1}-\\\\d+$", "result_format": "SUMMARY" },
      "meta": {}
    }
  ]
}`;

const GX1 = `{
  "name": "orders",
  "id": "2d1f6c9e-1111-2222-3333-444455556666",
  "suite_parameters": {},
  "notes": null,
  "meta": { "great_expectations_version": "0.18.21" },
  "expectations": [
    { "type": "expect_table_row_count_to_be_between", "kwargs": { "min_value": 1, "max_value": 100 }, "meta": {}, "id": "a" },
    {
      "type": "expect_column_values_to_not_be_null",
      "kwargs": { "column": "id", "mostly": 0.9 },
      "meta": { "note": "a } and a \\" in a string" },
      "severity": "critical"
    },
    {
      "type": "expect_column_values_to_match_regex",
      "kwargs": { "column": "code", "regex": "^[A-Z]{1}-\\\\d+$", "result_format": "SUMMARY" },
      "meta": {},
      "notes": "codes", "description": null, "rendered_content": null, "expectation_context": null
    }
  ]
}`;

function userError(f: () => unknown): UserError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    expect((e as UserError).file).toBe('suite.json');
    return e as UserError;
  }
  throw new Error('expected a UserError');
}

const withEntry = (entry: string) => `{"name": "s", "expectations": [${entry}]}`;

describe('parseSuite: both formats', () => {
  it('reads a classic suite and a 1.x suite into the same entries', () => {
    const classic = parse(CLASSIC);
    const gx1 = parse(GX1);
    expect([classic.format, gx1.format]).toEqual(['classic', 'gx1']);
    expect(classic.name).toBe('orders');
    expect(gx1.name).toBe('orders');
    expect(classic.meta).toEqual({ great_expectations_version: '0.18.21' });
    const shape = (s: typeof classic) => s.entries.map((e) => [e.config, e.resultFormat, e.partialUnexpectedCount, e.expectation.columns]);
    expect(shape(gx1)).toEqual(shape(classic));
    expect(classic.entries.map((e) => e.config.type)).toEqual([
      'expect_table_row_count_to_be_between',
      'expect_column_values_to_not_be_null',
      'expect_column_values_to_match_regex',
    ]);
    expect(classic.entries[2].config.kwargs.regex).toBe('^[A-Z]{1}-\\d+$');
    expect(classic.entries.map((e) => e.resultFormat)).toEqual(['BASIC', 'BASIC', 'SUMMARY']);
  });

  it("gives each entry the line of its opening '{' (counted by hand in the texts above)", () => {
    expect(parse(CLASSIC).entries.map((e) => e.line)).toEqual([7, 12, 13]);
    expect(parse(GX1).entries.map((e) => e.line)).toEqual([8, 9, 15]);
  });

  it('accepts a byte-order mark and an empty expectations list', () => {
    expect(parse('\uFEFF{"expectation_suite_name": "s", "expectations": []}').entries).toEqual([]);
  });

  it('passes the partial list length to each entry (result_format or the default)', () => {
    const suite = parseSuite(
      withEntry(`{"type": "expect_column_values_to_be_in_set", "kwargs": {"column": "c", "value_set": ["a"],
        "result_format": {"result_format": "SUMMARY", "partial_unexpected_count": 2}}},
        {"type": "expect_column_values_to_be_in_set", "kwargs": {"column": "c", "value_set": ["a"]}}`),
      'suite.json',
      { partialUnexpectedCount: 5 },
      { expectations: MINE },
    );
    expect(suite.entries.map((e) => [e.resultFormat, e.partialUnexpectedCount])).toEqual([
      ['SUMMARY', 2],
      ['BASIC', 5],
    ]);
    const [first] = suite.entries;
    first.expectation.observe({ pass: 1, rows: 4, values: [['b', 'c', 'd', 'a']] });
    expect(first.expectation.finish({ rows: 4, columns: [{ name: 'c', dtype: 'object' }] }).result.partial_unexpected_list).toEqual([
      'b',
      'c',
    ]);
  });

  it('accepts condition_parser without a row_condition (GE writes it as null)', () => {
    const suite = parse(
      withEntry(
        `{"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "c", "row_condition": null, "condition_parser": null}}`,
      ),
    );
    expect(suite.entries).toHaveLength(1);
  });
});

describe('parseSuite: errors name the file, the entry and the key', () => {
  it('malformed JSON: the line and column of the syntax error', () => {
    // '}' after the comma: line 4, column 18 (4 spaces + 13 characters of {"type": "x", before it)
    const text = '{\n  "name": "s",\n  "expectations": [\n    {"type": "x",}\n  ]\n}';
    expect(userError(() => parse(text)).message).toBe(
      'suite.json: not valid JSON at line 4, column 18: Expected double-quoted property name.',
    );
    expect(userError(() => parse('{\n  "name": "s",\n  "expectations": [\n')).message).toBe(
      'suite.json: not valid JSON at line 4, column 1: unexpected end of the text.',
    );
  });

  it('not a suite: a list, no name, no expectations list', () => {
    expect(userError(() => parse('[]')).message).toBe('suite.json: expected a JSON object (an expectation suite), got a list.');
    expect(userError(() => parse('{"expectations": []}')).message).toContain(
      'has neither expectation_suite_name (a classic suite) nor name',
    );
    expect(userError(() => parse('{"name": "s"}')).message).toBe('suite.json: has no "expectations" list (expectations is undefined).');
    expect(userError(() => parse('{"name": "s", "expectations": {}}')).message).toContain('has no "expectations" list');
  });

  it('an unknown key, at the top or in an entry, is named with the keys of that format', () => {
    expect(userError(() => parse('{"name": "s", "expectations": [], "evaluation_parameters": {}}')).message).toBe(
      'suite.json: has an unknown key "evaluation_parameters" for a Great Expectations 1.x suite; the keys are name, id, expectations, suite_parameters, meta, notes.',
    );
    expect(
      userError(() =>
        parse(
          '{"expectation_suite_name": "s", "expectations": [{"expectation_type": "expect_column_to_exist", "kwargs": {"column": "a"}, "notes": "x"}]}',
        ),
      ).message,
    ).toBe(
      'suite.json: expectation 1 (expect_column_to_exist) has an unknown key "notes" for a classic (0.x) suite; the keys are expectation_type, kwargs, meta, ge_cloud_id, expectation_context, rendered_content, description.',
    );
  });

  it('an entry that is not an object, or has no type', () => {
    expect(userError(() => parse(withEntry('{"type": "expect_column_to_exist", "kwargs": {"column": "a"}}, 3'))).message).toBe(
      'suite.json: expectation 2 is 3, expected an object with type and kwargs.',
    );
    expect(userError(() => parse(withEntry('{"kwargs": {}}'))).message).toBe('suite.json: expectation 1 has no type.');
    expect(userError(() => parse(withEntry('{"expectation_type": "expect_column_to_exist", "kwargs": {}}'))).message).toBe(
      "suite.json: expectation 1 has no type (expectation_type is the classic suites' key: this suite is Great Expectations 1.x).",
    );
  });

  it('an unsupported type: named, with every supported type listed', () => {
    const e = userError(() => parse(withEntry('{"type": "expect_column_values_to_be_json_parseable", "kwargs": {"column": "a"}}')));
    expect(e.message).toBe(
      `suite.json: expectation 1 (expect_column_values_to_be_json_parseable) is not a supported expectation type; the supported ones are ${[...MINE.keys()].sort().join(', ')}.`,
    );
    expect(e.hint).toContain('never skipped');
  });

  it('with the registry, the list is every registered type', () => {
    const e = userError(() => parseSuite(withEntry('{"type": "expect_nothing", "kwargs": {}}'), 'suite.json'));
    expect(e.message).toContain(`the supported ones are ${supportedExpectationTypes().join(', ')}.`);
    for (const type of MINE.keys()) expect(e.message).toContain(type);
  });

  it('an unknown kwarg: named, with the accepted ones', () => {
    expect(
      userError(() =>
        parse(withEntry('{"type": "expect_column_values_to_be_between", "kwargs": {"column": "a", "min_value": 1, "min": 2}}')),
      ).message,
    ).toBe(
      'suite.json: expectation 1 (expect_column_values_to_be_between), kwargs.min: is not a kwarg of expect_column_values_to_be_between; it accepts column, mostly, min_value, max_value, strict_min, strict_max, result_format, catch_exceptions, include_config, meta, batch_id.',
    );
  });

  it('row_condition is not supported', () => {
    expect(
      userError(() =>
        parse(
          withEntry(
            '{"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "a", "row_condition": "b > 1", "condition_parser": "pandas"}}',
          ),
        ),
      ).message,
    ).toMatch(/^suite\.json: expectation 1 \(expect_column_values_to_not_be_null\), kwargs\.row_condition: is not supported/);
  });

  it("a kwarg of the wrong kind, through the definition's Kwargs", () => {
    expect(
      userError(() => parse(withEntry('{"type": "expect_column_values_to_be_between", "kwargs": {"column": "a", "min_value": [1]}}')))
        .message,
    ).toBe('suite.json: expectation 1 (expect_column_values_to_be_between), kwargs.min_value: expected a number or null, got [1].');
    expect(
      userError(() => parse(withEntry('{"type": "expect_column_values_to_be_between", "kwargs": {"column": "a"}}'))).message,
    ).toContain('min_value and max_value cannot both be null');
    expect(
      userError(() =>
        parse(withEntry('{"type": "expect_column_values_to_be_between", "kwargs": {"column": "a", "min_value": 5, "max_value": 1}}')),
      ).message,
    ).toContain('min_value (5) cannot be greater than max_value (1)');
    expect(
      userError(() => parse(withEntry('{"type": "expect_column_values_to_match_regex", "kwargs": {"column": "a", "regex": "(a)\\\\1"}}')))
        .message,
    ).toContain('uses a backreference (\\1), which RE2 does not support');
    expect(
      userError(() =>
        parse(
          withEntry(
            '{"type": "expect_column_pair_values_a_to_be_greater_than_b", "kwargs": {"column_A": "a", "column_B": "b", "ignore_row_if": "never"}}',
          ),
        ),
      ).message,
    ).toContain('kwargs.ignore_row_if: expected one of both_values_are_missing, either_value_is_missing, neither, got "never"');
  });

  it('result_format: COMPLETE refused, unknown levels and keys named', () => {
    const entry = (rf: string) =>
      withEntry(`{"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "a", "result_format": ${rf}}}`);
    expect(userError(() => parse(entry('"COMPLETE"'))).message).toContain(
      'kwargs.result_format: COMPLETE is not supported: it lists every unexpected value',
    );
    expect(userError(() => parse(entry('{"result_format": "COMPLETE"}'))).message).toContain(
      'kwargs.result_format.result_format: COMPLETE is not supported',
    );
    expect(userError(() => parse(entry('"FULL"'))).message).toContain(
      'kwargs.result_format: expected one of BOOLEAN_ONLY, BASIC, SUMMARY, got "FULL"',
    );
    expect(userError(() => parse(entry('{"result_format": "BASIC", "unexpected_index_column_names": ["id"]}'))).message).toContain(
      'kwargs.result_format.unexpected_index_column_names: is not supported',
    );
    expect(userError(() => parse(entry('{"result_format": "BASIC", "partial_unexpected_count": -1}'))).message).toContain(
      'kwargs.result_format.partial_unexpected_count: expected a whole number >= 0, got -1',
    );
    const ok = parse(entry('{"result_format": "BOOLEAN_ONLY"}')).entries[0];
    expect([ok.resultFormat, ok.partialUnexpectedCount, ok.excludeUnexpectedValues]).toEqual(['BOOLEAN_ONLY', 20, false]);
  });
});

describe('applyResultFormat (GE _format_map_output / Expectation.validate)', () => {
  const map = {
    element_count: 3,
    unexpected_count: 1,
    unexpected_percent: 50,
    partial_unexpected_list: ['x'],
    missing_count: 1,
    missing_percent: 100 / 3,
    unexpected_percent_total: 100 / 3,
    unexpected_percent_nonmissing: 50,
    partial_unexpected_counts: [{ value: 'x', count: 1 }],
  };
  it('BOOLEAN_ONLY: nothing; BASIC: all but the counts; SUMMARY: everything', () => {
    expect(applyResultFormat(map, 'BOOLEAN_ONLY')).toEqual({});
    const basic: Record<string, unknown> = { ...map };
    delete basic.partial_unexpected_counts;
    expect(applyResultFormat(map, 'BASIC')).toEqual(basic);
    expect(applyResultFormat(map, 'SUMMARY')).toEqual(map);
  });
  it('keeps observed_value and details of other kinds at BASIC', () => {
    const table = { observed_value: ['a'], details: { mismatched: { missing: ['b'] } } };
    expect(applyResultFormat(table, 'BASIC')).toEqual(table);
  });
  it('exclude_unexpected_values drops the values', () => {
    const rest: Record<string, unknown> = { ...map };
    delete rest.partial_unexpected_counts;
    delete rest.partial_unexpected_list;
    expect(applyResultFormat(map, 'SUMMARY', true)).toEqual(rest);
  });
});

describe('suite-lines', () => {
  it('lineColumn counts from 1', () => {
    expect(lineColumn('ab\ncd', 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
  });
  it('finds the top-level expectations list only, past strings with brackets and escapes', () => {
    const text = [
      '{"meta": {"expectations": [{"x": 1}]}, "name": "expectations [ {",', // line 1: not the top-level key
      ' "expectations": [', // 2
      '  {"kwargs": {"value_set": ["{", "\\"}"]}},', // 3
      '',
      '  {}, 5,', // 5: two entries
      '  [1]', // 6
      ' ]}',
    ].join('\n');
    expect(entryLines(text)).toEqual([3, 5, 5, 6]);
    expect(entryLines('{"name": "s", "expectations": []}')).toEqual([]);
    expect(entryLines('{"name": "s"}')).toEqual([]);
  });
});
