/**
 * How every number the actions print is written. One module, so that a summary, a log line, an
 * annotation and an output never disagree on the same value:
 * - measured values (errors, differences, tolerances, ratios): `formatNumber`, three significant
 *   digits, exponent notation outside [1e-3, 1e6) (`5.72e-6`, `0.0123`, `12.3`, `0`);
 * - metric values: `formatMetric`, four decimals inside [1e-3, 1000) so that a column of metrics
 *   lines up (`0.8790`), otherwise like formatNumber with six significant digits;
 * - action outputs: `numberOutput`, twelve significant digits (`0.04`, not `0.040000000000000036`),
 *   with the same exponent rule, so that a step reading it gets the value, not a rendering;
 * - sizes: `formatBytes`.
 */

function significant(v: number, digits: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e6) {
    // toExponential keeps trailing zeros (5.70e-6); Number() drops them, as it does in plain form
    const [mantissa, exponent] = v.toExponential(digits - 1).split('e');
    return `${Number(mantissa)}e${exponent}`;
  }
  return String(Number(v.toPrecision(digits)));
}

/** A measured value: 5.72e-6, 0.0123, 12.3, 0, NaN, Infinity. */
export function formatNumber(v: number, digits = 3): string {
  return significant(v, digits);
}

/** A metric value: 0.8790 (four decimals in [1e-3, 1000)), n/a when there is none. */
export function formatMetric(v: number | null | undefined): string {
  if (v === null || v === undefined) return 'n/a';
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a >= 1000 || (v !== 0 && a < 1e-3) ? significant(v, 6) : v.toFixed(4);
}

/** A number as an action output: twelve significant digits; empty when absent. */
export function numberOutput(v: number | null | undefined): string {
  return v === null || v === undefined ? '' : significant(v, 12);
}

/** 812 B, 1.5 KiB, 3.25 MiB, 1.10 GiB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(2)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}
