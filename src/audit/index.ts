export {
  auditView,
  buildAuditEvent,
  buildServiceEvent,
  responseDate,
  returnsSecret,
  type AuditEvent,
  type AuditIdentity,
  type AuditInput,
  type ServiceEventInput,
} from './event.js';
export { FileAuditSink, type AuditSink } from './sink.js';
