/**
 * The column-map checks by value: null, between, in set, regex, length. Each follows the pandas
 * metric of Great Expectations 1.2 (great_expectations/expectations/metrics/column_map_metrics/).
 */
import type { ColumnValues } from '../table.js';
import type { ExpectationOutcome, TableSummary } from './expectation.js';
import { mapOutcome, nullCheckOutcome, UnexpectedValues } from './map-accumulator.js';
import { ColumnMap, dtypeOf, ValueMap, type Value } from './map-base.js';
import { isFloatDtype, pythonLength, pythonText, textDependsOnDtype } from './map-python.js';
import { valueKey } from '../values.js';

/**
 * expect_column_values_to_(not_)be_null. Every row is considered; for not_be_null the missing
 * values are the unexpected ones (reported as null), for be_null the present ones.
 */
export class NullCheck extends ColumnMap {
  constructor(
    column: string,
    mostly: number,
    keep: number,
    private readonly wantNull: boolean,
  ) {
    super(column, mostly, keep);
  }

  protected scan(values: ColumnValues, rows: number): void {
    const u = this.unexpected;
    const wantNull = this.wantNull;
    if (values instanceof Float64Array) {
      for (let i = 0; i < rows; i++) {
        const v = values[i];
        if ((v !== v) !== wantNull) u.addCell(v !== v ? null : v);
      }
      return;
    }
    for (let i = 0; i < rows; i++) {
      const v = values[i];
      const isNull = v === null || (typeof v === 'number' && v !== v);
      if (isNull !== wantNull) u.addCell(isNull ? null : v);
    }
  }

  protected override outcome(table: TableSummary): ExpectationOutcome {
    // a float column's missing values are NaN objects, each its own key in GE's Counter
    const distinctNulls = !this.wantNull && isFloatDtype(dtypeOf(table, this.columns[0]));
    return nullCheckOutcome(this.rows, this.unexpected, this.mostly, distinctNulls);
  }
}

export type Bound = number | string | undefined;

const SAME_TYPE = 'Column values, min_value, and max_value must either be None or of the same type.';

/**
 * expect_column_values_to_be_between. Numbers compare with numeric bounds (a boolean as 0/1), text
 * with text bounds (Python's str order, by code point). A value of the other kind — text in a
 * column checked against numbers, a number against text bounds — makes GE's pandas metric raise
 * TypeError ("Column values, min_value, and max_value must either be None or of the same type."),
 * so the entry fails with that exception, as in GE, rather than counting the value as unexpected.
 */
export class Between extends ValueMap {
  private readonly textBounds: boolean;

  constructor(
    column: string,
    mostly: number,
    keep: number,
    private readonly min: Bound,
    private readonly max: Bound,
    private readonly strictMin: boolean,
    private readonly strictMax: boolean,
  ) {
    super(column, mostly, keep);
    this.textBounds = typeof (min ?? max) === 'string';
  }

  protected override scan(values: ColumnValues, rows: number): void {
    if (!(values instanceof Float64Array) || this.textBounds) return super.scan(values, rows);
    const lo = this.min as number | undefined;
    const hi = this.max as number | undefined;
    const { strictMin, strictMax } = this;
    const u = this.unexpected;
    let missing = 0;
    for (let i = 0; i < rows; i++) {
      const v = values[i];
      if (v !== v) missing++;
      else if ((lo !== undefined && (strictMin ? !(v > lo) : !(v >= lo))) || (hi !== undefined && (strictMax ? !(v < hi) : !(v <= hi))))
        u.addCell(v);
    }
    this.missing += missing;
  }

  protected expected(value: Value): boolean {
    if ((typeof value === 'string') !== this.textBounds) {
      this.failure ??= `${SAME_TYPE} (value ${JSON.stringify(String(value))} against ${this.textBounds ? 'text' : 'numeric'} bounds)`;
      return true;
    }
    const v = typeof value === 'boolean' ? Number(value) : value;
    const { min, max } = this;
    if (min !== undefined && (this.strictMin ? !(v > min) : !(v >= min))) return false;
    return max === undefined || (this.strictMax ? v < max : v <= max);
  }
}

/** The members of a value_set, matched by valueKey (1 and 1.0 one value, '1' another). */
export class CellSet {
  private readonly numbers = new Set<number>();
  private readonly keys = new Set<string>();

  constructor(members: readonly Value[]) {
    for (const m of members) {
      if (typeof m === 'number') this.numbers.add(m);
      this.keys.add(valueKey(m));
    }
  }

  hasNumber(v: number): boolean {
    return this.numbers.has(v);
  }

