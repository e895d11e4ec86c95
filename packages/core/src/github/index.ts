export * from './inputs.js';
export * from './run-action.js';
export * from './pr-comment.js';
export * from './reported-action.js';
export * from './secrets.js';
