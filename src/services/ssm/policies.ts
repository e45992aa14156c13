/**
 * Parameter policies (Systems Manager User Guide, "Assigning parameter policies in Parameter
 * Store"): a JSON array of up to 10 policies, each `{"Type", "Version": "1.0", "Attributes"}`, for
 * advanced-tier parameters only:
 *
 * - Expiration: `{"Timestamp": ISO_INSTANT or ISO_OFFSET_DATE_TIME}`; the parameter is deleted then.
 * - ExpirationNotification: `{"Before": n, "Unit": "Days" | "Hours"}`; an event n units before.
 * - NoChangeNotification: `{"After": n, "Unit": "Days" | "Hours"}`; an event once the parameter
 *   has not changed for n units.
 *
 * At most one policy of each type (IncompatiblePolicyException). The text is stored as given; the
 * status of each policy (Pending until the scheduler acts on it, then Finished) rides in the
 * stored entries as `PolicyStatus`, which policiesView strips from the PolicyText it answers.
 */
import { KmsError } from '../../domain/index.js';
import type { ssm } from '../../model/index.js';
import type { ParameterTier } from '../../storage/parameter-types.js';

export const POLICY_TYPES = ['Expiration', 'ExpirationNotification', 'NoChangeNotification'] as const;
export type PolicyType = (typeof POLICY_TYPES)[number];
export type PolicyStatus = 'Pending' | 'Finished' | 'InProgress' | 'Failed';

/** "The maximum is 10." (PoliciesLimitExceededException) */
export const MAX_POLICIES = 10;

export interface ParameterPolicy {
  type: PolicyType;
  /** Expiration: when the parameter is deleted. */
  timestamp?: Date | undefined;
  /** ExpirationNotification (Before) and NoChangeNotification (After), in milliseconds. */
  periodMs?: number | undefined;
  status: PolicyStatus;
  /** NoChangeNotification: the parameter version it was sent for (a newer version makes it Pending again). */
  forVersion?: number | undefined;
  /** The policy as given, without what the scheduler adds. */
  text: string;
}

const HOUR_MS = 3_600_000;
const UNITS: Readonly<Record<string, number>> = { Days: 24 * HOUR_MS, Hours: HOUR_MS };
/** ISO_INSTANT (`2020-05-13T00:00:00.000Z`) or ISO_OFFSET_DATE_TIME (`...T22:13:48.87+10:30`). */
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}(:\d{2})?)$/;

const invalidType = (): KmsError =>
  new KmsError(
    'InvalidPolicyTypeException',
    "The policy type isn't supported. Parameter Store supports the following policy types: Expiration, ExpirationNotification, and NoChangeNotification.",
  );
const invalidAttribute = (detail: string): KmsError =>
  new KmsError('InvalidPolicyAttributeException', `A policy attribute or its value is invalid. ${detail}`);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseTimestamp(value: unknown): Date {
  if (typeof value !== 'string' || !ISO_TIMESTAMP.test(value)) {
    throw invalidAttribute(
      'Timestamp must be in the ISO_INSTANT or ISO_OFFSET_DATE_TIME format, for example 2020-05-13T00:00:00.000Z.',
    );
  }
  // Java's ISO_OFFSET_DATE_TIME allows offset seconds, which Date.parse does not read.
  const parsed = Date.parse(value.replace(/([+-]\d{2}:\d{2}):\d{2}$/, '$1'));
  if (Number.isNaN(parsed)) throw invalidAttribute('Timestamp is not a valid date and time.');
  return new Date(parsed);
}

function parsePeriod(attributes: Record<string, unknown>, name: 'Before' | 'After'): number {
  const amount = attributes[name];
  const text = typeof amount === 'number' ? String(amount) : amount;
  if (typeof text !== 'string' || !/^[1-9][0-9]{0,5}$/.test(text)) {
    throw invalidAttribute(`${name} must be a positive whole number.`);
  }
  const unit = attributes.Unit;
  if (typeof unit !== 'string' || !Object.hasOwn(UNITS, unit)) {
    throw invalidAttribute('Unit must be Days or Hours.');
  }
  return Number(text) * UNITS[unit]!;
}

