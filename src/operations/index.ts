export { execute } from './pipeline.js';
export { MaterialService } from './materials.js';
export { KeyUsageTracker } from './key-usage.js';
export { TRACKING_START_SETTING } from './get-key-last-usage.js';
export { NOT_YET, REGISTRY } from './registry.js';
export { rotateKey } from './rotate.js';
export type { Caller, Logger, Operation, Services } from './types.js';
