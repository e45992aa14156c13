/**
 * Audit events in CloudTrail's shape for KMS. Request parameters and response elements are derived
 * from the model: blobs and sensitive members are never copied, so plaintext, ciphertext and data
 * keys cannot reach an event.
 */
import { randomUUID } from 'node:crypto';
import { SCHEMA, type ShapeName, type ShapeSchema, OPERATIONS, type OperationName } from '../model/index.js';
import { boundMember, boundObject, boundString, LIMITS, redact } from './limits.js';

export interface AuditIdentity {
  type: string;
  principalId: string;
  arn: string;
  accountId: string;
  accessKeyId: string;
  /** IAMUser: the user's name. */
  userName?: string;
  /** Temporary credentials (CloudTrail userIdentity element, "sessionContext"). */
  sessionContext?: {
    sessionIssuer?: { type: 'Role'; principalId: string; arn: string; accountId: string; userName: string };
    /** Empty for a role session not federated through web identity (as CloudTrail writes it). */
    webIdFederationData?: Record<string, never>;
    attributes: { creationDate: string; mfaAuthenticated: string };
    sourceIdentity?: string;
  };
  /** An AWS service called on the principal's behalf (`ssm.amazonaws.com`). */
  invokedBy?: string;
}

/** Who caused a service event: KMS itself, on behalf of the key's account. */
export interface AwsInternalIdentity {
  accountId: string;
  invokedBy: 'AWS Internal';
}

/**
 * The caller as the key owner's copy of a cross-account event shows it (CloudTrail userIdentity
 * element, type AWSAccount): the other account and the principal in it, nothing more.
 */
export interface AwsAccountIdentity {
  type: 'AWSAccount';
  principalId: string;
  accountId: string;
}

/** An AWS service calling with its own service principal (type AWSService), e.g. `ssm.amazonaws.com`. */
export interface AwsServiceIdentity {
  type: 'AWSService';
  invokedBy: string;
}

export type EventIdentity = AuditIdentity | AwsInternalIdentity | AwsAccountIdentity | AwsServiceIdentity;

export interface AuditEvent {
  eventVersion: typeof EVENT_VERSION;
  userIdentity: EventIdentity | null;
  eventTime: string;
  /** kms.amazonaws.com, iam.amazonaws.com, sts.amazonaws.com */
  eventSource: string;
  eventName: string;
  awsRegion: string;
  sourceIPAddress: string;
  userAgent: string;
  errorCode?: string;
  errorMessage?: string;
  requestParameters: unknown;
  responseElements: unknown;
  /** Trent adds `truncatedFields` (the paths it cut or omitted, docs/operations.md) to CloudTrail's members. */
  additionalEventData?: Record<string, string | string[] | boolean>;
  requestID?: string;
  eventID: string;
  readOnly: boolean;
  resources?: { accountId: string; type: 'AWS::KMS::Key' | 'AWS::SSM::Parameter'; ARN: string }[];
  eventType: 'AwsApiCall' | 'AwsServiceEvent';
  managementEvent: boolean;
  recipientAccountId: string;
  /** A cross-account call: the same id in the caller's copy and in each key owner's copy. */
  sharedEventID?: string;
  serviceEventDetails?: Record<string, unknown>;
  eventCategory: 'Management';
}

/** The CloudTrail record version KMS writes today ("The current version is 1.11"). */
export const EVENT_VERSION = '1.11';

/** A service's runtime schema (model/): what audit views read to leave blobs and secrets out. */
export type AuditSchema = Readonly<Record<string, ShapeSchema>>;

/** The service a request was for, when it is not KMS (whose model is the default). */
export interface AuditSource {
  eventSource: string;
  schema: AuditSchema;
  inputShape?: string | undefined;
  outputShape?: string | undefined;
}