function parsePolicy(entry: unknown): ParameterPolicy {
  if (!isObject(entry) || typeof entry.Type !== 'string') throw invalidType();
  if (!(POLICY_TYPES as readonly string[]).includes(entry.Type)) throw invalidType();
  const type = entry.Type as PolicyType;
  if (entry.Version !== undefined && entry.Version !== '1.0') throw invalidAttribute('Version must be 1.0.');
  const attributes = entry.Attributes;
  if (!isObject(attributes)) throw invalidAttribute('Attributes are required.');
  const { PolicyStatus: status, ForVersion: forVersion, ...given } = entry;
  const policy: ParameterPolicy = {
    type,
    status: typeof status === 'string' ? (status as PolicyStatus) : 'Pending',
    ...(typeof forVersion === 'number' ? { forVersion } : {}),
    text: JSON.stringify(given),
  };
  if (type === 'Expiration') policy.timestamp = parseTimestamp(attributes.Timestamp);
  else policy.periodMs = parsePeriod(attributes, type === 'ExpirationNotification' ? 'Before' : 'After');
  return policy;
}

/** The stored (or given) policies, parsed; throws the errors PutParameter answers. */
export function parsePolicies(text: string): ParameterPolicy[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidType();
  }
  if (!Array.isArray(parsed)) throw invalidType();
  if (parsed.length > MAX_POLICIES) {
    throw new KmsError(
      'PoliciesLimitExceededException',
      'You specified more than the maximum number of allowed policies for the parameter. The maximum is 10.',
    );
  }
  const policies = parsed.map(parsePolicy);
  const types = policies.map((p) => p.type);
  if (new Set(types).size !== types.length) {
    throw new KmsError(
      'IncompatiblePolicyException',
      "There is a conflict in the policies specified for this parameter. You can't, for example, specify two Expiration policies for a parameter. Review your policies, and try again.",
    );
  }
  return policies;
}

/**
 * PutParameter's Policies for a parameter of `tier`: undefined when none (an empty string or
 * array clears them); else the text to store. With `now`, an Expiration already past is refused.
 */
export function checkPolicies(policies: string | undefined, tier: ParameterTier, now?: Date): string | undefined {
  if (policies === undefined || policies.trim() === '') return undefined;
  const parsed = parsePolicies(policies);
  if (parsed.length === 0) return undefined;
  if (tier !== 'Advanced') {
    throw new KmsError(
      'ValidationException',
      'Parameter policies are supported only for advanced-tier parameters. Use the advanced tier or Intelligent-Tiering to assign policies to this parameter.',
    );
  }
  const expiration = parsed.find((p) => p.type === 'Expiration');
  if (now && expiration?.timestamp && expiration.timestamp <= now) {
    throw invalidAttribute('The Expiration Timestamp must be in the future.');
  }
  return policies;
}

/**
 * The policies with `status` set on the one of `type` (the text to store back); `forVersion`
 * records the version a NoChangeNotification was sent for.
 */
export function withPolicyStatus(text: string, type: PolicyType, status: PolicyStatus, forVersion?: number): string {
  const parsed = JSON.parse(text) as Record<string, unknown>[];
  return JSON.stringify(
    parsed.map((p) =>
      p.Type === type
        ? { ...p, PolicyStatus: status, ...(forVersion !== undefined ? { ForVersion: forVersion } : {}) }
        : p,
    ),
  );
}

/** A policy's status for parameter version `version`: a NoChangeNotification sent for an older one is Pending. */
export function statusFor(policy: ParameterPolicy, version?: number): PolicyStatus {
  if (policy.type === 'NoChangeNotification' && version !== undefined && policy.forVersion !== version)
    return 'Pending';
  return policy.status;
}

/**
 * DescribeParameters' and GetParameterHistory's Policies: each policy's text (as given), type and
 * status for parameter version `version`.
 */
export function policiesView(text: string | undefined, version?: number): ssm.ParameterInlinePolicy[] {
  if (text === undefined || text === '') return [];
  let policies: ParameterPolicy[];
  try {
    policies = parsePolicies(text);
  } catch {
    return [];
  }
  return policies.map((p) => ({ PolicyText: p.text, PolicyType: p.type, PolicyStatus: statusFor(p, version) }));
}
