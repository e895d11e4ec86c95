import { UserError } from '../errors.js';
import { describeDType, parseDType, type DType } from './dtype.js';
import type { ByteSource } from './source.js';
import { MAX_HEADER_CHARS, parseNpyHeaderDict } from './header-literal.js';

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

/** The header length field's size and the text encoding, per format version (numpy's _header_size_info). */
const VERSIONS: Record<number, { lengthBytes: 2 | 4; encoding: 'latin1' | 'utf-8' }> = {
  1: { lengthBytes: 2, encoding: 'latin1' },
  2: { lengthBytes: 4, encoding: 'latin1' },
  3: { lengthBytes: 4, encoding: 'utf-8' },
};

/** numpy decodes format 1.0 and 2.0 headers as ISO-8859-1 (TextDecoder's 'latin1' is windows-1252). */
function decodeHeader(raw: Uint8Array, encoding: 'latin1' | 'utf-8'): string | undefined {
  if (encoding === 'latin1') return Array.from(raw, (b) => String.fromCharCode(b)).join('');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    return undefined;
  }
}

/** The magic, the version and the header text: everything before the dictionary is read. */
async function readHeaderText(source: ByteSource): Promise<{ text: string; major: number; dataOffset: number }> {
  const label = source.label;
  if (source.size < 10) throw corrupt(label, `it is only ${source.size} bytes long`);
  const preamble = new Uint8Array(12);
  await source.read(0, preamble.subarray(0, 10));
  if (!MAGIC.every((b, i) => preamble[i] === b)) throw corrupt(label, 'it does not start with the \\x93NUMPY magic');
  const [major, minor] = [preamble[6], preamble[7]];
  const version = VERSIONS[major];
  if (!version || minor !== 0) throw corrupt(label, `format version ${major}.${minor} is unknown (numpy writes 1.0, 2.0 and 3.0)`);
  if (version.lengthBytes === 4) {
    if (source.size < 12) throw corrupt(label, `it is only ${source.size} bytes long`);
    await source.read(10, preamble.subarray(10, 12));
  }
  const headerStart = 8 + version.lengthBytes;
  const headerLength = version.lengthBytes === 2 ? preamble[8] | (preamble[9] << 8) : new DataView(preamble.buffer).getUint32(8, true);
  // checked before anything is allocated: a UTF-8 character takes at most 4 bytes
  const maxBytes = version.encoding === 'utf-8' ? 4 * MAX_HEADER_CHARS : MAX_HEADER_CHARS;
  if (headerLength > maxBytes)
    throw corrupt(label, `its header is ${headerLength} bytes long; numpy reads at most ${MAX_HEADER_CHARS} characters`);
  if (headerStart + headerLength > source.size) throw corrupt(label, 'the header runs past the end of the file');
  const raw = new Uint8Array(headerLength);
  await source.read(headerStart, raw);
  const text = decodeHeader(raw, version.encoding);
  if (text === undefined) throw corrupt(label, 'its format 3.0 header is not valid UTF-8');
  return { text, major, dataOffset: headerStart + headerLength };
}

/** The data must be exactly as long as the header says: shorter is cut off, longer is not numpy's writing. */
function checkDataLength(label: string, source: ByteSource, dtype: DType, shape: readonly number[], dataOffset: number): void {
  // exact, whatever the sizes: a shape's product can pass 2^53 long before it is refused
  const dataBytes = shape.reduce((n, d) => n * BigInt(d), 1n) * BigInt(dtype.size);
  const expected = BigInt(dataOffset) + dataBytes;
  const actual = BigInt(source.size);
  if (actual === expected) return;
  const promise = `its header promises shape (${shape.join(', ')}) of ${describeDType(dtype)}, ${expected} bytes in all`;
  if (actual < expected) {
    throw new UserError(`${label} is truncated: ${promise}, but it holds ${actual}.`, {
      file: label,
      hint: 'The file was probably cut short while being written or copied; write it again with numpy.',
    });
  }
  throw new UserError(`${label} has ${actual - expected} bytes after its data: ${promise}, but it holds ${actual}.`, {
    file: label,
    hint: 'numpy.save never writes them (numpy.load would ignore them; this reader refuses a file that is not what it says). Write it again with numpy.',
  });
}

/**
 * Reads and validates the header of a `.npy` stream (format versions 1.0, 2.0 and 3.0) exactly as
 * numpy does (header-literal.ts), and checks that the data is exactly as long as it says, before
 * anything of the data is read or allocated.
 */
export async function readNpyHeader(source: ByteSource): Promise<NpyHeader> {
  const label = source.label;
  const { text, major, dataOffset } = await readHeaderText(source);
  const dict = parseNpyHeaderDict(text, major);
  if (!dict.ok) throw corrupt(label, dict.error);
  const { descr, fortranOrder, shape } = dict.value;
  const dtype = parseDType(descr);
  if (!dtype) {
    throw new UserError(`${label} holds dtype '${descr}', which this reader does not take as features or labels.`, {
      file: label,
      hint: "Supported: float16/32/64, int8-64, uint8-64 and bool, either byte order, written as numpy.save writes them ('<f4', '>i8', '|b1'); numpy reads other spellings too, this reader is stricter.",
    });
  }
  checkDataLength(label, source, dtype, shape, dataOffset);
  return { dtype, fortranOrder, shape, dataOffset };
}
