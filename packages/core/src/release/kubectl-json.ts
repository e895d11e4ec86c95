/**
 * What `kubectl get ... -o json` prints, read as unknown and narrowed field by field (pure): a
 * missing or mistyped field reads as empty (the API server leaves out zero counts and empty
 * fields), never as a crash.
 */
import { parseError, parsed, type ParseResult } from '../errors.js';

export type Json = Record<string, unknown>;

export const object = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
export const array = (v: unknown): unknown[] => (Array.isArray(v) ? (v as unknown[]) : []);
export const text = (v: unknown): string => (typeof v === 'string' ? v : '');
export const count = (v: unknown, absent = 0): number => (typeof v === 'number' && Number.isFinite(v) ? v : absent);

/** The object kubectl printed for `what`; an error when it is not JSON. */
export function readKubectlJson(json: string, what: string): ParseResult<Json> {
  try {
    return parsed(object(JSON.parse(json)));
  } catch {
    return parseError(`kubectl printed something that is not JSON for ${what}: ${json.slice(0, 200)}`);
  }
}
