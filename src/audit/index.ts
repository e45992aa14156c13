export {
  auditView,
  buildAuditEvent,
  returnsSecret,
  type AuditEvent,
  type AuditIdentity,
  type AuditInput,
} from './event.js';
export { FileAuditSink, type AuditSink } from './sink.js';
