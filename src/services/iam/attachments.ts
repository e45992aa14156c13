/**
 * Managed policies attached to users, groups and roles: Attach, Detach and ListAttached are the
 * same three operations for each kind, built from the entity table.
 */
import {
  ATTACHED_POLICIES_QUOTA,
  IamErrors,
  parseIamArn,
  pathMatches,
  type IamEntityKind,
} from '../../domain/index.js';
import type { iam } from '../../model/index.js';
import type { ServiceOperation } from '../../pipeline/service.js';
import { iamQuotas } from './context.js';
import { KIND_WORD, entityResource, nameIn, refOf, type NamedBy } from './entities.js';
import { checkPolicyArn, requireAttachable } from './lookup.js';
import { defineIamOperation } from './operation.js';
import { pageOf, type PageAnswer, type PageRequest } from './paging.js';
import { isLimit } from './results.js';
import { attachedPolicyView } from './views.js';

type AttachInput<K extends IamEntityKind> = NamedBy<K> & { PolicyArn: string };

export function attachPolicy<K extends IamEntityKind>(
  kind: K,
): ServiceOperation<AttachInput<K>, Record<string, never>> {
  return defineIamOperation({
    name: `Attach${KIND_WORD[kind]}Policy`,
    readOnly: false,
    resource: entityResource(kind),
    async run({ input, caller, services }) {
      const name = nameIn(kind, input);
      await requireAttachable(services, input.PolicyArn);
      const quota = ATTACHED_POLICIES_QUOTA[kind];
      const limit = iamQuotas(services)[quota];
      const result = await services.storage.attachPolicy(refOf(caller, kind, name), input.PolicyArn, limit);
      if (result === 'no-entity') throw IamErrors.noSuchEntity(kind, name);
      if (result === 'no-policy') throw IamErrors.policyNotAttachable(input.PolicyArn);
      if (isLimit(result)) throw IamErrors.quotaExceeded(quota, limit);
      return {};
    },
  });
}

export function detachPolicy<K extends IamEntityKind>(
  kind: K,
): ServiceOperation<AttachInput<K>, Record<string, never>> {
  return defineIamOperation({
    name: `Detach${KIND_WORD[kind]}Policy`,
    readOnly: false,
    resource: entityResource(kind),
    async run({ input, caller, services }) {
      checkPolicyArn(input.PolicyArn);
      const name = nameIn(kind, input);
      const result = await services.storage.detachPolicy(refOf(caller, kind, name), input.PolicyArn);
      if (result === 'no-entity') throw IamErrors.noSuchEntity(kind, name);
      if (result === 'not-attached') throw IamErrors.policyNotAttached(input.PolicyArn);
      return {};
    },
  });
}

export function listAttachedPolicies<K extends IamEntityKind>(
  kind: K,
): ServiceOperation<
  NamedBy<K> & PageRequest & { PathPrefix?: string | undefined },
  { AttachedPolicies: iam.AttachedPolicy[] } & PageAnswer
> {
  return defineIamOperation({
    name: `ListAttached${KIND_WORD[kind]}Policies`,
    readOnly: true,
    resource: entityResource(kind),
    async run({ input, caller, services }) {
      const name = nameIn(kind, input);
      const arns = await services.storage.listAttachedPolicies(refOf(caller, kind, name));
      if (!arns) throw IamErrors.noSuchEntity(kind, name);
      const matching = arns.filter((arn) => pathMatches(parseIamArn(arn)?.path ?? '/', input.PathPrefix));
      // Attachment order is the listing order; the marker is the position reached.
      const indexed = matching.map((arn, i) => ({ arn, key: String(i).padStart(6, '0') }));
      const { items, ...answer } = pageOf(indexed, (e) => e.key, input);
      return { AttachedPolicies: items.map((e) => attachedPolicyView(e.arn)), ...answer };
    },
  });
}
