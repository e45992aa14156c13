export * from './aliases.js';
export * from './arn.js';
export * from './clock.js';
export * from './errors.js';
export * from './key-spec.js';
export * from './key-state.js';
export * from './rules.js';
export type * from './types.js';
