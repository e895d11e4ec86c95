/**
 * expect_column_values_to_be_of_type and expect_column_values_to_be_in_type_list, as GE's pandas
 * engine runs them (expect_column_values_to_be_of_type.py, _validate + _validate_pandas):
 *  - a column whose dtype is not object is judged as a whole: success when np.dtype(type_).type is
 *    the column's dtype type; the result is only observed_value, that type's name ('int64',
 *    'float64', 'bool_', 'object_', 'datetime64');
 *  - an object column (text or mixed) is judged value by value with isinstance(value, types) as a
 *    column map (mostly, counts), except of_type with type_ 'object'/'object_'/'O' (dtype path).
 *    pandas holds such a column's values as str (True/False as bool): see objectValueIsInstance.
 *    A type nothing recognises raises there ("Unrecognized numpy/python type") -> the entry fails.
 * The dtype is final only after the last row (CSV), so the per-value counts are kept all along
 * and the path is chosen in finish().
 */
import type { ColumnValues } from '../table.js';
import type { ExpectationOutcome, TableSummary } from './expectation.js';
import { ColumnMap, dtypeOf } from './map-base.js';
import { ExpectationException } from './map-exception.js';
import { numpyScalarType, objectValueIsInstance, type ResolvedType } from './map-python.js';

const OBJECT_NAMES = ['object', 'object_', 'O'];

export class TypeCheck extends ColumnMap {
  private readonly strOk: boolean;
  private readonly boolOk: boolean;

  /**
   * `types`: the resolved type_ (one) or type_list (several), undefined for a null type_list.
   * `list`: in_type_list (its object path applies whatever the names; of_type's not for 'object').
   */
  constructor(
    column: string,
    mostly: number,
    keep: number,
    private readonly names: readonly string[] | undefined,
    private readonly types: readonly ResolvedType[] | undefined,
    private readonly list: boolean,
  ) {
    super(column, mostly, keep);
    this.strOk = types !== undefined && objectValueIsInstance('x', types);
    this.boolOk = types !== undefined && objectValueIsInstance(true, types);
  }

  protected scan(values: ColumnValues, rows: number): void {
    const u = this.unexpected;
    let missing = 0;
    if (values instanceof Float64Array) {
      const ok = this.strOk; // numbers of an object column are CSV text in pandas: str
      for (let i = 0; i < rows; i++) {
        const v = values[i];
        if (v !== v) missing++;
        else if (!ok) u.addCell(v);
      }
    } else {
      for (let i = 0; i < rows; i++) {
        const v = values[i];
        if (v === null || (typeof v === 'number' && v !== v)) missing++;
        else if (!(typeof v === 'boolean' ? this.boolOk : this.strOk)) u.addCell(v);
      }
    }
    this.missing += missing;
  }

  private valueByValue(dtype: string | undefined): boolean {
    if (dtype !== 'object' || this.types === undefined) return false;
    return this.list || !OBJECT_NAMES.includes(this.names?.[0] ?? '');
  }

  protected override outcome(table: TableSummary): ExpectationOutcome {
    const dtype = dtypeOf(table, this.columns[0]);
    if (this.valueByValue(dtype)) {
      if (!this.types?.some((t) => t.recognised)) {
        const what = this.list
          ? `No recognized numpy/python type in list: ${JSON.stringify(this.names)}`
          : `Unrecognized numpy/python type: ${this.names?.[0]}`;
        throw new ExpectationException(what);
      }
      return super.outcome(table);
    }
    const actual = dtype === undefined ? undefined : (numpyScalarType(dtype) ?? dtype);
    const success = this.types === undefined || this.types.some((t) => t.numpy !== undefined && t.numpy === actual);
    return { success, result: { observed_value: actual ?? null } };
  }
}
