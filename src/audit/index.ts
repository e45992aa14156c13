export {
  auditView,
  buildAuditEvent,
  buildParameterPolicyEvent,
  buildServiceEvent,
  crossAccountCopies,
  responseDate,
  returnsSecret,
  type AuditEvent,
  type AuditIdentity,
  type AuditInput,
  type AuditSchema,
  type AuditSource,
  type AwsAccountIdentity,
  type AwsServiceIdentity,
  type EventIdentity,
  type ServiceEventInput,
} from './event.js';
export {
  AuthFailureLimiter,
  DEFAULT_AUTH_FAILURE_LIMITS,
  OTHER_SOURCES,
  type AuthFailureLimits,
} from './auth-failures.js';
export { DEFAULT_MIN_FREE_BYTES, FreeSpaceFloor, statfsFreeBytes, type FreeBytes } from './free-space.js';
export { LIMITS, OMITTED, REDACTED } from './limits.js';
export { DEFAULT_RETENTION_DAYS, fileHour, pruneAuditFiles } from './retention.js';
export { FileAuditSink, type AuditSink, type FileAuditSinkOptions } from './sink.js';
export { DEFAULT_MEMORY_AUDIT_CAPACITY, MemoryAuditSink } from './memory-sink.js';
export {
  AuditDelivery,
  digestSigningString,
  type AuditDeliveryOptions,
  type DeliveredLogFile,
  type DeliveryObserver,
} from './delivery.js';
export {
  DirectoryDestination,
  normalizeKeyPrefix,
  openS3Destination,
  type LogDestination,
  type StoredObject,
} from './destination.js';
export type { S3DestinationOptions } from './s3-destination.js';
export {
  DELIVERY_STATE_FILE,
  DIRECTORY_BUCKET,
  S3_DELIVERY_STATE_FILE,
  PUBLIC_KEY_FILE,
  TRAIL_NAME,
  digestObject,
  logFileObject,
} from './delivery-layout.js';
export {
  DIGEST_KEY_SETTING,
  digestKeyFromPrivate,
  loadOrCreateDigestKey,
  publicKeyFingerprint,
  type DigestKey,
} from './digest-key.js';
export {
  validateAuditDir,
  validateTrail,
  type ValidateOptions,
  type ValidateResult,
  type ValidateTrailOptions,
} from './validate.js';
