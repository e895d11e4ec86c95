/**
 * A training log as the frameworks write it, read into rows of cells:
 * - `json`: an object of per-epoch lists, as Keras' History.history is saved
 *   (`{"loss": [...], "val_loss": [...]}`), or a list of per-epoch objects;
 * - `jsonl`: one JSON object per line (an epoch or a step);
 * - `csv`: a header row, then one row per epoch or step;
 * - `lightning`: PyTorch Lightning's CSVLogger metrics.csv (columns `epoch`, `step` and the
 *   logged keys; train and validation metrics on different rows, empty cells elsewhere);
 * - `keras`: Keras' CSVLogger file (`epoch`, then the sorted keys of the logs).
 * Python's NaN and infinity spellings are read as numbers (log-values.ts). The whole log is held
 * in memory: a row of a few numbers is ~100 bytes, a million rows ~100 MB.
 */
import { UserError, fileProblem } from '../errors.js';
import { csvLines } from '../data/sources/csv.js';
import { checkReadableRegularFile, readRegularFile } from '../util/files.js';
import { jsonLogCell, parseLogCell, type LogCell } from './log-values.js';
import { parsePythonJson } from './python-json.js';

export const TRAINING_LOG_FORMATS = ['json', 'jsonl', 'csv', 'lightning', 'keras'] as const;
export type TrainingLogFormat = (typeof TRAINING_LOG_FORMATS)[number];

export interface LogRow {
  /** The 1-based line the row starts on (none for the lists of a JSON object). */
  line?: number;
  /** One cell per column of the log, in its order; a row shorter than the columns has null after its end. */
  cells: LogCell[];
}

export interface TrainingLog {
  path: string;
  format: TrainingLogFormat;
  /** Every column, in the order the file gives them. */
  columns: string[];
  rows: LogRow[];
}

export interface ReadLogOptions {
  /** The format; default: from the extension and the content. */
  format?: TrainingLogFormat;
  /** The action input that named the file, for messages (default `log`). */
  input?: string;
}

/** A JSON log is read whole: at most this many bytes. */
const MAX_JSON_BYTES = 256 * 1024 * 1024;

export function cellAt(row: LogRow, column: number): LogCell {
  return column < row.cells.length ? row.cells[column] : null;
}

function logError(path: string, input: string, what: string, hint?: string): UserError {
  return new UserError(`${path}: ${what}.`, { file: path, input, hint });
}

/** Which CSV log a header is: Lightning's (epoch and step), Keras' (epoch first, the rest sorted, a loss), or plain. */
export function csvFlavour(header: readonly string[]): 'csv' | 'lightning' | 'keras' {
  if (header.includes('epoch') && header.includes('step')) return 'lightning';
  const rest = header.slice(1);
  if (header[0] === 'epoch' && rest.includes('loss') && rest.every((c, i) => i === 0 || rest[i - 1] < c)) return 'keras';
  return 'csv';
}

function checkHeader(path: string, input: string, header: string[], line: number): void {
  const seen = new Set<string>();
  header.forEach((name, i) => {
    if (name.trim() === '') throw logError(path, input, `column ${i + 1} of the header (line ${line}) has no name`);
    if (seen.has(name)) throw logError(path, input, `the header (line ${line}) names column '${name}' twice`);
    seen.add(name);
  });
}

async function readCsvLog(path: string, input: string, format: 'csv' | 'lightning' | 'keras' | undefined): Promise<TrainingLog> {
  const delimiter = /\.tsv$/i.test(path) ? '\t' : ',';
  let header: { line: number; fields: string[] } | undefined;
  const rows: LogRow[] = [];
  for await (const record of csvLines(path, { delimiter }, input)) {
    if (!header) {
      header = { line: record.line, fields: record.fields.map((f) => f.trim()) };
      checkHeader(path, input, header.fields, record.line);
      continue;
    }
    if (record.fields.length !== header.fields.length) {
      throw logError(
        path,
        input,
        `line ${record.line} has ${record.fields.length} field${record.fields.length === 1 ? '' : 's'}; the header (line ${header.line}) has ${header.fields.length}`,
        'Every row needs one field per column (an empty field for a value not logged in that row).',
      );
    }
    rows.push({ line: record.line, cells: record.fields.map(parseLogCell) });
  }
  if (!header) throw logError(path, input, 'the file is empty; expected a header row naming the columns, then a row per epoch or step');
  const flavour = format ?? csvFlavour(header.fields);
  if ((flavour === 'lightning' || flavour === 'keras') && !header.fields.includes('epoch')) {
    throw logError(
      path,
      input,
      `a ${flavour === 'lightning' ? 'Lightning metrics.csv' : 'Keras CSVLogger file'} has an epoch column; this header has ${header.fields.join(', ')}`,
    );
  }
  return { path, format: flavour, columns: header.fields, rows };
}

