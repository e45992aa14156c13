/** Shared builders for the policy evaluator's tests: accounts, principals, documents, requests. */
import { compilePolicy, type CompiledPolicy } from '../compile.js';
import type { AuthorizationRequest, ConditionValue, PrincipalFacts } from '../evaluate-types.js';

export const A = '111122223333';
export const B = '444455556666';
export const KEY_A = `arn:aws:kms:us-east-1:${A}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
export const KEY_B = `arn:aws:kms:us-east-1:${B}:key/0987dcba-09fe-87dc-65ba-ab0987654321`;

export const ROOT_A = `arn:aws:iam::${A}:root`;
export const ROOT_B = `arn:aws:iam::${B}:root`;
export const ALICE = `arn:aws:iam::${A}:user/alice`;
export const BOB = `arn:aws:iam::${A}:user/engineering/bob`;
export const CAROL_B = `arn:aws:iam::${B}:user/carol`;
export const ROLE_APP = `arn:aws:iam::${A}:role/app`;
export const SESSION_APP = `arn:aws:sts::${A}:assumed-role/app/s1`;
export const ROLE_B = `arn:aws:iam::${B}:role/partner`;
export const SESSION_B = `arn:aws:sts::${B}:assumed-role/partner/p1`;

export const rootA: PrincipalFacts = { accountId: A, arns: [ROOT_A], isRoot: true };
export const rootB: PrincipalFacts = { accountId: B, arns: [ROOT_B], isRoot: true };
export const alice: PrincipalFacts = { accountId: A, arns: [ALICE], isRoot: false };
export const bob: PrincipalFacts = { accountId: A, arns: [BOB], isRoot: false };
export const carolB: PrincipalFacts = { accountId: B, arns: [CAROL_B], isRoot: false };
export const appSession: PrincipalFacts = { accountId: A, arns: [SESSION_APP, ROLE_APP], isRoot: false };
export const partnerSession: PrincipalFacts = { accountId: B, arns: [SESSION_B, ROLE_B], isRoot: false };

export type Json = Record<string, unknown>;

/** A policy document with Version 2012-10-17 unless `version` says otherwise (null: none). */
export function doc(statements: Json[], version: string | null = '2012-10-17'): string {
  return JSON.stringify(version === null ? { Statement: statements } : { Version: version, Statement: statements });
}

export const allow = (s: Json): Json => ({ Effect: 'Allow', ...s });
export const deny = (s: Json): Json => ({ Effect: 'Deny', ...s });

/** The default key policy's statement (KMS Developer Guide, "Default key policy"). */
export const enableIam = (account = A): Json =>
  allow({ Sid: 'EnableIAM', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' });

export const compile = (text: string, label: string): CompiledPolicy => compilePolicy(text, label);

export function request(
  principal: PrincipalFacts,
  action: string,
  resource: string,
  context: Record<string, ConditionValue> = {},
  resourceAccountId?: string,
): AuthorizationRequest {
  const ctx = new Map<string, ConditionValue>();
  for (const [k, v] of Object.entries(context)) ctx.set(k.toLowerCase(), v);
  const owner = resourceAccountId ?? /^arn:[^:]+:[^:]+:[^:]*:(\d{12}):/.exec(resource)?.[1];
  return { action, resource, resourceAccountId: owner, principal, context: ctx };
}
