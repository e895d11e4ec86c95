import { UserError } from '../errors.js';
import { describeDType, parseDType, type DType } from './dtype.js';
import type { ByteSource } from './source.js';
import { elementCount } from '../util/shape.js';

export interface NpyHeader {
  readonly dtype: DType;
  readonly fortranOrder: boolean;
  readonly shape: readonly number[];
  /** Offset of the first data byte. */
  readonly dataOffset: number;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

function corrupt(label: string, what: string): UserError {
  return new UserError(`${label} is not a valid .npy array: ${what}.`, {
    file: label,
    hint: 'Write it with numpy.save (or numpy.savez for an .npz).',
  });
}

/** Reads and validates the header of a `.npy` stream (format versions 1.0, 2.0 and 3.0). */
export async function readNpyHeader(source: ByteSource): Promise<NpyHeader> {
  const label = source.label;
  if (source.size < 10) throw corrupt(label, `it is only ${source.size} bytes long`);
  const preamble = new Uint8Array(12);
  await source.read(0, preamble.subarray(0, 10));
  if (!MAGIC.every((b, i) => preamble[i] === b)) throw corrupt(label, 'it does not start with the \\x93NUMPY magic');
  const major = preamble[6];
  let headerLength: number;
  let headerStart: number;
  if (major === 1) {
    headerLength = preamble[8] | (preamble[9] << 8);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    await source.read(10, preamble.subarray(10, 12));
    headerLength = new DataView(preamble.buffer).getUint32(8, true);
    headerStart = 12;
  } else {
    throw corrupt(label, `format version ${major}.${preamble[7]} is unknown (1.0, 2.0 and 3.0 are supported)`);
  }
  if (headerStart + headerLength > source.size) throw corrupt(label, 'the header runs past the end of the file');
  const raw = new Uint8Array(headerLength);
  await source.read(headerStart, raw);
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(raw);

  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw corrupt(label, `the header ${JSON.stringify(text.trim())} lacks descr, fortran_order or shape`);
  }
  const dtype = parseDType(descr);
  if (!dtype) {
    throw new UserError(
      `${label} holds dtype '${descr}', which cannot be used as features or labels.`,
      { file: label, hint: 'Supported: float16/32/64, int8-64, uint8-64 and bool, either byte order.' },
    );
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => Number(s.replace(/L$/, '')));
  if (shape.some((n) => !Number.isSafeInteger(n) || n < 0)) throw corrupt(label, `the shape (${shapeText}) is not a tuple of sizes`);

  const dataOffset = headerStart + headerLength;
  const elements = elementCount(shape);
  const expected = dataOffset + elements * dtype.size;
  if (source.size < expected) {
    throw new UserError(
      `${label} is truncated: its header promises shape (${shape.join(', ')}) of ${describeDType(dtype)}, ` +
        `${expected} bytes in all, but it holds ${source.size}.`,
      { file: label, hint: 'The file was probably cut short while being written or copied; write it again with numpy.' },
    );
  }
  return { dtype, fortranOrder: fortran === 'True', shape, dataOffset };
}
