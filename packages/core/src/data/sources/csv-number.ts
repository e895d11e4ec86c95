/**
 * A CSV field's bytes read as a number the way pandas.read_csv types it (checked against pandas
 * by fixtures/csv-literals.json): spaces or tabs around it, an optional sign, digits with an
 * optional fraction (`1.`, `.5`), an optional exponent, or inf / infinity in any case. An integer
 * literal is an integer of int64 or uint64; one beyond uint64, or an exponent that overflows a
 * double (1e400), is text to pandas and here, and so is a decimal literal with more than 20 digits
 * before the point (111111111111111111111.5, or ...e0).
 *
 * Digits are read straight from the bytes. A literal with at most 15 significant digits and a
 * decimal exponent within ±22 is exact by Clinger's fast path (an integer below 2^53 times or
 * divided by an exact power of ten is one correctly rounded operation); anything else goes
 * through Number(text), also correctly rounded.
 */

/** The kinds of literal parse() finds. */
export const NOT_NUMBER = 0;
/** An integer within ±2^53 (`value`). */
export const INT = 1;
/** An integer of int64 beyond ±2^53 (`big`). */
export const INT_BIG = 2;
/** An integer above int64's range, within uint64's (`big`). */
export const UINT64 = 3;
/** An integer below int64's range (`value`, rounded): pandas makes its column text unless a decimal joins it. */
export const INT_UNDER = 4;
/** A decimal literal or an infinity (`value`). */
export const FLOAT = 5;
export type NumberKind = typeof NOT_NUMBER | typeof INT | typeof INT_BIG | typeof UINT64 | typeof INT_UNDER | typeof FLOAT;

const POW10: readonly number[] = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
const SPACE = 32;
const TAB = 9;
const DOT = 46;
const INFINITY = 'infinity';
/** pandas reads a decimal literal with more digits before its point (leading zeros aside) as text. */
const MAX_INTEGER_DIGITS = 20;

/** Whether bytes [i, end) spell "inf" or "infinity" in any case. */
function isInfinity(buf: Uint8Array, i: number, end: number): boolean {
  const n = end - i;
  if (n !== 3 && n !== 8) return false;
  for (let k = 0; k < n; k++) if ((buf[i + k] | 32) !== INFINITY.charCodeAt(k)) return false;
  return true;
}

export class NumberParser {
  /** The number, for INT, INT_UNDER and FLOAT. */
  value = 0;
  /** The integer, for INT_BIG and UINT64. */
  big = 0n;

  /** Reads bytes [start, end) of `buf`. */
  parse(buf: Buffer, start: number, end: number): NumberKind {
    let s = start;
    let e = end;
    while (s < e && (buf[s] === SPACE || buf[s] === TAB)) s++;
    while (e > s && (buf[e - 1] === SPACE || buf[e - 1] === TAB)) e--;
    if (s === e) return NOT_NUMBER;
    let i = s;
    const neg = buf[i] === 45;
    if (neg || buf[i] === 43) i++;
    let m = 0;
    let significant = 0;
    let digits = 0;
    let fraction = 0;
    let dot = false;
    let integerDigits = 0;
    for (; i < e; i++) {
      const d = buf[i] - 48;
      if (d >= 0 && d <= 9) {
        digits++;
        if (dot) fraction++;
        if (m !== 0 || d !== 0) {
          significant++;
          if (significant <= 15) m = m * 10 + d;
        }
      } else if (d === DOT - 48 && !dot) {
        dot = true;
        integerDigits = significant;
      } else {
        break;
      }
    }
    if (digits === 0) {
      if (dot || !isInfinity(buf, i, e)) return NOT_NUMBER;
      this.value = neg ? -Infinity : Infinity;
      return FLOAT;
    }
    if (i === e && !dot) return this.integer(buf, s, e, neg ? -m : m, significant);
    if ((dot ? integerDigits : significant) > MAX_INTEGER_DIGITS) return NOT_NUMBER;
    return this.decimal(buf, s, i, e, neg ? -m : m, significant, fraction);
  }

  /** An integer literal of `significant` digits, `m` exact when at most 15. */
  private integer(buf: Buffer, s: number, e: number, m: number, significant: number): NumberKind {
    if (significant <= 15) {
      this.value = m === 0 ? 0 : m;
      return INT;
    }
    const big = BigInt(buf.toString('latin1', s, e));
    if (big > UINT64_MAX) return NOT_NUMBER;
    if (big > INT64_MAX) {
      this.big = big;
      return UINT64;
    }
    if (big < INT64_MIN) {
      this.value = Number(big);
      return INT_UNDER;
    }
    const n = Number(big);
    if (Number.isSafeInteger(n)) {
      this.value = n;
      return INT;
    }
    this.big = big;
    return INT_BIG;
  }

  /** A literal with a fraction or an exponent; its mantissa ends at `i`. */
  private decimal(buf: Buffer, s: number, i: number, e: number, m: number, significant: number, fraction: number): NumberKind {
    let exponent = 0;
    if (i < e) {
      if ((buf[i] | 32) !== 101) return NOT_NUMBER; // e or E
      i++;
      const negExp = buf[i] === 45;
      if (negExp || buf[i] === 43) i++;
      if (i === e) return NOT_NUMBER;
      for (; i < e; i++) {
        const d = buf[i] - 48;
        if (d < 0 || d > 9) return NOT_NUMBER;
        if (exponent < 1e6) exponent = exponent * 10 + d;
      }
      if (negExp) exponent = -exponent;
    }
    const e10 = exponent - fraction;
    let v: number;
    if (significant <= 15 && e10 >= -22 && e10 <= 22) v = e10 < 0 ? m / POW10[-e10] : m * POW10[e10];
    else v = Number(buf.toString('latin1', s, e));
    if (!Number.isFinite(v)) return NOT_NUMBER; // 1e400: text to pandas
    this.value = v;
    return FLOAT;
  }
}
