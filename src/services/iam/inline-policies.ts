/**
 * Inline policies of users, groups and roles: Put, Get, List and Delete<Kind>Policy are the same
 * four operations for each kind, built here from the entity table; each operation file picks its
 * kind. Sizes count the aggregate of the entity's inline policies without white space.
 */
import { INLINE_POLICY_SIZE_QUOTA, IamErrors, encodePolicyDocument, type IamEntityKind } from '../../domain/index.js';
import type { ServiceOperation } from '../../pipeline/service.js';
import { iamQuotas } from './context.js';
import { checkIdentityPolicy } from './documents.js';
import { KIND_WORD, entityResource, nameIn, refOf, requireEntity, type NamedBy } from './entities.js';
import { defineIamOperation } from './operation.js';
import { pageOf, type PageAnswer, type PageRequest } from './paging.js';
import { isLimit } from './results.js';

type PolicyInput<K extends IamEntityKind> = NamedBy<K> & { PolicyName: string };

export function putInlinePolicy<K extends IamEntityKind>(
  kind: K,
): ServiceOperation<PolicyInput<K> & { PolicyDocument: string }, Record<string, never>> {
  return defineIamOperation({
    name: `Put${KIND_WORD[kind]}Policy`,
    readOnly: false,
    resource: entityResource(kind),
    async run({ input, caller, services }) {
      checkIdentityPolicy(input.PolicyDocument);
      const name = nameIn(kind, input);
      const limit = iamQuotas(services)[INLINE_POLICY_SIZE_QUOTA[kind]];
      const result = await services.storage.putInlinePolicy(
        { entity: refOf(caller, kind, name), policyName: input.PolicyName, document: input.PolicyDocument },
        limit,
      );
      if (result === 'not-found') throw IamErrors.noSuchEntity(kind, name);
      if (isLimit(result)) throw IamErrors.inlinePolicyTooLarge(kind, name, limit);
      return {};
    },
  });
}

export function getInlinePolicy<K extends IamEntityKind>(
  kind: K,
): ServiceOperation<PolicyInput<K>, Record<string, string>> {
  return defineIamOperation({
    name: `Get${KIND_WORD[kind]}Policy`,
    readOnly: true,
    resource: entityResource(kind),
    async run({ input, caller, services }) {
      const ref = refOf(caller, kind, nameIn(kind, input));
      const policy = await services.storage.getInlinePolicy(ref, input.PolicyName);
      if (!policy) {
        await requireEntity(services, ref);
        throw IamErrors.noSuchInlinePolicy(kind, input.PolicyName);
      }
      const entityName = (await entityNameAsStored(services, ref)) ?? ref.name;
      return {
        [`${KIND_WORD[kind]}Name`]: entityName,
        PolicyName: policy.policyName,
        PolicyDocument: encodePolicyDocument(policy.document),
      };
    },
  });
}

export function listInlinePolicies<K extends IamEntityKind>(
  kind: K,
): ServiceOperation<NamedBy<K> & PageRequest, { PolicyNames: string[] } & PageAnswer> {
  return defineIamOperation({
    name: `List${KIND_WORD[kind]}Policies`,
    readOnly: true,
    resource: entityResource(kind),
    async run({ input, caller, services }) {
      const name = nameIn(kind, input);
      const policies = await services.storage.listInlinePolicies(refOf(caller, kind, name));
      if (!policies) throw IamErrors.noSuchEntity(kind, name);
      const page = pageOf(policies, (p) => p.policyName.toLowerCase(), input);
      const { items, ...answer } = page;
      return { PolicyNames: items.map((p) => p.policyName), ...answer };
    },
  });
}

export function deleteInlinePolicy<K extends IamEntityKind>(
  kind: K,
): ServiceOperation<PolicyInput<K>, Record<string, never>> {
  return defineIamOperation({
    name: `Delete${KIND_WORD[kind]}Policy`,
    readOnly: false,
    resource: entityResource(kind),
    async run({ input, caller, services }) {
      const name = nameIn(kind, input);
      const result = await services.storage.deleteInlinePolicy(refOf(caller, kind, name), input.PolicyName);
      if (result === 'no-entity') throw IamErrors.noSuchEntity(kind, name);
      if (result === 'not-found') throw IamErrors.noSuchInlinePolicy(kind, input.PolicyName);
      return {};
    },
  });
}

async function entityNameAsStored(
  services: Parameters<typeof requireEntity>[0],
  ref: ReturnType<typeof refOf>,
): Promise<string | undefined> {
  const s = services.storage;
  if (ref.kind === 'user') return (await s.getUser(ref.accountId, ref.name))?.userName;
  if (ref.kind === 'group') return (await s.getGroup(ref.accountId, ref.name))?.groupName;
  return (await s.getRole(ref.accountId, ref.name))?.roleName;
}
