import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';

import { UserError, fileProblem, messageOf } from '../errors.js';
import { NpzArchive, openNpy, type NpyArray } from '../npy/array.js';
import { describeDType } from '../npy/dtype.js';
import { formatShape } from '../onnx/session.js';
import { readRegularFile, statRegularFile } from '../util/files.js';
import { inputError, namingInput } from './input-error.js';

export interface EvalSet {
  features: NpyArray;
  labels: NpyArray;
  /** The per-row slice columns input slices names, in its order (none without it). */
  slices: SliceColumn[];
  /** The files the set was read from (one .npz, or the .npy files: features, labels, then each slice column). */
  files: string[];
  /** Opens the labels once more from the start (a compressed member can only be read forward once). */
  reopenLabels(): Promise<NpyArray>;
  close(): Promise<void>;
}

/** What the eval set holds besides features and labels: inputs slices and slice-names. */
export interface EvalSetOptions {
  /** Names of per-row slice columns: keys of the .npz, or `<name>.npy` files beside the features. */
  slices?: string[];
  /** A JSON file naming each column's codes: `{ "<column>": { "<code>": "<name>", ... } }`. */
  sliceNames?: string;
}

/**
 * Codes are below 2^20: they index arrays of per-slice counts (and the names), so a stray large
 * value (an id, a hash, a timestamp saved by mistake) is refused rather than allocated for.
 */
export const SLICE_CODE_LIMIT = 2 ** 20;

/**
 * One per-row column of slice codes (a region, a device, a customer tier): the report gives both
 * models' metrics per code. Read in batches alongside the features, like the labels.
 */
export interface SliceColumn {
  /** The column's name as input slices gives it. */
  name: string;
  /** The file it is read from: its .npy, or the .npz holding it (what an annotation points at). */
  file: string;
  array: NpyArray;
  /** Each code's name, from slice-names (codes without one are shown as numbers). */
  names?: Map<number, string>;
  /**
   * Reads the codes of rows start .. start + n into out[0 .. n). A forward-only source (an .npz
   * member) needs increasing starts. Refuses (UserError naming input slices, the file and the
   * row) a value that is not an integer from 0 to SLICE_CODE_LIMIT - 1.
   */
  readCodes(start: number, n: number, out: Int32Array): Promise<void>;
  /** Opens the column once more from its first row; the caller closes what it returns. */
  reopen(): Promise<SliceColumn>;
  close(): Promise<void>;
}

/** The two arrays of the set, by the input that names each (its default is the array's own name). */
type ArrayInput = 'features' | 'labels';

const EVAL_DATA_HINT = 'Expected a directory with features.npy and labels.npy, or an .npz file.';

/**
 * Opens the held-out set: a directory with `<features>.npy` and `<labels>.npy`, or an `.npz`
 * holding arrays named `features` and `labels` (names overridable). Every error names the input
 * at fault: eval-data for where the set is, features or labels for what an array holds.
 */
export async function openEvalSet(
  path: string,
  featuresName = 'features',
  labelsName = 'labels',
  options: EvalSetOptions = {},
): Promise<EvalSet> {
  const slices = checkSliceInput(options.slices ?? []);
  if (await isEvalDirectory(path)) return withSlices(await openNpyPair(path, featuresName, labelsName), slices, options.sliceNames);
  if (!/\.npz$/i.test(basename(path))) {
    throw inputError('eval-data', `${path} is a file but not an .npz archive.`, { file: path, hint: EVAL_DATA_HINT });
  }
  return withSlices(await openNpzMembers(path, featuresName, labelsName), slices, options.sliceNames);
}

/**
 * Whether eval-data is a directory; otherwise it must be a regular file (a FIFO would block the
 * first read past every deadline, a device stream without end), refused before a byte is read.
 */
async function isEvalDirectory(path: string): Promise<boolean> {
  try {
    if ((await stat(path)).isDirectory()) return true;
    await statRegularFile(path);
    return false;
  } catch (e) {
    throw inputError('eval-data', `${path} ${fileProblem(e, 'a directory or an .npz file')}.`, { file: path, hint: EVAL_DATA_HINT });
  }
}

/**
 * Where a layout keeps its slice columns: how one is opened (errors naming input slices) and the
 * file it is in.
 */
interface ColumnSource {
  open(name: string): Promise<NpyArray>;
  file(name: string): string;
  /** Whether each column is a file of its own (then listed in EvalSet.files). */
  ownFiles: boolean;
}

