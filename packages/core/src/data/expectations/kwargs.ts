/**
 * Reading one suite entry's kwargs, with an error that names the suite file, the entry (its
 * position and type) and the key: "suite.json: expectation 3 (expect_column_values_to_be_between),
 * kwargs.min_value: expected a number or null, got "ten"."
 */
import { UserError } from '../../errors.js';
import type { ExpectationConfig } from './expectation.js';

/** The kwargs any entry may carry, whatever its type. */
export const COMMON_KWARGS = ['result_format', 'catch_exceptions', 'include_config', 'meta', 'batch_id'] as const;

function shown(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export class Kwargs {
  constructor(
    readonly config: ExpectationConfig,
    /** The suite file, as the user named it. */
    readonly suitePath: string,
  ) {}

  /** "expectation 3 (expect_column_values_to_be_between)" */
  get entry(): string {
    return `expectation ${this.config.index + 1} (${this.config.type})`;
  }

  /** A UserError on the suite file naming the entry and the key. */
  error(key: string, problem: string): UserError {
    return new UserError(`${this.suitePath}: ${this.entry}, kwargs.${key}: ${problem}.`, {
      file: this.suitePath,
      hint: 'See https://greatexpectations.io/expectations/ for what each expectation accepts.',
    });
  }

  has(key: string): boolean {
    const v = this.config.kwargs[key];
    return v !== undefined && v !== null;
  }

  raw(key: string): unknown {
    return this.config.kwargs[key];
  }

  /** A required, non-empty string (a column name, a regex). */
  string(key: string): string {
    const v = this.config.kwargs[key];
    if (typeof v !== 'string' || v === '') throw this.error(key, `expected a non-empty string, got ${shown(v)}`);
    return v;
  }

  column(key = 'column'): string {
    return this.string(key);
  }

  optionalString(key: string): string | undefined {
    return this.has(key) ? this.string(key) : undefined;
  }

  /** A finite number, or undefined when absent or null (GE's "no bound"). */
  optionalNumber(key: string): number | undefined {
    const v = this.config.kwargs[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'object' && v !== null && '$PARAMETER' in v) {
      throw this.error(key, 'evaluation parameters ($PARAMETER) are not supported; write the value itself');
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) throw this.error(key, `expected a number or null, got ${shown(v)}`);
    return v;
  }

  number(key: string): number {
    const v = this.optionalNumber(key);
    if (v === undefined) throw this.error(key, 'is required: expected a number');
    return v;
  }

  boolean(key: string, fallback: boolean): boolean {
    const v = this.config.kwargs[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'boolean') throw this.error(key, `expected true or false, got ${shown(v)}`);
    return v;
  }

  /** A required array. */
  list(key: string): readonly unknown[] {
    const v = this.config.kwargs[key];
    if (!Array.isArray(v)) throw this.error(key, `expected a list, got ${shown(v)}`);
    return v;
  }

  stringList(key: string): readonly string[] {
    const v = this.list(key);
    v.forEach((x, i) => {
      if (typeof x !== 'string') throw this.error(`${key}[${i}]`, `expected a string, got ${shown(x)}`);
    });
    return v as readonly string[];
  }

  /** GE's `mostly`: the fraction of non-missing values that must be expected, 0..1, default 1. */
  mostly(): number {
    const v = this.optionalNumber('mostly');
    if (v === undefined) return 1;
    if (v < 0 || v > 1) throw this.error('mostly', `expected a number from 0 to 1, got ${shown(v)}`);
    return v;
  }
}