/** Rows from JSON objects: the columns are the keys in the order first seen. */
function rowsOfObjects(
  objects: readonly Record<string, unknown>[],
  lines: readonly (number | undefined)[],
): { columns: string[]; rows: LogRow[] } {
  const index = new Map<string, number>();
  const rows = objects.map((o, i) => {
    const cells: LogCell[] = [];
    for (const [key, value] of Object.entries(o)) {
      let k = index.get(key);
      if (k === undefined) index.set(key, (k = index.size));
      while (cells.length < k) cells.push(null);
      cells[k] = jsonLogCell(value);
    }
    return { line: lines[i], cells };
  });
  return { columns: [...index.keys()], rows };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function jsonDocumentLog(path: string, input: string, value: unknown, elementLines: number[] | undefined): TrainingLog {
  const shape = 'expected an object of per-epoch lists ({"loss": [...], "val_loss": [...]}) or a list of per-epoch objects';
  if (Array.isArray(value)) {
    const bad = value.findIndex((v) => !isObject(v));
    if (bad >= 0)
      throw logError(path, input, `element ${bad + 1} of the list (line ${elementLines?.[bad] ?? '?'}) is not an object; ${shape}`);
    return { path, format: 'json', ...rowsOfObjects(value as Record<string, unknown>[], elementLines ?? []) };
  }
  if (!isObject(value)) throw logError(path, input, `the JSON is ${value === null ? 'null' : typeof value}; ${shape}`);
  const lists = Object.entries(value).filter((e): e is [string, unknown[]] => Array.isArray(e[1]));
  if (lists.length === 0)
    throw logError(path, input, `the JSON object has no list (keys: ${Object.keys(value).join(', ') || 'none'}); ${shape}`);
  const lengths = new Set(lists.map(([, l]) => l.length));
  if (lengths.size > 1) {
    throw logError(
      path,
      input,
      `the lists have different lengths (${lists.map(([k, l]) => `${k}: ${l.length}`).join(', ')}); a JSON log has one value per epoch in each list`,
    );
  }
  const n = lists[0][1].length;
  const rows: LogRow[] = [];
  for (let i = 0; i < n; i++) rows.push({ cells: lists.map(([, l]) => jsonLogCell(l[i])) });
  return { path, format: 'json', columns: lists.map(([k]) => k), rows };
}

function jsonLinesLog(path: string, input: string, text: string): TrainingLog {
  const objects: Record<string, unknown>[] = [];
  const lines: number[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    const result = parsePythonJson(raw);
    if (!result.ok) throw logError(path, input, result.error.replace(/at line 1, column/, `at line ${i + 1}, column`));
    if (!isObject(result.value.value))
      throw logError(path, input, `line ${i + 1} is not a JSON object; a JSON lines log has one object per epoch or step`);
    objects.push(result.value.value);
    lines.push(i + 1);
  });
  return { path, format: 'jsonl', ...rowsOfObjects(objects, lines) };
}

async function readText(path: string, input: string): Promise<string> {
  try {
    return (await readRegularFile(path, MAX_JSON_BYTES)).toString('utf8');
  } catch (e) {
    throw new UserError(`The training log ${path} ${fileProblem(e, 'a training log file')}.`, { file: path, input, cause: e });
  }
}

async function readJsonLog(path: string, input: string, format: 'json' | 'jsonl' | undefined): Promise<TrainingLog> {
  const text = await readText(path, input);
  if (format === 'jsonl') return jsonLinesLog(path, input, text);
  const doc = parsePythonJson(text);
  // several objects one per line, in a file named .json: JSON lines
  if (!doc.ok && format === undefined && /after the JSON value/.test(doc.error) && /^\s*\{/.test(text))
    return jsonLinesLog(path, input, text);
  if (!doc.ok)
    throw logError(
      path,
      input,
      doc.error,
      format === undefined ? 'A JSON lines log (one object per line) is read as such when named .jsonl, or with format jsonl.' : undefined,
    );
  return jsonDocumentLog(path, input, doc.value.value, doc.value.elementLines);
}

/** The format of a log from its extension, else from its first byte ({ or [: JSON; else CSV). */
async function detectFormat(path: string, input: string): Promise<'json' | 'jsonl' | 'csv'> {
  if (/\.(jsonl|ndjson)$/i.test(path)) return 'jsonl';
  if (/\.json$/i.test(path)) return 'json';
  if (/\.(csv|tsv)$/i.test(path)) return 'csv';
  const head = (await readText(path, input)).slice(0, 4096).trimStart();
  return head.startsWith('{') || head.startsWith('[') ? 'json' : 'csv';
}

/** Reads a training log; every problem is a UserError naming the file (and the line where there is one). */
export async function readTrainingLog(path: string, options: ReadLogOptions = {}): Promise<TrainingLog> {
  const input = options.input ?? 'log';
  try {
    await checkReadableRegularFile(path);
  } catch (e) {
    throw new UserError(`The training log ${path} ${fileProblem(e, 'a training log file')}.`, { file: path, input, cause: e });
  }
  const format = options.format ?? (await detectFormat(path, input));
  const log =
    format === 'json' || format === 'jsonl'
      ? await readJsonLog(path, input, options.format === undefined && format === 'json' ? undefined : format)
      : await readCsvLog(path, input, options.format === undefined ? undefined : format);
  if (log.rows.length === 0) {
    throw logError(
      path,
      input,
      `the log has no rows (columns: ${log.columns.join(', ') || 'none'}); the training wrote nothing to check`,
      'Was the log written before the training ran, or did the training stop before its first epoch?',
    );
  }
  return log;
}
