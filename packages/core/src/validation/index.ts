// The validation domain (validate-onnx): static and runtime checks of an exported model and its report.
export * from './check.js';
export * from './signature.js';
export * from './support.js';
export * from './tolerance.js';
export * from './external-data.js';
export * from './static-checks.js';
export * from './runtime-checks.js';
export * from './validate.js';
export * from './validation-report.js';