export interface AuditInput {
  /** The operation's name; for KMS (no `source`) a KMS operation. */
  operation: string | undefined;
  source?: AuditSource | undefined;
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
  /** The request failed by a `--dev` fault rule: `additionalEventData.injectedFault` says so. */
  injectedFault?: boolean | undefined;
  /**
   * Values that must never appear in the event (the raw Authorization header, its signature, a
   * session token): removed from errorMessage whatever the message says.
   */
  redact?: readonly string[] | undefined;
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

/** What a view collects on its way: the paths of cut strings, and a bound on its JSON size. */
export interface ViewState {
  truncated: string[];
  /** At least the bytes of the view's JSON (see jsonBound). */
  bound: number;
}

/**
 * An upper bound on the JSON bytes a string adds: a UTF-16 code unit is at most 6 bytes escaped
 * (\u0000), plus quotes and a separator.
 */
const stringBound = (s: string): number => 6 * s.length + 3;
/** Numbers, booleans, null and the punctuation of one member or element. */
const SCALAR_BOUND = 32;

const CAMEL = new Map<string, string>();
const camel = (name: string): string => {
  let out = CAMEL.get(name);
  if (out === undefined) CAMEL.set(name, (out = decapitalize(name)));
  return out;
};

const join = (path: string, key: string): string => (path ? `${path}.${key}` : key);

/**
 * A copy of `value` with lowerCamel member names and no blob or sensitive member. Strings longer
 * than their member allows are cut (LIMITS), and each cut is noted by its path in
 * `state.truncated`; the path is spelled out only when a cut happens, so the common event pays
 * nothing for it.
 */
export function auditView(
  shapeName: string,
  value: unknown,
  state: ViewState = { truncated: [], bound: 0 },
  parent = '',
  key?: string,
  schema: AuditSchema = SCHEMA,
): unknown {
  const shape = schema[shapeName];
  if (!shape || value === undefined || value === null) return undefined;
  if (shape.sensitive || shape.type === 'blob') return undefined;
  const path = () => (key === undefined ? parent : join(parent, key));
  state.bound += key === undefined ? SCALAR_BOUND : stringBound(key) + SCALAR_BOUND;
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object') return undefined;
      const here = path();
      const out: Record<string, unknown> = {};
      for (const [name, memberShape] of Object.entries(shape.members ?? {})) {
        const member = camel(name);
        const v = auditView(memberShape, (value as Record<string, unknown>)[name], state, here, member, schema);
        if (v !== undefined) out[member] = v;
      }
      return out;
    }
    case 'list': {
      if (!Array.isArray(value)) return undefined;
      const here = path();
      return value.map((v, i) => auditView(shape.member!, v, state, `${here}[${i}]`, undefined, schema));
    }
    case 'map': {
      const valueShape = schema[shape.value!];
      if (valueShape?.sensitive || typeof value !== 'object') return undefined;
      // Keys and values of a map (an encryption context) have no model bound of their own.
      const here = path();
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const mapKey = boundMember(k, undefined, state.truncated, () => `${here}{key}`);
        const mapValue =
          typeof v === 'string' ? boundMember(v, undefined, state.truncated, () => join(here, mapKey)) : v;
        state.bound += stringBound(mapKey) + (typeof mapValue === 'string' ? stringBound(mapValue) : SCALAR_BOUND);
        out[mapKey] = mapValue;
      }
      return out;
    }
    case 'timestamp':
      return value instanceof Date ? responseDate(value) : undefined;
    // Decoding checked every member's type; a value of another type cannot be here, and if it
    // were it would escape the size bound, so it is left out.
    case 'string': {
      if (typeof value !== 'string') return undefined;
      const bounded = boundMember(value, shape.max, state.truncated, path);
      state.bound += stringBound(bounded);
      return bounded;
    }
    default:
      return typeof value === 'object' ? undefined : value;
  }
}

