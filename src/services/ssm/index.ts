/** Public surface of services/ssm/: Parameter Store for the front door. */
export { SSM_EVENT_SOURCE, parameterStoreService } from './service.js';
export { expireParameters, type ExpiryResult } from './expiry.js';
