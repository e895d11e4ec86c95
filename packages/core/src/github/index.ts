export * from './inputs.js';
export * from './run.js';
export * from './comment.js';
export * from './report.js';
