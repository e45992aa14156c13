/**
 * KMS on a caller's behalf, for the other services behind the front door (Parameter Store), as an
 * AWS service calls KMS with the caller's forward access session: the request is the caller's,
 * authorized as the caller's with kms:ViaService naming the service, and recorded as a KMS event
 * of its own whose userIdentity is the caller's with `invokedBy` the service
 * (KMS Developer Guide, "How AWS services use AWS KMS"; CloudTrail userIdentity element).
 */
import { randomUUID } from 'node:crypto';
import { buildAuditEvent, crossAccountCopies, type AuditSink } from '../audit/index.js';
import { KmsError } from '../domain/index.js';
import type { OperationName } from '../model/index.js';
import { auditIdentity } from './audit-identity.js';
import type { AwsService } from './service.js';
import type { Caller, InvokedKmsOperation, ServiceInvoker, Services } from './types.js';

/** KMS's refusal of a call made on a caller's behalf, with the KMS request's id (its event's requestID). */
export class OnBehalfError extends KmsError {
  constructor(
    cause: KmsError,
    readonly requestId: string,
  ) {
    super(cause.code, cause.message);
  }
}

export interface ServiceInvokerOptions {
  /** The KMS service the front door serves (services/kms). */
  kms: AwsService;
  audit: AuditSink;
  /** The services, once they exist (they hold this invoker). */
  services: () => Services;
}

export function createServiceInvoker(opts: ServiceInvokerOptions): ServiceInvoker {
  const { kms, audit } = opts;
  return {
    async kms(operation: InvokedKmsOperation, input: Record<string, unknown>, caller: Caller, via: 'ssm') {
      const services = opts.services();
      const servicePrincipal = `${via}.amazonaws.com`;
      const time = services.clock.now();
      const inner: Caller = {
        principal: caller.principal,
        region: caller.region,
        requestId: randomUUID(),
        sourceIp: servicePrincipal,
        secure: true,
        time,
        keyArns: [],
        via: { principal: servicePrincipal, viaService: `${via}.${caller.region}.amazonaws.com` },
      };
      const facts = kms.facts(operation);
      let output: Record<string, unknown> | undefined;
      let failure: unknown;
      try {
        kms.validate(operation, input);
        output = (await kms.execute(operation, input, inner, services)) as Record<string, unknown>;
      } catch (err) {
        failure = err;
      }
      let error: { code: string; message: string } | undefined;
      if (failure !== undefined) {
        const res = kms.error(failure, inner.requestId);
        if (res.log)
          services.logger.error({ requestId: inner.requestId, operation, err: res.log.error }, 'internal error');
        error = { code: res.code, message: failure instanceof KmsError ? failure.message : '' };
      }
      const event = buildAuditEvent({
        operation,
        source: {
          eventSource: kms.eventSource,
          schema: kms.schema,
          inputShape: facts?.inputShape,
          outputShape: facts?.outputShape,
        },
        requestId: inner.requestId,
        time,
        region: caller.region,
        sourceIp: servicePrincipal,
        userAgent: servicePrincipal,
        identity: { ...auditIdentity(caller.principal), invokedBy: servicePrincipal },
        input: facts?.auditDefaults ? { ...facts.auditDefaults(input), ...input } : input,
        output,
        readOnly: facts?.readOnly ?? true,
        keyArns: inner.keyArns,
        error,
        additionalEventData: inner.additionalEventData,
      });
      const durable = !error && facts !== undefined && (!facts.readOnly || facts.returnsSecret);
      const copies = crossAccountCopies(event);
      const recorded =
        copies.length === 0
          ? audit.record(event, durable)
          : Promise.all([event, ...copies].map((e) => audit.record(e, durable))).then(() => undefined);
      // Settled by the front door with the request's own event; until then a failure is held, not unhandled.
      recorded.catch(() => undefined);
      (caller.onBehalf ??= []).push(recorded);
      services.metering?.note({
        accountId: caller.principal.accountId,
        region: caller.region,
        service: kms.signingName,
        operation,
        keyArns: inner.keyArns,
        time,
        input,
      });
      if (!error) services.usage.note(operation as OperationName, inner.keyArns, time, event.eventID, inner.requestId);
      if (failure instanceof KmsError) throw new OnBehalfError(failure, inner.requestId);
      if (failure !== undefined) throw failure;
      return output ?? {};
    },
  };
}
