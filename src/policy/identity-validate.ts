/**
 * IAM's validation of identity policies (CreatePolicy, CreatePolicyVersion, Put{User,Group,Role}Policy,
 * permissions boundaries, session policies) and of role trust policies (CreateRole,
 * UpdateAssumeRolePolicy), with IAM's MalformedPolicyDocument messages (messages.ts). Grammar: IAM
 * User Guide, "Grammar of the IAM JSON policy language"; the rules that differ from key policies:
 * identity policies have no Principal and need Action and Resource; trust policies need a Principal,
 * have no Resource, and allow only the sts:AssumeRole* family of actions; Sid is alphanumeric.
 *
 * Size quotas differ by policy type and are the IAM service's to check.
 */
import { parseConditionOperator } from './conditions.js';
import { isJsonNumber, isJsonObject, parseJson, type JsonObject, type JsonValue } from './json.js';
import { IamPolicyMessages as M } from './messages.js';
import { findInvalidPrincipal } from './principals.js';
import { wildcardMatch } from './wildcard.js';
import {
  ACTION_NAME,
  ACTION_VENDOR,
  DOCUMENT_ELEMENTS,
  OUTSIDE_POLICY_CHARACTERS,
  RESOURCE_ARN,
  STATEMENT_ELEMENTS,
} from './grammar.js';

export type IamPolicyValidation = { ok: true } | { ok: false; message: string };

type Kind = 'identity' | 'trust';

const SID = /^[0-9A-Za-z]*$/;
/** What a trust policy may allow (IAM User Guide, "Role trust policy"; STS API reference). */
const TRUST_ACTIONS = [
  'sts:assumerole',
  'sts:assumerolewithsaml',
  'sts:assumerolewithwebidentity',
  'sts:tagsession',
  'sts:setsourceidentity',
  'sts:setcontext',
];

class Malformed {
  constructor(readonly message: string) {}
}
const fail = (message: string): never => {
  throw new Malformed(message);
};

export function validateIdentityPolicy(text: string): IamPolicyValidation {
  return validate(text, 'identity');
}

export function validateTrustPolicy(text: string): IamPolicyValidation {
  return validate(text, 'trust');
}

function validate(text: string, kind: Kind): IamPolicyValidation {
  const syntax = kind === 'trust' ? M.invalidJsonTrust : M.syntax;
  if (OUTSIDE_POLICY_CHARACTERS.test(text)) return { ok: false, message: syntax };
  const json = parseJson(text);
  if (!json.ok) return { ok: false, message: syntax };
  try {
    readDocument(json.value, kind);
    return { ok: true };
  } catch (e) {
    if (e instanceof Malformed) return { ok: false, message: e.message };
    throw e;
  }
}

function readDocument(value: JsonValue, kind: Kind): void {
  if (!isJsonObject(value)) return fail(M.syntax);
  for (const name of value.members.keys()) if (!DOCUMENT_ELEMENTS.has(name)) fail(M.syntax);
  const version = value.members.get('Version');
  if (version !== undefined && version !== '2012-10-17' && version !== '2008-10-17') fail(M.legacyParsing);
  const id = value.members.get('Id');
  if (id !== undefined && typeof id !== 'string') fail(M.syntax);
  const statement = value.members.get('Statement');
  if (statement === undefined) return fail(M.syntax);
  const list = Array.isArray(statement) ? statement : [statement];
  if (list.length === 0) fail(M.syntax);
  const sids = new Set<string>();
  for (const item of list) {
    const sid = readStatement(item, kind);
    if (sid === undefined || sid === '') continue;
    if (sids.has(sid)) fail(M.duplicateSid);
    sids.add(sid);
  }
}

/** Checks one statement; returns its Sid. */
function readStatement(value: JsonValue, kind: Kind): string | undefined {
  if (!isJsonObject(value)) return fail(M.syntax);
  for (const name of value.members.keys()) if (!STATEMENT_ELEMENTS.has(name)) fail(M.syntax);
  const get = (name: string): JsonValue | undefined => value.members.get(name);

  const sid = get('Sid');
  if (sid !== undefined && typeof sid !== 'string') fail(M.syntax);
  if (typeof sid === 'string' && !SID.test(sid)) fail(M.sidNotAlphanumeric);

  const effect = get('Effect');
  if (effect !== 'Allow' && effect !== 'Deny') fail(M.legacyParsing);

  const principal = onePair(value, 'Principal', 'NotPrincipal');
  if (kind === 'identity' && principal !== undefined) fail(M.principalNotAllowed);
  if (kind === 'trust') {
    if (principal === undefined) return fail(M.missingPrincipal);
    const bad = findInvalidPrincipal(principal);
    if (bad !== undefined) fail(M.invalidPrincipal(bad.type, bad.value));
  }

  const action = onePair(value, 'Action', 'NotAction');
  if (action === undefined) return fail(M.missingActions);
  const actions = strings(action, M.missingActions);
  for (const a of actions) checkAction(a);
  if (kind === 'trust' && get('Action') !== undefined) {
    for (const a of actions) {
      const pattern = a.toLowerCase();
      if (!TRUST_ACTIONS.some((t) => wildcardMatch(pattern, t))) fail(M.trustActions);
    }
  }

  if (kind === 'trust') {
    if (get('Resource') !== undefined) fail(M.prohibitedField('Resource'));
    if (get('NotResource') !== undefined) fail(M.prohibitedField('NotResource'));
  } else {
    const resource = onePair(value, 'Resource', 'NotResource');
    if (resource === undefined) return fail(M.missingResources);
    for (const r of strings(resource, M.missingResources)) {
      if (r !== '*' && !RESOURCE_ARN.test(r)) fail(M.resourceFormat(r));
    }
  }

  const condition = get('Condition');
  if (condition !== undefined) checkCondition(condition);
  return sid as string | undefined;
}

function onePair(statement: JsonObject, name: string, notName: string): JsonValue | undefined {
  const plain = statement.members.get(name);
  const negated = statement.members.get(notName);
  if (plain !== undefined && negated !== undefined) fail(M.syntax);
  return plain ?? negated;
}

function strings(value: JsonValue, emptyMessage: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) fail(emptyMessage);
  return list.map((item) => (typeof item === 'string' ? item : fail(M.syntax)));
}

function checkAction(action: string): void {
  if (action === '*') return;
  const parts = action.split(':');
  if (parts.length === 1) fail(M.missingVendor);
  if (parts.length > 2) fail(M.actionColons);
  const [vendor = '', name = ''] = parts;
  if (!ACTION_VENDOR.test(vendor) || !ACTION_NAME.test(name)) fail(M.invalidAction(action));
}

function checkCondition(value: JsonValue): void {
  if (!isJsonObject(value)) return fail(M.syntax);
  for (const [operatorName, block] of value.members) {
    if (parseConditionOperator(operatorName) === undefined) fail(M.invalidConditionOperator(operatorName));
    if (!isJsonObject(block) || block.members.size === 0) return fail(M.syntax);
    for (const [key, raw] of block.members) {
      if (!key.includes(':')) fail(M.missingVendor);
      const list = Array.isArray(raw) ? raw : [raw];
      if (list.length === 0) fail(M.syntax);
      for (const item of list) {
        if (typeof item !== 'string' && typeof item !== 'boolean' && !isJsonNumber(item)) fail(M.syntax);
      }
    }
  }
}
