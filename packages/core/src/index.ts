// The domain-neutral basics every domain and action shares: the one user-facing error type, how
// numbers, durations and shapes are written, and file hashing. Everything else is entered by
// domain: @ml-gate/core/{npy,onnx,evaluation,validation,smoke,release,github}.
export * from './errors.js';
export * from './util/duration.js';
export * from './util/format.js';
export * from './util/hash.js';
export * from './util/run-info.js';
export * from './util/secrets.js';
export * from './util/shape.js';
