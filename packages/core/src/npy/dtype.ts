/** numpy dtypes that can hold features or labels, parsed from a `.npy` header's `descr`. */
export type DTypeKind = 'f' | 'i' | 'u' | 'b';

export interface DType {
  /** As numpy writes it, e.g. `<f4`, `>i8`, `|b1`. */
  readonly descr: string;
  readonly kind: DTypeKind;
  /** Bytes per element. */
  readonly size: number;
  readonly littleEndian: boolean;
}

const SIZES: Record<DTypeKind, readonly number[]> = {
  f: [2, 4, 8],
  i: [1, 2, 4, 8],
  u: [1, 2, 4, 8],
  b: [1],
};

/** Parses a dtype string; returns undefined for anything this project does not read. */
export function parseDType(descr: string): DType | undefined {
  const m = /^([<>|=])([fiub])(\d+)$/.exec(descr);
  if (!m) return undefined;
  const kind = m[2] as DTypeKind;
  const size = Number(m[3]);
  if (!SIZES[kind].includes(size)) return undefined;
  // '|' (not applicable) and '=' (native) only occur for single bytes in files numpy writes;
  // every platform numpy targets in practice is little-endian.
  return { descr, kind, size, littleEndian: m[1] !== '>' };
}

export function describeDType(d: DType): string {
  const names: Record<DTypeKind, string> = { f: 'float', i: 'int', u: 'uint', b: 'bool' };
  const base = d.kind === 'b' ? 'bool' : `${names[d.kind]}${d.size * 8}`;
  return d.size > 1 ? `${base} (${d.littleEndian ? 'little' : 'big'}-endian)` : base;
}

/** Typed arrays a batch can be decoded into (the element types of ONNX tensors we feed). */
export type NumberArray = Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;
export type BigIntArray = BigInt64Array | BigUint64Array;
export type TargetArray = NumberArray | BigIntArray;

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Whether `out`'s elements are exactly this dtype's bytes on this host (a plain copy will do). */
function sameLayout(d: DType, out: TargetArray): boolean {
  if (d.size > 1 && d.littleEndian !== HOST_LITTLE_ENDIAN) return false;
  switch (d.kind) {
    case 'f':
      return (d.size === 4 && out instanceof Float32Array) || (d.size === 8 && out instanceof Float64Array);
    case 'i':
      return (
        (d.size === 1 && out instanceof Int8Array) ||
        (d.size === 2 && out instanceof Int16Array) ||
        (d.size === 4 && out instanceof Int32Array) ||
        (d.size === 8 && out instanceof BigInt64Array)
      );
    case 'u':
      return (
        (d.size === 1 && out instanceof Uint8Array) ||
        (d.size === 2 && out instanceof Uint16Array) ||
        (d.size === 4 && out instanceof Uint32Array) ||
        (d.size === 8 && out instanceof BigUint64Array)
      );
    case 'b':
      return false;
  }
}

/** IEEE 754 half precision to a JavaScript number. */
export function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function reader(d: DType): (view: DataView, byteOffset: number) => number {
  const le = d.littleEndian;
  switch (`${d.kind}${d.size}`) {
    case 'f2':
      return (v, o) => halfToNumber(v.getUint16(o, le));
    case 'f4':
      return (v, o) => v.getFloat32(o, le);
    case 'f8':
      return (v, o) => v.getFloat64(o, le);
    case 'i1':
      return (v, o) => v.getInt8(o);
    case 'i2':
      return (v, o) => v.getInt16(o, le);
    case 'i4':
      return (v, o) => v.getInt32(o, le);
    case 'i8':
      return (v, o) => Number(v.getBigInt64(o, le));
    case 'u1':
      return (v, o) => v.getUint8(o);
    case 'u2':
      return (v, o) => v.getUint16(o, le);
    case 'u4':
      return (v, o) => v.getUint32(o, le);
    case 'u8':
      return (v, o) => Number(v.getBigUint64(o, le));
    case 'b1':
      return (v, o) => (v.getUint8(o) === 0 ? 0 : 1);
    default:
      throw new Error(`no reader for dtype ${d.descr}`);
  }
}

