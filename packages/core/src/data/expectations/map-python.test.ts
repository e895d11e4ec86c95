import { describe, expect, it } from 'vitest';

import { partialUnexpectedCounts } from './map-accumulator.js';
import { numpyScalarType, pythonCompare, pythonFloatRepr, pythonLength, pythonText, resolveType } from './map-python.js';

describe('pythonFloatRepr', () => {
  it("writes floats as Python's repr and numpy's str do (values printed by Python 3.11 / numpy 1.24)", () => {
    const cases: [number, string][] = [
      [0.1, '0.1'],
      [1 / 3, '0.3333333333333333'],
      [1e16, '1e+16'],
      [1.5e16, '1.5e+16'],
      [123456789012345.6, '123456789012345.6'],
      [1e-5, '1e-05'],
      [0.0001, '0.0001'],
      [1e22, '1e+22'],
      [-2.5e-7, '-2.5e-07'],
      [5e-324, '5e-324'],
      [1.7976931348623157e308, '1.7976931348623157e+308'],
      [100, '100.0'],
      [-0, '-0.0'],
      [2 ** 53, '9007199254740992.0'],
      [NaN, 'nan'],
      [-Infinity, '-inf'],
    ];
    for (const [v, text] of cases) expect(pythonFloatRepr(v)).toBe(text);
  });
});

describe('pythonText', () => {
  it('a number as an int or a float column prints it; booleans as Python', () => {
    expect(pythonText(3, false)).toBe('3');
    expect(pythonText(3, true)).toBe('3.0');
    expect(pythonText(2 ** 60, false)).toBe('1152921504606846976');
    expect(pythonText(2.5, false)).toBe('2.5');
    expect(pythonText(true, false)).toBe('True');
    expect(pythonText(12n, true)).toBe('12');
    expect(pythonText(-0, true)).toBe('-0.0');
    expect(pythonText(1e16, true)).toBe('1e+16');
    expect(pythonText(-7, true)).toBe('-7.0');
  });
  it("len() counts code points: len('zoë🙂') is 4", () => {
    expect(pythonLength('zoë🙂')).toBe(4);
  });
});

describe('pythonCompare and partialUnexpectedCounts', () => {
  it('raises (undefined) where Python does: str against a number, None against anything', () => {
    expect(pythonCompare('a', 1)).toBeUndefined();
    expect(pythonCompare(null, null)).toBeUndefined();
    expect(pythonCompare(true, 0.5)).toBe(1);
    expect(pythonCompare([1, 'a'], [1, 'b'])).toBe(-1);
  });
  it('counts over the partial list, most common first, ties by value; a str/number tie leaves the key out (GE catches the TypeError)', () => {
    expect(partialUnexpectedCounts(['b', 'a', 'b', 'c'])).toEqual([
      { value: 'b', count: 2 },
      { value: 'a', count: 1 },
      { value: 'c', count: 1 },
    ]);
    expect(partialUnexpectedCounts(['a', 1])).toBeUndefined();
    expect(partialUnexpectedCounts(['a', 'a', 1])).toEqual([
      { value: 'a', count: 2 },
      { value: 1, count: 1 },
    ]);
    expect(partialUnexpectedCounts([null, null])).toEqual([{ value: null, count: 2 }]);
  });
});

describe('numpy type names (np.dtype(name).type.__name__)', () => {
  it('resolves aliases and byte-order prefixes', () => {
    expect(numpyScalarType('int')).toBe('int64');
    expect(numpyScalarType('<f8')).toBe('float64');
    expect(numpyScalarType('bool')).toBe('bool_');
    expect(numpyScalarType('O')).toBe('object_');
    expect(numpyScalarType('datetime64[ns]')).toBe('datetime64');
    expect(numpyScalarType('nonsense')).toBeUndefined();
  });
  it('knows what GE recognises as a type (numpy, Python natives, pandas classes)', () => {
    expect(resolveType('str')).toEqual({ numpy: 'str_', native: ['str'], recognised: true });
    expect(resolveType('string_types')).toEqual({ numpy: undefined, native: ['str'], recognised: true });
    expect(resolveType('Int64Dtype').recognised).toBe(true);
    expect(resolveType('nonsense').recognised).toBe(false);
  });
});
