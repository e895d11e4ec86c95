// The ONNX domain: provisioning the native runtime, sessions, batched runs, file inspection.
export * from './runtime.js';
export * from './session.js';
export * from './model-file.js';
export * from './tensor-types.js';
export * from './model-hash.js';
