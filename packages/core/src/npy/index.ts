export * from './dtype.js';
export * from './source.js';
export * from './header.js';
export * from './array.js';
