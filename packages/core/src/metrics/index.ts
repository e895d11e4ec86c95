export * from './definitions.js';
export * from './significance.js';
