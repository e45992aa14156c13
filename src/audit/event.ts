/**
 * Audit events in CloudTrail's shape for KMS. Request parameters and response elements are derived
 * from the model: blobs and sensitive members are never copied, so plaintext, ciphertext and data
 * keys cannot reach an event.
 */
import { randomUUID } from 'node:crypto';
import { SCHEMA, type ShapeName, OPERATIONS, type OperationName } from '../model/index.js';

export interface AuditIdentity {
  type: string;
  principalId: string;
  arn: string;
  accountId: string;
  accessKeyId: string;
}

/** Who caused a service event: KMS itself, on behalf of the key's account. */
export interface AwsInternalIdentity {
  accountId: string;
  invokedBy: 'AWS Internal';
}

export interface AuditEvent {
  eventVersion: typeof EVENT_VERSION;
  userIdentity: AuditIdentity | AwsInternalIdentity | null;
  eventTime: string;
  eventSource: 'kms.amazonaws.com';
  eventName: string;
  awsRegion: string;
  sourceIPAddress: string;
  userAgent: string;
  errorCode?: string;
  errorMessage?: string;
  requestParameters: unknown;
  responseElements: unknown;
  additionalEventData?: Record<string, string>;
  requestID?: string;
  eventID: string;
  readOnly: boolean;
  resources?: { accountId: string; type: 'AWS::KMS::Key'; ARN: string }[];
  eventType: 'AwsApiCall' | 'AwsServiceEvent';
  managementEvent: boolean;
  recipientAccountId: string;
  serviceEventDetails?: Record<string, string>;
  eventCategory: 'Management';
}

/** The CloudTrail record version KMS writes today ("The current version is 1.11"). */
const EVENT_VERSION = '1.11';

export interface AuditInput {
  operation: OperationName | undefined;
  requestId: string;
  time: Date;
  region: string;
  sourceIp: string;
  userAgent: string;
  identity?: AuditIdentity | undefined;
  input?: unknown;
  output?: unknown;
  readOnly: boolean;
  keyArns: readonly string[];
  error?: { code: string; message: string } | undefined;
  additionalEventData?: Record<string, string> | undefined;
}

/**
 * CloudTrail's member names are Java bean property names: the first letter lowered, unless the
 * first two are capitals (java.beans.Introspector.decapitalize), so `AWSAccountId` stays.
 */
const decapitalize = (s: string): string => (/^[A-Z]{2}/.test(s) ? s : s.charAt(0).toLowerCase() + s.slice(1));

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Dates inside responseElements as CloudTrail writes them for KMS ("Aug 10, 2022, 10:38:27 PM",
 * ct-createkey), in UTC. Formatted by hand: Intl's output differs between ICU versions.
 */
export function responseDate(d: Date): string {
  const h = d.getUTCHours();
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}, ` +
    `${h % 12 || 12}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`
  );
}

const eventTime = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

const keyResource = (ARN: string) => ({ accountId: ARN.split(':')[4] ?? '', type: 'AWS::KMS::Key' as const, ARN });

/** A copy of `value` with lowerCamel member names and no blob or sensitive member. */
export function auditView(shapeName: string, value: unknown): unknown {
  const shape = SCHEMA[shapeName as ShapeName];
  if (!shape || value === undefined || value === null) return undefined;
  if (shape.sensitive || shape.type === 'blob') return undefined;
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      for (const [name, memberShape] of Object.entries(shape.members ?? {})) {
        const v = auditView(memberShape, (value as Record<string, unknown>)[name]);
        if (v !== undefined) out[decapitalize(name)] = v;
      }
      return out;
    }
    case 'list':
      return Array.isArray(value) ? value.map((v) => auditView(shape.member!, v)) : undefined;
    case 'map': {
      const valueShape = SCHEMA[shape.value as ShapeName];
      return valueShape?.sensitive ? undefined : value;
    }
    case 'timestamp':
      return value instanceof Date ? responseDate(value) : undefined;
    default:
      return value;
  }
}

export function buildAuditEvent(a: AuditInput): AuditEvent {
  const spec = a.operation ? OPERATIONS[a.operation] : undefined;
  const request = spec && a.input !== undefined ? auditView(spec.input, a.input) : undefined;
  const response = !a.readOnly && spec?.output && a.output !== undefined ? auditView(spec.output, a.output) : undefined;
  const accountId = a.identity?.accountId ?? '';
  return {
    eventVersion: EVENT_VERSION,
    userIdentity: a.identity ?? null,
    eventTime: eventTime(a.time),
    eventSource: 'kms.amazonaws.com',
    eventName: a.operation ?? 'Unknown',
    awsRegion: a.region,
    sourceIPAddress: a.sourceIp,
    userAgent: a.userAgent,
    ...(a.error ? { errorCode: a.error.code, errorMessage: a.error.message } : {}),
    requestParameters: request && Object.keys(request).length ? request : null,
    responseElements: response && Object.keys(response as object).length ? response : null,
    ...(a.additionalEventData && Object.keys(a.additionalEventData).length && !a.error
      ? { additionalEventData: a.additionalEventData }
      : {}),
    requestID: a.requestId,
    eventID: randomUUID(),
    readOnly: a.readOnly,
    ...(a.keyArns.length ? { resources: a.keyArns.map(keyResource) } : {}),
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: accountId,
    eventCategory: 'Management',
  };
}

export interface ServiceEventInput {
  eventName: string;
  keyArn: string;
  time: Date;
  details?: Record<string, string> | undefined;
}

/**
 * A non-API event KMS causes itself (ct-rotatekey, ct-delete-key): no caller, no request id, the
 * key as the resource, and the key id in serviceEventDetails.
 */
export function buildServiceEvent(e: ServiceEventInput): AuditEvent {
  const [, , , region = '', accountId = '', resource = ''] = e.keyArn.split(':');
  return {
    eventVersion: EVENT_VERSION,
    userIdentity: { accountId, invokedBy: 'AWS Internal' },
    eventTime: eventTime(e.time),
    eventSource: 'kms.amazonaws.com',
    eventName: e.eventName,
    awsRegion: region,
    sourceIPAddress: 'AWS Internal',
    userAgent: 'AWS Internal',
    requestParameters: null,
    responseElements: null,
    eventID: randomUUID(),
    readOnly: false,
    resources: [keyResource(e.keyArn)],
    eventType: 'AwsServiceEvent',
    managementEvent: true,
    recipientAccountId: accountId,
    serviceEventDetails: { ...e.details, keyId: resource.replace(/^key\//, '') },
    eventCategory: 'Management',
  };
}

/** Operations whose output carries secret material (Plaintext, data keys), from the model once. */
const SECRET_OUTPUTS: ReadonlySet<OperationName> = new Set(
  (Object.keys(OPERATIONS) as OperationName[]).filter((operation) => {
    const output = OPERATIONS[operation].output;
    const shape = output ? SCHEMA[output as ShapeName] : undefined;
    return Object.values(shape?.members ?? {}).some((m) => SCHEMA[m as ShapeName]?.sensitive === true);
  }),
);

/** Outputs that carry secret material must be audited durably before the response. */
export function returnsSecret(operation: OperationName): boolean {
  return SECRET_OUTPUTS.has(operation);
}
