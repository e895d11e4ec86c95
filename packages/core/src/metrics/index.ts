export * from './definitions.js';
export * from './classification.js';
export * from './regression.js';
export * from './significance.js';
