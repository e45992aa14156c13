export { execute } from './pipeline.js';
export { MaterialService } from './materials.js';
export {
  CustomKeyStores,
  KeyStoreUnavailableError,
  type ConfiguredCluster,
  type ConnectionState,
  type ConnectionStatus,
} from './custom-key-stores.js';
export { KeyUsageTracker } from './key-usage.js';
export { TRACKING_START_SETTING } from './operations/get-key-last-usage.js';
export { NOT_YET, REGISTRY } from './registry.js';
export { rotateKey } from './rotate.js';
export { deleteImportedMaterial } from './imported-material.js';
export { destroyInStore } from './hsm-keys.js';
export { finishReplicaDeletions, finishTransitions } from './multi-region.js';
export type { Caller, Logger, Operation, Services } from './types.js';
export { KMS_SERVICE } from './service.js';
export {
  explainKeyAccess,
  principalOfArn,
  type ExplainAnswer,
  type ExplainQuestion,
  type ExplainServices,
} from './explain.js';
export { TRENT_SERVICE } from './trent-api.js';
export { forgetGrants } from './grants.js';
