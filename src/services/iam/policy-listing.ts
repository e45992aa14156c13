/**
 * ListPolicies over the two places policies live: AWS managed ones (domain/iam.ts's table) then the
 * account's customer managed ones (storage). The marker says which part the page ended in.
 */
import { AWS_MANAGED_POLICIES, iamArn, pathMatches } from '../../domain/index.js';
import type { iam } from '../../model/index.js';
import type { Services } from '../../pipeline/types.js';
import type { ManagedPolicyView } from '../../storage/identity-types.js';
import { findManagedPolicy } from './lookup.js';
import { decodeMarker, encodeMarker, limitOf } from './paging.js';

export interface PolicyListing {
  policies: ManagedPolicyView[];
  IsTruncated: boolean;
  Marker?: string;
}

export async function listManagedPolicies(
  services: Services,
  accountId: string,
  partition: string,
  input: iam.ListPoliciesRequest,
): Promise<PolicyListing> {
  const scope = input.Scope ?? 'All';
  const limit = limitOf(input);
  const marker = decodeMarker(input.Marker);
  const inLocal = marker?.startsWith('l:') ?? false;
  const policies: ManagedPolicyView[] = [];

  if (scope !== 'Local' && !inLocal) {
    const after = marker?.startsWith('a:') ? marker.slice(2) : undefined;
    for (const p of AWS_MANAGED_POLICIES) {
      if (after !== undefined && p.name <= after) continue;
      if (!pathMatches(p.path, input.PathPrefix)) continue;
      const view = await findManagedPolicy(services, iamArn('policy', 'aws', p.path, p.name, partition));
      if (!view || (input.OnlyAttached && view.attachmentCount === 0)) continue;
      if (policies.length === limit)
        return { policies, IsTruncated: true, Marker: encodeMarker(`a:${policies.at(-1)!.policyName}`) };
      policies.push(view);
    }
  }
  if (scope !== 'AWS') {
    const after = inLocal ? marker!.slice(2) : undefined;
    const room = limit - policies.length;
    if (room === 0) {
      const more =
        (
          await services.storage.listPolicies(accountId, {
            limit: 1,
            onlyAttached: input.OnlyAttached,
            pathPrefix: input.PathPrefix,
          })
        ).items.length > 0;
      return more
        ? { policies, IsTruncated: true, Marker: encodeMarker(`a:${policies.at(-1)!.policyName}`) }
        : { policies, IsTruncated: false };
    }
    const page = await services.storage.listPolicies(accountId, {
      limit: room,
      after,
      pathPrefix: input.PathPrefix,
      onlyAttached: input.OnlyAttached,
    });
    policies.push(...page.items);
    if (page.more) return { policies, IsTruncated: true, Marker: encodeMarker(`l:${page.items.at(-1)!.policyName}`) };
  }
  return { policies, IsTruncated: false };
}