/** The set's features and labels, opened, and where its slice columns are. */
interface OpenedSet {
  set: EvalSet;
  columns: ColumnSource;
}

/** `<name>.npy` in `dir` (a name given with .npy is taken as it is). */
function npyFile(dir: string, name: string): string {
  return join(dir, name.endsWith('.npy') ? name : `${name}.npy`);
}

/** The set as .npy files in one directory. */
async function openNpyPair(dir: string, featuresName: string, labelsName: string): Promise<OpenedSet> {
  const file = (name: string) => npyFile(dir, name);
  const features = await openNpy(file(featuresName)).catch((e: unknown) => {
    throw arrayFileError(e, 'features', featuresName);
  });
  const labels = await openNpy(file(labelsName)).catch(async (e: unknown) => {
    await features.close();
    throw arrayFileError(e, 'labels', labelsName);
  });
  const set: EvalSet = {
    features,
    labels,
    slices: [],
    files: [file(featuresName), file(labelsName)],
    reopenLabels: () => openNpy(file(labelsName)),
    close: async () => {
      await features.close();
      await labels.close();
    },
  };
  const open = (name: string) =>
    openNpy(file(name)).catch(async (e: unknown) => {
      throw await columnFileError(e, dir, name);
    });
  return { set, columns: { open, file, ownFiles: true } };
}

/** The set as members of one .npz archive. */
async function openNpzMembers(path: string, featuresName: string, labelsName: string): Promise<OpenedSet> {
  const npz = await NpzArchive.open(path).catch((e: unknown) => {
    throw namingInput(e, 'eval-data');
  });
  try {
    const features = await npz.array(featuresName, 'features').catch((e: unknown) => {
      throw namingInput(e, 'features');
    });
    const labels = await npz.array(labelsName, 'labels').catch(async (e: unknown) => {
      await features.close();
      throw namingInput(e, 'labels');
    });
    const set: EvalSet = {
      features,
      labels,
      slices: [],
      files: [path],
      reopenLabels: () => npz.array(labelsName, 'labels'),
      close: async () => {
        await features.close();
        await labels.close();
        npz.close();
      },
    };
    const open = (name: string) =>
      npz.array(name, 'slices').catch((e: unknown) => {
        throw namingInput(e, 'slices');
      });
    return { set, columns: { open, file: () => path, ownFiles: false } };
  } catch (e) {
    npz.close();
    throw e;
  }
}

/**
 * An .npy file of the set that cannot be opened. Where it is not a readable regular file (missing,
 * a directory, a FIFO), the fault is eval-data's, unless the features or labels input chose another
 * name; what it holds is the fault of the input that chose it.
 */
function arrayFileError(e: unknown, input: ArrayInput, name: string): unknown {
  const cause = e instanceof UserError ? (e.cause as NodeJS.ErrnoException | undefined) : undefined;
  if (!(e instanceof UserError) || typeof cause?.code !== 'string') return namingInput(e, input);
  const at = name === input ? 'eval-data' : input;
  return inputError(at, `the ${input} file ${e.file} ${fileProblem(cause, 'an .npy file')}.`, {
    file: e.file,
    hint: at === 'eval-data' ? EVAL_DATA_HINT : `Input ${input} names a file in eval-data (without .npy) or a key of the .npz.`,
    cause,
  });
}

/** Input slices as a list of column names: none empty, none twice. */
function checkSliceInput(slices: string[]): string[] {
  const seen = new Set<string>();
  for (const name of slices) {
    if (name.trim() === '')
      throw inputError('slices', 'a column name is empty.', { hint: 'Name one column per line (or comma-separated).' });
    if (seen.has(name)) throw inputError('slices', `names column '${name}' twice.`);
    seen.add(name);
  }
  return slices;
}

/**
 * The set with its slice columns and their names opened and checked; on any error, everything
 * opened so far (the features and labels too) is closed before the error is thrown.
 */
async function withSlices({ set, columns }: OpenedSet, slices: string[], sliceNamesPath: string | undefined): Promise<EvalSet> {
  const opened: SliceColumn[] = [];
  try {
    const names = sliceNamesPath === undefined ? new Map<string, Map<number, string>>() : await readSliceNames(sliceNamesPath, slices);
    for (const name of slices) opened.push(await openSliceColumn(columns, name, names.get(name), set.features));
  } catch (e) {
    for (const column of opened) await column.close();
    await set.close();
    throw e;
  }
  return {
    ...set,
    slices: opened,
    files: columns.ownFiles ? [...set.files, ...slices.map((name) => columns.file(name))] : set.files,
    close: async () => {
      for (const column of opened) await column.close();
      await set.close();
    },
  };
}

