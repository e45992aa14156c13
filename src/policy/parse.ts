/**
 * Syntax validation of a key policy, as KMS does it for CreateKey, ReplicateKey and PutKeyPolicy
 * before the lockout safety check and before checking that named principals exist. Key-policy rules
 * differ from IAM identity policies: every statement needs a principal, Sid may contain spaces, and a
 * statement without Action or Resource is accepted but has no effect (KMS API reference,
 * CreateKey "Policy"; Developer Guide, "Key policy format").
 */
import { isKeyPolicyForbiddenConditionKey, parseConditionOperator } from './conditions.js';
import { isJsonNumber, isJsonObject, parseJson, type JsonObject, type JsonValue } from './json.js';
import { PolicyMessages } from './messages.js';
import { readPrincipals } from './principals.js';
import type {
  AnyPolicyDocument,
  AnyPolicyStatement,
  ConditionTest,
  PatternElement,
  PolicyDocument,
  PolicyEffect,
  PolicyVersion,
} from './types.js';
import {
  ACTION_NAME,
  ACTION_VENDOR,
  DOCUMENT_ELEMENTS,
  OUTSIDE_POLICY_CHARACTERS,
  RESOURCE_ARN,
  STATEMENT_ELEMENTS,
} from './grammar.js';

export type KeyPolicyValidation = { ok: true; document: PolicyDocument } | { ok: false; message: string };

const VERSIONS: readonly PolicyVersion[] = ['2012-10-17', '2008-10-17'];

/** Thrown inside the walk and caught at the top; never escapes this module. */
class Malformed {
  constructor(readonly message: string) {}
}
const malformed = (message: string): never => {
  throw new Malformed(message);
};

/** Validates a key policy; the message on failure is MalformedPolicyDocumentException's. */
export function validateKeyPolicy(text: string): KeyPolicyValidation {
  if (OUTSIDE_POLICY_CHARACTERS.test(text)) {
    return { ok: false, message: PolicyMessages.invalidCharacters };
  }
  const json = parseJson(text);
  if (!json.ok) {
    const message =
      json.reason === 'duplicate' ? PolicyMessages.duplicateElement(json.name) : PolicyMessages.invalidJson;
    return { ok: false, message };
  }
  try {
    // Principal is required in key-policy mode, so every statement has one.
    return { ok: true, document: readDocument(json.value, KEY_POLICY) as PolicyDocument };
  } catch (e) {
    if (e instanceof Malformed) return { ok: false, message: e.message };
    throw e;
  }
}

/** How strictly readDocument reads: key policies need a Principal and refuse some condition keys. */
interface ReadMode {
  principalRequired: boolean;
  keyPolicyConditionKeys: boolean;
}
const KEY_POLICY: ReadMode = { principalRequired: true, keyPolicyConditionKeys: true };
const ANY_POLICY: ReadMode = { principalRequired: false, keyPolicyConditionKeys: false };

/**
 * Reads a policy of any type (key, trust, identity, boundary, session) for the evaluator: the same
 * grammar as a key policy, except that Principal is optional and no condition key is refused. The
 * type-specific rules (IAM's or KMS's) are the validators' business; this throws a plain Error on a
 * document the evaluator could not read at all.
 */
export function parseAnyPolicyDocument(text: string): AnyPolicyDocument {
  const json = parseJson(text);
  if (!json.ok) throw new Error('Stored policy is not valid JSON');
  try {
    return readDocument(json.value, ANY_POLICY);
  } catch (e) {
    if (e instanceof Malformed) throw new Error(`Stored policy does not parse: ${e.message}`);
    throw e;
  }
}

/**
 * Reads a policy that was validated when it was stored. A stored policy that no longer validates is
 * corrupt data, not a caller's mistake, so this throws a plain Error (KMSInternalException).
 */
export function parsePolicyDocument(text: string): PolicyDocument {
  const result = validateKeyPolicy(text);
  if (!result.ok) throw new Error(`Stored key policy does not validate: ${result.message}`);
  return result.document;
}

function readDocument(value: JsonValue, mode: ReadMode): AnyPolicyDocument {
  if (!isJsonObject(value)) return malformed(PolicyMessages.notAnObject);
  rejectUnknown(value, DOCUMENT_ELEMENTS, PolicyMessages.unknownElement);

  const version = value.members.get('Version');
  if (version !== undefined && !VERSIONS.includes(version as PolicyVersion)) {
    malformed(PolicyMessages.invalidVersion);
  }
  const id = value.members.get('Id');
  if (id !== undefined && typeof id !== 'string') malformed(PolicyMessages.invalidId);

  const statement = value.members.get('Statement');
  if (statement === undefined) return malformed(PolicyMessages.missingStatement);
  const list = Array.isArray(statement) ? statement : [statement];
  if (list.length === 0) malformed(PolicyMessages.invalidStatement);

  const statements = list.map((item) => readStatement(item, mode));
  const sids = new Set<string>();
  for (const { sid } of statements) {
    if (sid === undefined) continue;
    if (sids.has(sid)) malformed(PolicyMessages.duplicateSid);
    sids.add(sid);
  }
  return {
    version: version as PolicyVersion | undefined,
    id: id as string | undefined,
    statements,
  };
}

