import type { Tensor } from 'onnxruntime-node';

import { halfToNumber, type TargetArray } from '../npy/dtype.js';

type ArrayCtor = new (n: number) => TargetArray;

/** The typed array onnxruntime-node takes for each element type this project feeds. */
export const INPUT_ARRAYS: Partial<Record<Tensor.Type, ArrayCtor>> = {
  float32: Float32Array,
  float64: Float64Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  bool: Uint8Array,
};

export function newInputArray(type: string, length: number): TargetArray | undefined {
  const Ctor = INPUT_ARRAYS[type as Tensor.Type];
  return Ctor ? new Ctor(length) : undefined;
}

/**
 * An output tensor's values as numbers: float16 decoded, 64-bit integers converted; other types as
 * they are. onnxruntime-node gives float16 as the raw bits in a Uint16Array where the runtime has no
 * Float16Array (Node 20), and as a Float16Array of values where it has one (Node 24, the runtime
 * action.yml declares): only bits are decoded.
 */
export function tensorValues(t: Pick<Tensor, 'type' | 'data'>): ArrayLike<number> {
  if (t.type === 'float16' && t.data instanceof Uint16Array) {
    const bits = t.data;
    const values = new Float32Array(bits.length);
    for (let i = 0; i < bits.length; i++) values[i] = halfToNumber(bits[i]);
    return values;
  }
  if (t.data instanceof BigInt64Array || t.data instanceof BigUint64Array) return Float64Array.from(t.data, Number);
  return t.data as ArrayLike<number>;
}

/**
 * The integers each integer element type holds, [min, max + 1), both exact as doubles: one table for
 * every cast to an integer tensor (a sample's values, the local model's feed).
 */
export const INTEGER_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  int8: [-(2 ** 7), 2 ** 7],
  uint8: [0, 2 ** 8],
  int16: [-(2 ** 15), 2 ** 15],
  uint16: [0, 2 ** 16],
  int32: [-(2 ** 31), 2 ** 31],
  uint32: [0, 2 ** 32],
  int64: [-(2 ** 63), 2 ** 63],
  uint64: [0, 2 ** 64],
};