/** Opens column `name` and checks it holds one integer code per row of the features (closed again if not). */
async function openSliceColumn(columns: ColumnSource, name: string, names: Map<number, string> | undefined, features: NpyArray) {
  const open = async (): Promise<NpyArray> => {
    const array = await columns.open(name);
    try {
      checkSliceArray(array, name, columns.file(name), features);
      return array;
    } catch (e) {
      await array.close();
      throw e;
    }
  };
  return new SliceCodeColumn(name, columns.file(name), await open(), names, open);
}

/** What a slice column must be: one code per feature row ([rows] or [rows, 1]), integers or bools. */
function checkSliceArray(array: NpyArray, name: string, file: string, features: NpyArray): void {
  const column = `the slice column '${name}' in ${array.label}`;
  if (array.rows !== features.rows) {
    throw inputError(
      'slices',
      `${column} has ${array.rows} rows but the features in ${features.label} have ${features.rows}; each row needs one code.`,
      {
        file,
      },
    );
  }
  if (!(array.shape.length === 1 || (array.shape.length === 2 && array.shape[1] === 1))) {
    throw inputError('slices', `${column} has shape ${formatShape(array.shape)}; expected [rows] or [rows, 1], one code per row.`, {
      file,
      hint: 'Save each slice column as its own 1-D array.',
    });
  }
  if (array.dtype.kind === 'f') {
    throw inputError('slices', `${column} holds ${describeDType(array.dtype)}; expected integer codes (or bools).`, {
      file,
      hint: "Save integer codes, e.g. df['region'].astype('category').cat.codes.to_numpy() with pandas, and name them in slice-names.",
    });
  }
}

/**
 * A slice column's codes, read in batches. 8-byte integers are read as 64-bit integers and checked
 * by their two 32-bit halves (exact, and without a detour through a double per row); every other
 * dtype fits a double exactly.
 */
class SliceCodeColumn implements SliceColumn {
  private readonly wide: boolean;
  private doubles = new Float64Array(0);
  private integers: BigInt64Array | BigUint64Array = new BigInt64Array(0);
  /** `integers` as 32-bit halves, low half first on a little-endian host. */
  private halves: Int32Array<ArrayBufferLike> = new Int32Array(0);

  constructor(
    readonly name: string,
    readonly file: string,
    readonly array: NpyArray,
    readonly names: Map<number, string> | undefined,
    private readonly openArray: () => Promise<NpyArray>,
  ) {
    this.wide = array.dtype.kind !== 'b' && array.dtype.size === 8;
  }

  async readCodes(start: number, n: number, out: Int32Array): Promise<void> {
    if (this.wide) return this.readWide(start, n, out);
    if (this.doubles.length < n) this.doubles = new Float64Array(n);
    const values = this.doubles;
    await this.array.readRows(start, n, values);
    for (let i = 0; i < n; i++) {
      const code = values[i];
      if (!(code >= 0 && code < SLICE_CODE_LIMIT && code === Math.floor(code))) throw this.badCode(String(code), start + i);
      out[i] = code;
    }
  }

  private async readWide(start: number, n: number, out: Int32Array): Promise<void> {
    if (this.integers.length < n) {
      this.integers = this.array.dtype.kind === 'u' ? new BigUint64Array(n) : new BigInt64Array(n);
      this.halves = new Int32Array(this.integers.buffer);
    }
    await this.array.readRows(start, n, this.integers);
    const halves = this.halves;
    const low = HOST_LITTLE_ENDIAN ? 0 : 1;
    for (let i = 0; i < n; i++) {
      const code = halves[2 * i + low];
      if (halves[2 * i + 1 - low] !== 0 || code < 0 || code >= SLICE_CODE_LIMIT) throw this.badCode(String(this.integers[i]), start + i);
      out[i] = code;
    }
  }

