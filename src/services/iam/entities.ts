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
  (input: NamedBy<K>, caller: Caller): string =>
    entityArn(caller, kind, nameIn(kind, input));

/** Throws NoSuchEntity unless the entity exists. */
export async function requireEntity(services: Services, ref: EntityRef): Promise<void> {
  const s = services.storage;
  const found =
    ref.kind === 'user'
      ? await s.getUser(ref.accountId, ref.name)
      : ref.kind === 'group'
        ? await s.getGroup(ref.accountId, ref.name)
        : await s.getRole(ref.accountId, ref.name);
  if (!found) throw IamErrors.noSuchEntity(ref.kind, ref.name);
}

/** Capitalised kind for operation names: PutUserPolicy, AttachRolePolicy, ... */
export const KIND_WORD: Readonly<Record<IamEntityKind, string>> = { user: 'User', group: 'Group', role: 'Role' };
