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

export interface AuditEvent {
  eventVersion: '1.08';
  userIdentity: AuditIdentity | null;
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
  requestID: string;
  eventID: string;
  readOnly: boolean;
  resources?: { accountId: string; type: 'AWS::KMS::Key'; ARN: string }[];
  eventType: 'AwsApiCall';
  managementEvent: boolean;
  recipientAccountId: string;
  eventCategory: 'Management';
}

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
}

const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

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
        if (v !== undefined) out[lowerFirst(name)] = v;
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
      return value instanceof Date ? value.toISOString() : undefined;
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
    eventVersion: '1.08',
    userIdentity: a.identity ?? null,
    eventTime: a.time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: 'kms.amazonaws.com',
    eventName: a.operation ?? 'Unknown',
    awsRegion: a.region,
    sourceIPAddress: a.sourceIp,
    userAgent: a.userAgent,
    ...(a.error ? { errorCode: a.error.code, errorMessage: a.error.message } : {}),
    requestParameters: request && Object.keys(request).length ? request : null,
    responseElements: response && Object.keys(response as object).length ? response : null,
    requestID: a.requestId,
    eventID: randomUUID(),
    readOnly: a.readOnly,
    ...(a.keyArns.length
      ? {
          resources: a.keyArns.map((ARN) => ({
            accountId: ARN.split(':')[4] ?? '',
            type: 'AWS::KMS::Key' as const,
            ARN,
          })),
        }
      : {}),
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: accountId,
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
