/**
 * LookupEvents (AWS CloudTrail API Reference): the management events of the caller's account in
 * the request's region, newest first, from the audit journal (audit/lookup.ts). At most one lookup
 * attribute; the time range defaults to the last 90 days; 50 events a page at most and by default.
 * Authorized by `cloudtrail:LookupEvents` in identity policies; recorded itself as a read-only
 * management event of cloudtrail.amazonaws.com.
 */
import { KmsError } from '../../../domain/index.js';
import { cloudtrail } from '../../../model/index.js';
import { eventAccessKeyId, eventUsername, lookupEvents as lookup, type AuditJournal } from '../../../audit/lookup.js';
import type { AuditEvent } from '../../../audit/index.js';
import type { JsonServiceOperation } from '../../../pipeline/json-service.js';

/** "The default number of results returned is 50, with a maximum of 50 possible." */
export const DEFAULT_MAX_RESULTS = 50;

// The model's values and bounds, checked before the model with LookupEvents' own errors.
const KEYS: readonly string[] = cloudtrail.SCHEMA.LookupAttributeKey.enum!;
const CATEGORIES: readonly string[] = cloudtrail.SCHEMA.EventCategory.enum!;
const MIN_RESULTS = cloudtrail.SCHEMA.MaxResults.min!;
const MAX_RESULTS = cloudtrail.SCHEMA.MaxResults.max!;

const invalidAttributes = (message: string): KmsError => new KmsError('InvalidLookupAttributesException', message);

/**
 * CloudTrail's own checks, made before the model's constraints: the errors LookupEvents declares
 * rather than a ValidationException.
 */
function precheck(input: cloudtrail.LookupEventsRequest): void {
  const attributes = input.LookupAttributes ?? [];
  if (attributes.length > 1) {
    throw invalidAttributes('You can specify only one lookup attribute.');
  }
  for (const { AttributeKey: key, AttributeValue: value } of attributes) {
    if (key !== undefined && !KEYS.includes(key)) {
      throw invalidAttributes(`Invalid attribute key: ${key}. Valid keys are: ${KEYS.join(', ')}.`);
    }
    if (value !== undefined && value === '') {
      throw invalidAttributes(`The attribute value of ${key ?? 'the lookup attribute'} must not be empty.`);
    }
  }
  if (input.EventCategory !== undefined && !CATEGORIES.includes(input.EventCategory)) {
    throw new KmsError('InvalidEventCategoryException', `Invalid event category: ${String(input.EventCategory)}.`);
  }
  if (input.MaxResults !== undefined && (input.MaxResults < MIN_RESULTS || input.MaxResults > MAX_RESULTS)) {
    throw new KmsError(
      'InvalidMaxResultsException',
      `MaxResults must be between ${MIN_RESULTS} and ${MAX_RESULTS}, but was ${input.MaxResults}.`,
    );
  }
  if (input.StartTime && input.EndTime && input.StartTime.getTime() > input.EndTime.getTime()) {
    throw new KmsError('InvalidTimeRangeException', 'The start time must not be after the end time.');
  }
}

/** An audit event as LookupEvents shows it: its lookup fields beside the whole record. */
export function lookupEvent(event: AuditEvent): cloudtrail.Event {
  const username = eventUsername(event);
  const accessKeyId = eventAccessKeyId(event);
  return {
    EventId: event.eventID,
    EventName: event.eventName,
    ReadOnly: String(event.readOnly),
    ...(accessKeyId !== undefined ? { AccessKeyId: accessKeyId } : {}),
    EventTime: new Date(event.eventTime),
    EventSource: event.eventSource,
    ...(username !== undefined ? { Username: username } : {}),
    Resources: (event.resources ?? []).map((r) => ({ ResourceType: r.type, ResourceName: r.ARN })),
    CloudTrailEvent: JSON.stringify(event),
  };
}

export function lookupEventsOperation(
  journal: AuditJournal,
): JsonServiceOperation<cloudtrail.LookupEventsRequest, cloudtrail.LookupEventsResponse> {
  return {
    name: 'LookupEvents',
    action: 'cloudtrail:LookupEvents',
    readOnly: true,
    precheck,
    async run({ input, caller, now }) {
      const attribute = input.LookupAttributes?.[0];
      const page = await lookup(journal, {
        accountId: caller.principal.accountId,
        region: caller.region,
        attribute: attribute ? { key: attribute.AttributeKey, value: attribute.AttributeValue } : undefined,
        startTime: input.StartTime,
        endTime: input.EndTime,
        eventCategory: input.EventCategory,
        maxResults: input.MaxResults ?? DEFAULT_MAX_RESULTS,
        nextToken: input.NextToken,
        now,
      });
      return {
        Events: page.events.map(lookupEvent),
        ...(page.nextToken !== undefined ? { NextToken: page.nextToken } : {}),
      };
    },
  };
}