function kmsSource(operation: string | undefined): AuditSource {
  const spec = operation && Object.hasOwn(OPERATIONS, operation) ? OPERATIONS[operation as OperationName] : undefined;
  return { eventSource: 'kms.amazonaws.com', schema: SCHEMA, inputShape: spec?.input, outputShape: spec?.output };
}

export function buildAuditEvent(a: AuditInput): AuditEvent {
  const source = a.source ?? kmsSource(a.operation);
  const { schema, inputShape, outputShape } = source;
  const truncated: string[] = [];
  const requestState: ViewState = { truncated, bound: 0 };
  const responseState: ViewState = { truncated, bound: 0 };
  const request =
    inputShape && a.input !== undefined
      ? auditView(inputShape, a.input, requestState, 'requestParameters', undefined, schema)
      : undefined;
  const response =
    !a.readOnly && outputShape && a.output !== undefined
      ? auditView(outputShape, a.output, responseState, 'responseElements', undefined, schema)
      : undefined;
  const accountId = a.identity?.accountId ?? '';
  const text = (value: string, max: number, field: string) => boundString(value, max, truncated, field);
  const errorMessage = a.error ? text(redact(a.error.message, a.redact), LIMITS.errorMessage, 'errorMessage') : '';
  const event: AuditEvent = {
    eventVersion: EVENT_VERSION,
    userIdentity: a.identity ?? null,
    eventTime: eventTime(a.time),
    eventSource: source.eventSource,
    eventName: a.operation ?? 'Unknown',
    awsRegion: text(a.region, LIMITS.region, 'awsRegion'),
    sourceIPAddress: text(a.sourceIp, LIMITS.sourceIPAddress, 'sourceIPAddress'),
    userAgent: text(a.userAgent, LIMITS.userAgent, 'userAgent'),
    ...(a.error ? { errorCode: a.error.code, errorMessage } : {}),
    requestParameters: boundObject(
      request && Object.keys(request).length ? request : null,
      requestState.bound,
      truncated,
      'requestParameters',
    ),
    responseElements: boundObject(
      response && Object.keys(response as object).length ? response : null,
      responseState.bound,
      truncated,
      'responseElements',
    ),
    // Evaluated after every bounded field above, so `truncated` is complete here.
    ...additionalEventData(a, truncated),
    requestID: a.requestId,
    eventID: randomUUID(),
    readOnly: a.readOnly,
    ...(a.keyArns.length ? { resources: a.keyArns.map(keyResource) } : {}),
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: accountId,
    eventCategory: 'Management',
  };
  return event;
}

function additionalEventData(a: AuditInput, truncated: readonly string[]): Pick<AuditEvent, 'additionalEventData'> {
  const data: Record<string, string | string[] | boolean> = {
    ...(a.additionalEventData && !a.error ? a.additionalEventData : {}),
    ...(a.injectedFault ? { injectedFault: true } : {}),
    ...(truncated.length ? { truncatedFields: [...truncated] } : {}),
  };
  return Object.keys(data).length ? { additionalEventData: data } : {};
}

/**
 * A cross-account request is recorded in the caller's account and in the account of each key it
 * used that another account owns ("Logging AWS KMS API calls with AWS CloudTrail"): one copy per
 * owner, with its own eventID, the caller shown as an AWSAccount, and a sharedEventID linking
 * every copy (set on `event` too). A request refused for access is recorded for the caller only,
 * as AWS does. Returns the owners' copies; none when every key is the caller's.
 */
export function crossAccountCopies(event: AuditEvent): AuditEvent[] {
  const caller = event.userIdentity;
  if (!caller || !('principalId' in caller) || caller.type === 'AWSAccount') return [];
  if (event.errorCode === 'AccessDeniedException') return [];
  const owners = new Set<string>();
  for (const resource of event.resources ?? []) {
    if (resource.accountId !== event.recipientAccountId && /^\d{12}$/.test(resource.accountId)) {
      owners.add(resource.accountId);
    }
  }
  if (owners.size === 0) return [];
  const sharedEventID = randomUUID();
  event.sharedEventID = sharedEventID;
  const identity: AwsAccountIdentity = {
    type: 'AWSAccount',
    principalId: caller.principalId,
    accountId: caller.accountId,
  };
  return [...owners].map((owner) => ({
    ...event,
    userIdentity: identity,
    eventID: randomUUID(),
    recipientAccountId: owner,
    sharedEventID,
  }));
}

