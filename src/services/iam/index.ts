/** Public surface of services/iam/: the IAM service for the front door and its registry. */
export { IAM_SERVICE } from './service.js';
export { IAM_OPERATIONS } from './registry.js';
