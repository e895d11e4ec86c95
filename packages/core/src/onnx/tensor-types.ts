import type { Tensor } from 'onnxruntime-node';

import type { TargetArray } from '../npy/dtype.js';

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
