// The smoke domain (smoke-test): the HTTP client it probes with, the Open Inference Protocol
// client and parity against the local model, the smoke test and its report.
export * from '../http/body.js';
export * from '../http/body-match.js';
export * from '../http/headers.js';
export * from '../http/json-path.js';
export * from '../http/redact.js';
export * from '../http/request.js';
export * from '../http/retry.js';
export * from '../http/stats.js';
export * from '../http/status.js';
export * from '../http/text.js';
export * from '../http/text-file.js';
export * from '../http/user-regex.js';
export * from '../oip/protocol.js';
export * from '../oip/parity.js';
export * from '../oip/sample.js';
export * from '../oip/local-model.js';
export * from './smoke-options.js';
export * from './smoke-test.js';
export * from './smoke-report.js';
export * from './smoke-markdown.js';
export * from './smoke-gate.js';
