/**
 * How Great Expectations' pandas engine sees a cell: as the text `Series.astype(str)` gives it (the
 * regex and length expectations test that text), ordered the way Python's sorted() orders values
 * (partial_unexpected_counts), and typed the way `isinstance` / `np.dtype(type_)` type it
 * (expect_column_values_to_be_of_type / _in_type_list).
 */
import type { Cell } from '../table.js';
import { NUMPY_SCALAR_TYPES, PANDAS_TYPE_NAMES } from './map-numpy-types.js';

/** Python's repr(float) (= numpy's str of a float64): shortest round-trip digits, '1e-05', '1e+16', '3.0'. */
export function pythonFloatRepr(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const [mantissa, exponent] = v.toExponential().split('e');
  const exp = Number(exponent);
  const sign = mantissa.startsWith('-') ? '-' : '';
  const digits = mantissa.replace('-', '').replace('.', '');
  // CPython's float_repr_style 'short': exponent notation when decpt <= -4 or decpt > 16 (decpt = exp + 1)
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  const decpt = exp + 1;
  if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`;
  if (decpt >= digits.length) return `${sign}${digits}${'0'.repeat(decpt - digits.length)}.0`;
  return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
}

/**
 * The text pandas' astype(str) gives a non-missing cell. A number's text depends on its column's
 * dtype, known only after the last row of a CSV: 3 is '3' in an int64 column and '3.0' in a
 * float64 one (an integer column with a missing value is float64 in pandas). `floatColumn` picks.
 * In an object (text or mixed) column pandas keeps a CSV field's own text; the reader has turned a
 * numeric-looking field into a number, whose text here is the int or shortest float form ('3',
 * '2.5'), which differs from the file's only when the file wrote it otherwise ('3.0', '2.50').
 */
export function pythonText(cell: Exclude<Cell, null>, floatColumn: boolean): string {
  switch (typeof cell) {
    case 'string':
      return cell;
    case 'boolean':
      return cell ? 'True' : 'False';
    case 'bigint':
      return cell.toString();
    default:
      if (Object.is(cell, -0)) return floatColumn ? '-0.0' : '0';
      if (Number.isInteger(cell) && Math.abs(cell) < 1e16) return floatColumn ? `${cell}.0` : String(cell);
      if (!floatColumn && Number.isInteger(cell)) return BigInt(cell).toString();
      return pythonFloatRepr(cell);
  }
}

/** Whether pythonText differs between an int and a float column for this cell (an integral number). */
export function textDependsOnDtype(cell: Exclude<Cell, null>): boolean {
  return typeof cell === 'number' && Number.isInteger(cell);
}

/** Python's len(): code points, not UTF-16 units. */
export function pythonLength(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** Whether a float dtype ('float64', 'float32'): numbers print as floats there. */
export function isFloatDtype(dtype: string | undefined): boolean {
  return dtype !== undefined && /^float/.test(dtype);
}

type Sortable = string | number | boolean | bigint | null | readonly Sortable[];

/**
 * Python's `a < b` for the values of a partial list, as a comparator: undefined where Python raises
 * TypeError (str against a number; None against anything). bool compares as 0/1; tuples element by
 * element (the first elements that are not equal decide). `nanNulls`: the nulls are float NaNs
 * (a float column), never equal to anything and neither less nor greater (0).
 */
export function pythonCompare(a: Sortable, b: Sortable, nanNulls = false): number | undefined {
  if (a === null || b === null) return nanNulls ? 0 : undefined;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b)) return undefined;
    const x = a as readonly Sortable[];
    const y = b as readonly Sortable[];
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      if (x[i] === y[i] && x[i] !== null) continue;
      return pythonCompare(x[i], y[i], nanNulls);
    }
    return x.length - y.length;
  }
  if (typeof a === 'string' || typeof b === 'string') {
    if (typeof a !== 'string' || typeof b !== 'string') return undefined;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const x = typeof a === 'boolean' ? Number(a) : a;
  const y = typeof b === 'boolean' ? Number(b) : b;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The numpy scalar type name of a dtype name ('int' -> 'int64', '<f8' -> 'float64'), or undefined. */
export function numpyScalarType(name: string): string | undefined {
  const own = Object.hasOwn(NUMPY_SCALAR_TYPES, name) ? NUMPY_SCALAR_TYPES[name] : undefined;
  if (own !== undefined) return own;
  const bare = /^[<>=|]/.test(name) ? name.slice(1) : name;
  return Object.hasOwn(NUMPY_SCALAR_TYPES, bare) ? NUMPY_SCALAR_TYPES[bare] : undefined;
}

/** GE's _native_type_type_map: the Python classes a `type_` also names (case-insensitive). */
function nativeTypes(name: string): readonly string[] {
  const lower = name.toLowerCase();
  if (lower === 'none') return ['NoneType'];
  if (lower === 'long') return ['int'];
  if (lower === 'string_types') return ['str'];
  return ['bool', 'int', 'float', 'bytes', 'complex', 'str', 'list', 'dict'].includes(lower) ? [lower] : [];
}

/** What a `type_` names, as GE's pandas engine resolves it. */
export interface ResolvedType {
  /** np.dtype(type_).type.__name__, when numpy understands it. */
  numpy?: string;
  /** Python classes isinstance() checks values against (native ones). */
  native: readonly string[];
  /** Whether anything recognised it (else GE raises "Unrecognized numpy/python type"). */
  recognised: boolean;
}

export function resolveType(name: string): ResolvedType {
  const numpy = numpyScalarType(name);
  const native = nativeTypes(name);
  return { numpy, native, recognised: numpy !== undefined || native.length > 0 || PANDAS_TYPE_NAMES.has(name) };
}

/**
 * Whether isinstance(value, any of `types`) holds for a value of an object column. pandas holds a
 * text (CSV) column's values as str, except True/False (bool); numbers there are CSV text, so str.
 * isinstance(True, int) is true in Python; numpy's scalar types (np.str_, np.bool_) never match
 * these plain Python values.
 */
export function objectValueIsInstance(cell: Exclude<Cell, null>, types: readonly ResolvedType[]): boolean {
  const isBool = typeof cell === 'boolean';
  return types.some((t) => t.native.some((n) => (isBool ? n === 'bool' || n === 'int' : n === 'str')));
}
