/** Public surface of services/sts/: the service for the front door, its operations, and helpers. */
export { STS_SERVICE } from './service.js';
export { STS_OPERATIONS, STS_SECRET_SHAPES } from './registry.js';
export { callerIdentity } from './identity.js';