  private badCode(value: string, row: number): UserError {
    return inputError(
      'slices',
      `the slice column '${this.name}' in ${this.array.label} holds ${value} at row ${row}; expected a code from 0 to ${SLICE_CODE_LIMIT - 1}.`,
      {
        file: this.file,
        hint:
          'Codes index arrays of per-slice counts, so each is a small integer from 0: number the slices 0, 1, 2, ... ' +
          '(pandas .cat.codes writes -1 for a missing value: give those rows a code of their own) and name them in slice-names.',
      },
    );
  }

  async reopen(): Promise<SliceColumn> {
    return new SliceCodeColumn(this.name, this.file, await this.openArray(), this.names, this.openArray);
  }

  close(): Promise<void> {
    return this.array.close();
  }
}

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A slice column of the directory layout that cannot be opened: a missing one lists the arrays there are. */
async function columnFileError(e: unknown, dir: string, name: string): Promise<unknown> {
  const cause = e instanceof UserError ? (e.cause as NodeJS.ErrnoException | undefined) : undefined;
  if (!(e instanceof UserError) || typeof cause?.code !== 'string') return namingInput(e, 'slices');
  const file = npyFile(dir, name);
  let message = `the slice column '${name}' file ${file} ${fileProblem(cause, 'an .npy file')}`;
  if (cause.code === 'ENOENT') {
    const arrays = (await readdir(dir).catch(() => []))
      .filter((f) => f.endsWith('.npy'))
      .map((f) => f.slice(0, -4))
      .sort();
    message += `; ${dir} holds: ${arrays.join(', ') || 'no .npy file'}`;
  }
  return inputError('slices', `${message}.`, {
    file,
    hint: 'Input slices names .npy files beside the features (without .npy), or keys of the .npz.',
    cause,
  });
}

/** The most bytes read of a slice-names file (64 MiB): names for every code below SLICE_CODE_LIMIT fit. */
const MAX_SLICE_NAMES_BYTES = 64 * 2 ** 20;

const SLICE_NAMES_EXAMPLE = 'e.g. {"region": {"0": "EU", "1": "US"}}';

/** The text of the JSON kinds, as messages name them. */
function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/**
 * Reads the slice-names file: for each column (one input slices lists), the name of each code.
 * Every error names input slice-names and the file.
 */
async function readSliceNames(path: string, slices: string[]): Promise<Map<string, Map<number, string>>> {
  const fail = (message: string, hint?: string) => inputError('slice-names', message, { file: path, hint });
  let json: unknown;
  try {
    json = JSON.parse((await readRegularFile(path, MAX_SLICE_NAMES_BYTES)).toString('utf8'));
  } catch (e) {
    if (e instanceof SyntaxError) throw fail(`${path} is not valid JSON (${messageOf(e)}).`);
    throw fail(`the slice-names file ${path} ${fileProblem(e, 'a JSON file')}.`);
  }
  if (jsonKind(json) !== 'an object') {
    throw fail(`${path} holds ${jsonKind(json)}; expected an object of slice columns, ${SLICE_NAMES_EXAMPLE}.`);
  }
  const result = new Map<string, Map<number, string>>();
  for (const [column, codes] of Object.entries(json as Record<string, unknown>)) {
    if (!slices.includes(column)) {
      const listed = slices.length ? `it lists: ${slices.join(', ')}` : 'it is empty';
      throw fail(
        `${path} names codes of column '${column}', which input slices does not list (${listed}).`,
        'Add the column to slices, or remove it from the file.',
      );
    }
    result.set(column, codeNames(codes, column, fail));
  }
  return result;
}

/** One column's entry of the slice-names file: code (a non-negative integer, as a key) -> name. */
function codeNames(codes: unknown, column: string, fail: (message: string) => UserError): Map<number, string> {
  if (jsonKind(codes) !== 'an object')
    throw fail(`column '${column}' holds ${jsonKind(codes)}; expected an object of code -> name, ${SLICE_NAMES_EXAMPLE}.`);
  const names = new Map<number, string>();
  for (const [key, name] of Object.entries(codes as Record<string, unknown>)) {
    const code = /^(0|[1-9][0-9]*)$/.test(key) ? Number(key) : NaN;
    if (!(code < SLICE_CODE_LIMIT)) {
      throw fail(
        `column '${column}' has code '${key}'; expected an integer from 0 to ${SLICE_CODE_LIMIT - 1} (a code of the column, written without leading zeros).`,
      );
    }
    if (typeof name !== 'string') throw fail(`column '${column}', code ${key}: the name is ${jsonKind(name)}; expected a string.`);
    names.set(code, name);
  }
  return names;
}
