/**
 * When a column counts as drifted: a threshold per statistic, `null` for a statistic that is
 * reported but never decides ("off"), and per-column overrides.
 */
import { parsed, parseError, type ParseResult } from '../../errors.js';

export interface DriftThresholds {
  /** PSI above this: drifted. */
  psi: number | null;
  /** Kolmogorov-Smirnov p-value below this (numeric columns): drifted. */
  ksP: number | null;
  /** Chi-square p-value below this (categorical columns): drifted. */
  chi2P: number | null;
  /** Jensen-Shannon distance (natural log, 0 to √ln 2 = 0.83) above this: drifted. */
  js: number | null;
}

/**
 * The defaults, as the action's `drift-thresholds` input documents them:
 * - psi 0.2: the industry rule of thumb (credit scoring: < 0.1 stable, 0.1-0.2 moderate, > 0.2
 *   significant shift), Evidently's PSI default too;
 * - js 0.1: Evidently's default threshold for its distance tests, and its default test for
 *   categorical columns of more than 1,000 reference rows;
 * - ks-p and chi2-p off: Evidently uses them (p < 0.05) only for references of at most 1,000 rows
 *   and a distance above that, because on large samples a p-value is tiny for a shift of no
 *   consequence. Both are still computed and reported; `ks-p=0.05, chi2-p=0.05` turns them on with
 *   Evidently's small-data level.
 */
export const DEFAULT_DRIFT_THRESHOLDS: Readonly<DriftThresholds> = Object.freeze({ psi: 0.2, ksP: null, chi2P: null, js: 0.1 });

/** The statistics as the input names them. */
const KEYS: Record<string, { key: keyof DriftThresholds; max: number; what: string }> = {
  psi: { key: 'psi', max: Infinity, what: 'a PSI above 0' },
  'ks-p': { key: 'ksP', max: 1, what: 'a p-value between 0 and 1' },
  'chi2-p': { key: 'chi2P', max: 1, what: 'a p-value between 0 and 1' },
  js: { key: 'js', max: 1, what: 'a distance between 0 and 1' },
};

const NAMES = Object.keys(KEYS).join(', ');

function parseEntry(entry: string, into: Partial<DriftThresholds>): string | undefined {
  const eq = entry.indexOf('=');
  if (eq < 0) return `'${entry}' is not statistic=value`;
  const name = entry.slice(0, eq).trim().toLowerCase();
  const text = entry.slice(eq + 1).trim();
  const spec = KEYS[name];
  if (!spec) return `'${name}' is not a drift statistic (${NAMES})`;
  if (spec.key in into) return `'${name}' is given twice`;
  if (text.toLowerCase() === 'off') {
    into[spec.key] = null;
    return undefined;
  }
  const value = text === '' ? NaN : Number(text);
  if (!Number.isFinite(value) || value <= 0 || value > spec.max) return `${name}=${text} is not ${spec.what} or off`;
  into[spec.key] = value;
  return undefined;
}

/** `psi=0.2, ks-p=0.05, chi2-p=off, js=0.1` (commas or spaces between entries; empty: none). */
export function parseDriftThresholds(text: string): ParseResult<Partial<DriftThresholds>> {
  const value: Partial<DriftThresholds> = {};
  for (const entry of text
    .replace(/\s*=\s*/g, '=')
    .split(/[,\s]+/)
    .filter((e) => e !== '')) {
    const problem = parseEntry(entry, value);
    if (problem) return parseError(problem);
  }
  return parsed(value);
}

/** One `column: psi=0.3, ks-p=off` per line; empty lines and `#` comments are skipped. */
export function parseColumnDriftThresholds(text: string): ParseResult<Record<string, Partial<DriftThresholds>>> {
  const value: Record<string, Partial<DriftThresholds>> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.lastIndexOf(':');
    const column = colon < 0 ? '' : line.slice(0, colon).trim();
    if (column === '') return parseError(`line ${i + 1} ('${line}') is not column: statistic=value, ...`);
    if (Object.hasOwn(value, column)) return parseError(`line ${i + 1}: column '${column}' is given twice`);
    const thresholds = parseDriftThresholds(line.slice(colon + 1));
    if (!thresholds.ok) return parseError(`line ${i + 1} (column '${column}'): ${thresholds.error}`);
    value[column] = thresholds.value;
  }
  return parsed(value);
}

/** A column's thresholds: the defaults, then the input's, then the column's own. */
export function columnThresholds(
  column: string,
  thresholds: Partial<DriftThresholds> = {},
  perColumn: Readonly<Record<string, Partial<DriftThresholds>>> = {},
): DriftThresholds {
  return { ...DEFAULT_DRIFT_THRESHOLDS, ...thresholds, ...(Object.hasOwn(perColumn, column) ? perColumn[column] : {}) };
}