  has(value: Value): boolean {
    return typeof value === 'number' ? this.numbers.has(value) : this.keys.has(valueKey(value));
  }
}

/** expect_column_values_to_(not_)be_in_set (pandas isin); a null value_set is vacuously true. */
export class InSet extends ValueMap {
  constructor(
    column: string,
    mostly: number,
    keep: number,
    private readonly set: CellSet | undefined,
    private readonly wantIn: boolean,
  ) {
    super(column, mostly, keep);
  }

  protected override expectedNumber(v: number): boolean {
    return this.set === undefined || this.set.hasNumber(v) === this.wantIn;
  }

  protected expected(value: Value): boolean {
    return this.set === undefined || this.set.has(value) === this.wantIn;
  }
}

/** How many distinct values a TextMap remembers the verdict of (memory stays bounded). */
const VERDICT_CACHE = 65_536;
const INT_OK = 1;
const FLOAT_OK = 2;

/**
 * A check of the text pandas' astype(str) gives each value (regex, length). A number's text
 * depends on the column's final dtype ('3' in int64, '3.0' in float64: see pythonText), known only
 * at the end of a CSV, so an integral number is tested both ways and the count matching the dtype
 * is reported. Other values have one text. Verdicts of the first VERDICT_CACHE distinct values are
 * remembered (a regex costs ~200 ns a value on RE2; most columns repeat their values).
 */
export abstract class TextMap extends ColumnMap {
  private readonly asFloat: UnexpectedValues;
  private readonly verdicts = new Map<string | number | bigint | boolean, number>();

  constructor(column: string, mostly: number, keep: number) {
    super(column, mostly, keep);
    this.asFloat = new UnexpectedValues(keep);
  }

  protected abstract expectedText(text: string): boolean;

  /** Whether remembering verdicts pays (a regex: yes; a length, cheaper than a lookup: no). */
  protected readonly cacheVerdicts: boolean = true;

  private verdict(v: Value): number {
    const cacheable = this.cacheVerdicts && !Object.is(v, -0); // a Map key -0 is 0, whose text differs
    let known = cacheable ? this.verdicts.get(v) : undefined;
    if (known !== undefined) return known;
    if (textDependsOnDtype(v)) {
      known = (this.expectedText(pythonText(v, false)) ? INT_OK : 0) | (this.expectedText(pythonText(v, true)) ? FLOAT_OK : 0);
    } else {
      known = this.expectedText(pythonText(v, false)) ? INT_OK | FLOAT_OK : 0;
    }
    if (cacheable && this.verdicts.size < VERDICT_CACHE) this.verdicts.set(v, known);
    return known;
  }

  protected scan(values: ColumnValues, rows: number): void {
    let missing = 0;
    for (let i = 0; i < rows; i++) {
      const v = values[i];
      if (v === null || (typeof v === 'number' && v !== v)) {
        missing++;
        continue;
      }
      const verdict = this.verdict(v);
      if ((verdict & INT_OK) === 0) this.unexpected.addCell(v);
      if ((verdict & FLOAT_OK) === 0) this.asFloat.addCell(v);
    }
    this.missing += missing;
  }

  protected override outcome(table: TableSummary): ExpectationOutcome {
    const unexpected = isFloatDtype(dtypeOf(table, this.columns[0])) ? this.asFloat : this.unexpected;
    return mapOutcome({ rows: this.rows, missing: this.missing, unexpected }, this.mostly);
  }
}

/** The compiled regex of expect_column_values_to_(not_)match_regex: re.search semantics (anywhere). */
export interface TextTest {
  test(text: string): boolean;
}

export class RegexMap extends TextMap {
  constructor(
    column: string,
    mostly: number,
    keep: number,
    private readonly regex: TextTest,
    private readonly wantMatch: boolean,
  ) {
    super(column, mostly, keep);
  }

  protected expectedText(text: string): boolean {
    return this.regex.test(text) === this.wantMatch;
  }
}

/** expect_column_value_lengths_to_be_between: len(str(value)) in code points. */
export class LengthBetween extends TextMap {
  protected override readonly cacheVerdicts = false;

  constructor(
    column: string,
    mostly: number,
    keep: number,
    private readonly min: number | undefined,
    private readonly max: number | undefined,
    private readonly strictMin: boolean,
    private readonly strictMax: boolean,
  ) {
    super(column, mostly, keep);
  }

  protected expectedText(text: string): boolean {
    const n = pythonLength(text);
    const { min, max } = this;
    if (min !== undefined && (this.strictMin ? n <= min : n < min)) return false;
    return max === undefined || (this.strictMax ? n < max : n <= max);
  }
}
