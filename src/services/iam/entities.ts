/**
 * The three kinds of IAM entity that hold policies, as a table (STYLE rule 3): the input member
 * that names one and how to find it. Operations that exist for users, groups and roles alike
 * (Put/Get/List/Delete<Kind>Policy, Attach/Detach/ListAttached<Kind>Policies) are built from it.
 */
import { IamErrors, type EntityRef, type IamEntityKind } from '../../domain/index.js';
import type { Caller, Services } from '../../pipeline/types.js';
import { accountOf, entityArn } from './context.js';

export const ENTITY_NAME_MEMBER = {
  user: 'UserName',
  group: 'GroupName',
  role: 'RoleName',
} as const satisfies Record<IamEntityKind, string>;

export type EntityNameMember = (typeof ENTITY_NAME_MEMBER)[IamEntityKind];

/** Input naming an entity of `kind` by its member (UserName, GroupName or RoleName). */
export type NamedBy<K extends IamEntityKind> = { [M in (typeof ENTITY_NAME_MEMBER)[K]]: string };

export const nameIn = <K extends IamEntityKind>(kind: K, input: NamedBy<K>): string =>
  (input as Record<string, string>)[ENTITY_NAME_MEMBER[kind]]!;

export const refOf = (caller: Caller, kind: IamEntityKind, name: string): EntityRef => ({
  accountId: accountOf(caller),
  kind,
  name,
});

/** The ARN an entity-level operation is authorized on. */
export const entityResource =
  <K extends IamEntityKind>(kind: K) =>
  async (input: NamedBy<K>, caller: Caller, services: Services): Promise<string> => {
    // The stored ARN carries the entity's path (user/eng/alice), which a policy's Resource may name.
    const ref = refOf(caller, kind, nameIn(kind, input));
    return (await findEntity(services, ref))?.arn ?? entityArn(caller, kind, ref.name);
  };

/** The user an operation names by an optional UserName, else the caller itself (IAM's rule). */
export const userOrCallerResource = (
  input: { UserName?: string | undefined },
  caller: Caller,
  services: Services,
): Promise<string> | string =>
  input.UserName === undefined
    ? caller.principal.arn
    : entityResource('user')({ UserName: input.UserName }, caller, services);

/** The stored user, group or role `ref` names. */
async function findEntity(services: Services, ref: EntityRef): Promise<{ arn: string } | undefined> {
  const s = services.storage;
  if (ref.kind === 'user') return s.getUser(ref.accountId, ref.name);
  if (ref.kind === 'group') return s.getGroup(ref.accountId, ref.name);
  return s.getRole(ref.accountId, ref.name);
}

/** Throws NoSuchEntity unless the entity exists. */
export async function requireEntity(services: Services, ref: EntityRef): Promise<void> {
  if (!(await findEntity(services, ref))) throw IamErrors.noSuchEntity(ref.kind, ref.name);
}

/** Capitalised kind for operation names: PutUserPolicy, AttachRolePolicy, ... */
export const KIND_WORD: Readonly<Record<IamEntityKind, string>> = { user: 'User', group: 'Group', role: 'Role' };