function readStatement(value: JsonValue, mode: ReadMode): AnyPolicyStatement {
  if (!isJsonObject(value)) return malformed(PolicyMessages.invalidStatement);
  rejectUnknown(value, STATEMENT_ELEMENTS, PolicyMessages.unknownStatementElement);
  const get = (name: string) => value.members.get(name);

  const sid = get('Sid');
  if (sid !== undefined && typeof sid !== 'string') malformed(PolicyMessages.invalidSid);

  const effect = get('Effect');
  if (effect !== 'Allow' && effect !== 'Deny') return malformed(PolicyMessages.invalidEffect);

  const principalPair = pair(value, 'Principal', 'NotPrincipal');
  if (principalPair === undefined && mode.principalRequired) return malformed(PolicyMessages.noPrincipal);
  const principals = principalPair && readPrincipals(principalPair.value);
  if (typeof principals === 'string') return malformed(principals);

  const actionPair = pair(value, 'Action', 'NotAction');
  const resourcePair = pair(value, 'Resource', 'NotResource');
  const condition = get('Condition');

  return {
    sid: sid as string | undefined,
    effect: effect satisfies PolicyEffect,
    principal: principalPair && principals && { negated: principalPair.negated, principals },
    action: actionPair && {
      negated: actionPair.negated,
      patterns: readPatterns(actionPair.value, PolicyMessages.invalidAction, checkAction),
    },
    resource: resourcePair && {
      negated: resourcePair.negated,
      patterns: readPatterns(resourcePair.value, PolicyMessages.invalidResource, checkResource),
    },
    conditions: condition === undefined ? [] : readCondition(condition, mode),
  };
}

function rejectUnknown(value: JsonObject, known: ReadonlySet<string>, message: (name: string) => string): void {
  for (const name of value.members.keys()) if (!known.has(name)) malformed(message(name));
}

/** Exactly one of an element and its Not form; undefined when neither is present. */
function pair(
  statement: JsonObject,
  name: string,
  notName: string,
): { negated: boolean; value: JsonValue } | undefined {
  const plain = statement.members.get(name);
  const negated = statement.members.get(notName);
  if (plain !== undefined && negated !== undefined) {
    malformed(PolicyMessages.bothElements(name, notName));
  }
  if (plain !== undefined) return { negated: false, value: plain };
  if (negated !== undefined) return { negated: true, value: negated };
  return undefined;
}

/**
 * A string or a non-empty list of strings. An empty list is refused: under NotAction or NotResource
 * it would silently mean "everything".
 */
function readPatterns(value: JsonValue, message: string, check: (pattern: string) => void): PatternElement['patterns'] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) malformed(message);
  return list.map((item) => {
    if (typeof item !== 'string') return malformed(message);
    check(item);
    return item;
  });
}

function checkAction(action: string): void {
  if (action === '*') return;
  const parts = action.split(':');
  if (parts.length === 1) malformed(PolicyMessages.missingVendor);
  if (parts.length > 2) malformed(PolicyMessages.actionColons);
  const [vendor = '', name = ''] = parts;
  if (!ACTION_VENDOR.test(vendor) || !ACTION_NAME.test(name)) malformed(PolicyMessages.invalidAction);
}

function checkResource(resource: string): void {
  if (resource !== '*' && !RESOURCE_ARN.test(resource)) {
    malformed(PolicyMessages.resourceFormat(resource));
  }
}

/** Condition: { operator: { key: value | [values] } }; values are strings, booleans or numbers. */
function readCondition(value: JsonValue, mode: ReadMode): ConditionTest[] {
  if (!isJsonObject(value)) return malformed(PolicyMessages.invalidCondition);
  const tests: ConditionTest[] = [];
  for (const [operatorName, block] of value.members) {
    const operator = parseConditionOperator(operatorName);
    if (operator === undefined) return malformed(PolicyMessages.invalidConditionOperator(operatorName));
    if (!isJsonObject(block) || block.members.size === 0) {
      return malformed(PolicyMessages.invalidCondition);
    }
    for (const [key, raw] of block.members) {
      if (!key.includes(':')) malformed(PolicyMessages.missingVendor);
      if (mode.keyPolicyConditionKeys && isKeyPolicyForbiddenConditionKey(key))
        malformed(PolicyMessages.conditionKeysNotPermitted);
      const list = Array.isArray(raw) ? raw : [raw];
      if (list.length === 0) malformed(PolicyMessages.invalidCondition);
      tests.push({ operator, key, values: list.map(conditionValue) });
    }
  }
  return tests;
}

function conditionValue(value: JsonValue): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (isJsonNumber(value)) return value.raw;
  return malformed(PolicyMessages.invalidCondition);
}