function toBigInt(x: number): bigint {
  // numpy's float -> int cast truncates toward zero; NaN and infinities have no integer value.
  return Number.isFinite(x) ? BigInt(Math.trunc(x)) : 0n;
}

/**
 * Decodes `count` elements of dtype `d` from `bytes` into `out[outOffset...]`, converting the
 * way numpy's `astype` does (float -> int truncates, bool -> 0/1); `asBool`: `out` holds a bool
 * tensor (0/1 bytes), so every non-zero value becomes 1.
 */
export function decodeInto(d: DType, bytes: Uint8Array, count: number, out: TargetArray, outOffset = 0, asBool = false): void {
  const nbytes = count * d.size;
  if (bytes.byteLength < nbytes) throw new Error(`decodeInto: ${bytes.byteLength} bytes < ${nbytes}`);
  if (asBool && d.kind !== 'b') {
    // astype(bool): any value but 0 is True (NaN too); a plain Uint8Array store would wrap 256 to 0
    const view = new DataView(bytes.buffer, bytes.byteOffset, nbytes);
    const get = reader(d);
    for (let i = 0; i < count; i++) (out as NumberArray)[outOffset + i] = get(view, i * d.size) !== 0 ? 1 : 0;
    return;
  }
  if (sameLayout(d, out)) {
    new Uint8Array(out.buffer, out.byteOffset + outOffset * d.size, nbytes).set(bytes.subarray(0, nbytes));
    return;
  }
  // A host-order float/int source viewed in place, then converted by typed-array assignment.
  if (
    (d.size === 1 || d.littleEndian === HOST_LITTLE_ENDIAN) &&
    !(out instanceof BigInt64Array || out instanceof BigUint64Array) &&
    bytes.byteOffset % d.size === 0
  ) {
    const src = viewOf(d, bytes, count);
    if (src) {
      out.set(src, outOffset);
      return;
    }
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, nbytes);
  if ((out instanceof BigInt64Array || out instanceof BigUint64Array) && d.size === 8 && d.kind !== 'f') {
    // 64-bit integers stay exact (no detour through a double); signed <-> unsigned wraps as numpy does
    for (let i = 0; i < count; i++) {
      const v = d.kind === 'i' ? view.getBigInt64(i * 8, d.littleEndian) : view.getBigUint64(i * 8, d.littleEndian);
      out[outOffset + i] = out instanceof BigInt64Array ? BigInt.asIntN(64, v) : BigInt.asUintN(64, v);
    }
    return;
  }
  const get = reader(d);
  if (out instanceof BigInt64Array || out instanceof BigUint64Array) {
    for (let i = 0; i < count; i++) out[outOffset + i] = toBigInt(get(view, i * d.size));
  } else {
    for (let i = 0; i < count; i++) out[outOffset + i] = get(view, i * d.size);
  }
}

/** A typed-array view of host-order bytes, for the dtypes JavaScript has a view type for. */
function viewOf(d: DType, bytes: Uint8Array, count: number): ArrayLike<number> | undefined {
  const b = bytes.buffer;
  const o = bytes.byteOffset;
  switch (`${d.kind}${d.size}`) {
    case 'f4':
      return new Float32Array(b, o, count);
    case 'f8':
      return new Float64Array(b, o, count);
    case 'i1':
      return new Int8Array(b, o, count);
    case 'i2':
      return new Int16Array(b, o, count);
    case 'i4':
      return new Int32Array(b, o, count);
    case 'u1':
      return new Uint8Array(b, o, count);
    case 'u2':
      return new Uint16Array(b, o, count);
    case 'u4':
      return new Uint32Array(b, o, count);
    default:
      return undefined;
  }
}
