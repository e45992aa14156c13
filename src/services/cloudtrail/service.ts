/**
 * CloudTrail behind the front door: AWS JSON 1.1 (X-Amz-Target
 * `com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.<Operation>`, SigV4 service `cloudtrail`)
 * with the model's LookupEvents, reading the server's own audit journal. CloudTrail is regional:
 * a lookup sees the events recorded in the region it is signed for. Every other CloudTrail
 * operation is unknown to Trent (UnknownOperationException).
 */
import type { AuditJournal } from '../../audit/lookup.js';
import { cloudtrail } from '../../model/index.js';
import { jsonService } from '../../pipeline/json-service.js';
import type { AwsService } from '../../pipeline/service.js';
import { QUERY_INTERNAL_ERROR_MESSAGE } from '../../protocol/index.js';
import { lookupEventsOperation } from './operations/lookup-events.js';

export const CLOUDTRAIL_EVENT_SOURCE = 'cloudtrail.amazonaws.com';

export function cloudtrailService(journal: AuditJournal): AwsService {
  return jsonService({
    signingName: 'cloudtrail',
    eventSource: CLOUDTRAIL_EVENT_SOURCE,
    model: cloudtrail,
    operations: { LookupEvents: lookupEventsOperation(journal) } as Parameters<typeof jsonService>[0]['operations'],
    // CloudTrail API Reference, Common Errors: "InternalFailure ... HTTP Status Code: 500".
    internalError: { code: 'InternalFailure', message: QUERY_INTERNAL_ERROR_MESSAGE },
  });
}