export interface ServiceEventInput {
  eventName: string;
  keyArn: string;
  time: Date;
  details?: Record<string, string> | undefined;
}

/**
 * An event a service causes itself (CloudTrail's AwsServiceEvent): no caller, no request id, its
 * resource, and what happened in serviceEventDetails. The ARN gives the region and account.
 */
function serviceEvent(
  eventSource: string,
  eventName: string,
  arn: string,
  time: Date,
  resource: NonNullable<AuditEvent['resources']>[number],
  serviceEventDetails: Record<string, unknown>,
): AuditEvent {
  const [, , , region = '', accountId = ''] = arn.split(':');
  return {
    eventVersion: EVENT_VERSION,
    userIdentity: { accountId, invokedBy: 'AWS Internal' },
    eventTime: eventTime(time),
    eventSource,
    eventName,
    awsRegion: region,
    sourceIPAddress: 'AWS Internal',
    userAgent: 'AWS Internal',
    requestParameters: null,
    responseElements: null,
    eventID: randomUUID(),
    readOnly: false,
    resources: [resource],
    eventType: 'AwsServiceEvent',
    managementEvent: true,
    recipientAccountId: accountId,
    serviceEventDetails,
    eventCategory: 'Management',
  };
}

/** What KMS does on its own (ct-rotatekey, ct-delete-key): the key as the resource, its id in the details. */
export function buildServiceEvent(e: ServiceEventInput): AuditEvent {
  const keyId = (e.keyArn.split(':')[5] ?? '').replace(/^key\//, '');
  return serviceEvent('kms.amazonaws.com', e.eventName, e.keyArn, e.time, keyResource(e.keyArn), {
    ...e.details,
    keyId,
  });
}

export interface ParameterPolicyEventInput {
  policyType: string;
  parameterArn: string;
  parameterName: string;
  parameterType: string;
  actionStatus: string;
  time: Date;
}

/**
 * Parameter Store acting on a parameter's policy on its own: an AwsServiceEvent of
 * ssm.amazonaws.com named `ParameterPolicyAction`, its serviceEventDetails the members of the
 * EventBridge "Parameter Store Policy Action" event (parameter-name, parameter-type, policy-type,
 * action-status), the parameter as its resource. No value ever.
 */
export function buildParameterPolicyEvent(e: ParameterPolicyEventInput): AuditEvent {
  const accountId = e.parameterArn.split(':')[4] ?? '';
  return serviceEvent(
    'ssm.amazonaws.com',
    'ParameterPolicyAction',
    e.parameterArn,
    e.time,
    { accountId, type: 'AWS::SSM::Parameter', ARN: e.parameterArn },
    {
      'parameter-name': e.parameterName,
      'parameter-type': e.parameterType,
      'policy-type': e.policyType,
      'action-status': e.actionStatus,
    },
  );
}

/** Operations whose output carries secret material (Plaintext, data keys), from the model once. */
const SECRET_OUTPUTS: ReadonlySet<string> = new Set<string>(
  (Object.keys(OPERATIONS) as OperationName[]).filter((operation) => {
    const output = OPERATIONS[operation].output;
    const shape = output ? SCHEMA[output as ShapeName] : undefined;
    return Object.values(shape?.members ?? {}).some((m) => SCHEMA[m as ShapeName]?.sensitive === true);
  }),
);

/** Outputs that carry secret material must be audited durably before the response. */
export function returnsSecret(operation: string): boolean {
  return SECRET_OUTPUTS.has(operation);
}
