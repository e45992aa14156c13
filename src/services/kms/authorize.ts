/**
 * KMS authorization (KMS Developer Guide, "Authentication and access control"): a key-level action
 * is decided by the key policy, the caller's identity policies where the key policy lets IAM decide
 * for its account, and grants; an explicit deny anywhere wins. Account-level actions (CreateKey,
 * ListKeys, GenerateRandom, ...) are decided by identity policies alone. The account root is
 * allowed by the default key policy, not by any case here.
 */
import type { KeyRecord, Tag } from '../../domain/index.js';
import { accessDenied, decide, policiesOf } from '../../pipeline/authorize.js';
import type { PrincipalPolicies } from '../../pipeline/types.js';
import { globalConditionKeys, type RequestTags } from '../../pipeline/context.js';
import { compilePolicy, type CompiledPolicy } from '../../policy/index.js';
import { kmsConditionSource } from './condition-keys.js';
import { grantsAllow } from './grants.js';
import type { Caller, Services } from './types.js';

const ACCESS_DENIED = 'AccessDeniedException';

export interface KmsAccess {
  operation: string;
  action: string;
  input: Readonly<Record<string, unknown>>;
  caller: Caller;
  services: Services;
  /** The alias the request named the key by. */
  requestAlias?: string | undefined;
  reEncryptOnSameKey?: boolean | undefined;
}

/**
 * The encryption context an action is asked under: ReEncrypt authorizes kms:ReEncryptFrom under
 * the source context and kms:ReEncryptTo under the destination's.
 */
function encryptionContextOf(a: KmsAccess): Record<string, string> | undefined {
  const ec =
    a.action === 'kms:ReEncryptTo'
      ? a.input.DestinationEncryptionContext
      : (a.input.EncryptionContext ?? a.input.SourceEncryptionContext);
  return ec && typeof ec === 'object' ? (ec as Record<string, string>) : undefined;
}

/** Compiled key policies: by record (the key cache hands out one frozen record per version), else by text. */
const byRecord = new WeakMap<KeyRecord, CompiledPolicy>();
const byText = new Map<string, CompiledPolicy>();
const MAX_BY_TEXT = 1000;

function keyPolicyOf(key: KeyRecord): CompiledPolicy {
  let compiled = byRecord.get(key);
  if (compiled) return compiled;
  compiled = byText.get(key.policy);
  if (!compiled) {
    compiled = compilePolicy(key.policy, 'key policy');
    if (byText.size >= MAX_BY_TEXT) byText.delete(byText.keys().next().value!);
    byText.set(key.policy, compiled);
  }
  byRecord.set(key, compiled);
  return compiled;
}

function tagsOf(a: KmsAccess, resourceTags?: readonly Tag[]): RequestTags {
  const { input } = a;
  return {
    resourceTags,
    ...(Array.isArray(input.Tags) ? { requestTags: input.Tags as Tag[] } : {}),
    ...(Array.isArray(input.TagKeys) ? { tagKeys: input.TagKeys as string[] } : {}),
  };
}

function contextFor(a: KmsAccess, key?: KeyRecord) {
  return globalConditionKeys(a.caller, tagsOf(a, key?.tags)).add(
    kmsConditionSource({
      operation: a.operation,
      input: a.input,
      key,
      requestAlias: a.requestAlias,
      encryptionContext: encryptionContextOf(a),
      callerAccount: a.caller.principal.accountId,
      viaService: a.caller.via?.viaService,
      reEncryptOnSameKey: a.reEncryptOnSameKey,
    }),
  );
}

/** kms:ResourceAliases is read only for a caller whose policies test it: it costs a read of the key's aliases. */
const RESOURCE_ALIASES = 'kms:resourcealiases';
const MAX_ALIASES_READ = 100;

async function resourceAliasesFor(a: KmsAccess, key: KeyRecord, p: PrincipalPolicies): Promise<string[] | undefined> {
  const tested = [
    ...p.identityPolicies,
    ...p.sessionPolicies,
    ...(p.permissionsBoundary ? [p.permissionsBoundary] : []),
  ];
  if (!tested.some((policy) => policy.conditionKeys.has(RESOURCE_ALIASES))) return undefined;
  const { aliases } = await a.services.storage.listAliases(
    key.region,
    key.accountId,
    MAX_ALIASES_READ,
    undefined,
    key.keyId,
  );
  return aliases.map((alias) => alias.aliasName);
}

/** A key-level action on `key`: key policy, identity policies, then grants. */
export async function authorizeKey(a: KmsAccess, key: KeyRecord): Promise<void> {
  const { caller, services, action } = a;
  const context = contextFor(a, key);
  const policies = await policiesOf(caller, services);
  const aliases = await resourceAliasesFor(a, key, policies);
  if (aliases) context.set(RESOURCE_ALIASES, aliases);
  const decision = await decide(
    caller,
    services,
    {
      action,
      resource: key.arn,
      resourceAccountId: key.accountId,
      resourcePolicy: keyPolicyOf(key),
      context,
      mode: 'kms-key',
    },
    policies,
  );
  if (decision.decision === 'Allow') return;
  if (decision.decision === 'ImplicitDeny') {
    const grant = await grantsAllow(services, key, caller, action, encryptionContextOf(a), grantTokensOf(a.input));
    if (grant) return;
  }
  throw accessDenied(ACCESS_DENIED, caller, action, key.arn, decision);
}

/** An action on an alias: identity policies alone, on the alias ARN (the account root may). */
export async function authorizeAlias(a: KmsAccess, aliasArn: string): Promise<void> {
  const decision = await decide(a.caller, a.services, {
    action: a.action,
    resource: aliasArn,
    context: contextFor(a),
    mode: 'identity-only',
  });
  if (decision.decision !== 'Allow') throw accessDenied(ACCESS_DENIED, a.caller, a.action, aliasArn, decision);
}

/** An account-level action (no key): identity policies alone, on resource `*`. */
export async function authorizeAccount(a: KmsAccess): Promise<void> {
  const decision = await decide(a.caller, a.services, {
    action: a.action,
    resource: '*',
    context: contextFor(a),
    mode: 'identity-only',
  });
  if (decision.decision !== 'Allow') throw accessDenied(ACCESS_DENIED, a.caller, a.action, '*', decision);
}

const grantTokensOf = (input: Readonly<Record<string, unknown>>): readonly string[] =>
  Array.isArray(input.GrantTokens) ? (input.GrantTokens as string[]) : [];
