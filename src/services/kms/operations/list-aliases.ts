import { LIMITS } from '../../../domain/index.js';
import type { AliasListEntry } from '../../../model/index.js';
import { predefinedAliases } from '../managed-keys.js';
import { decodeMarker, encodeMarker } from '../paging.js';
import { defineOperation } from '../types.js';

export const ListAliases = defineOperation({
  name: 'ListAliases',
  action: 'kms:ListAliases',
  readOnly: true,
  async run({ input, caller, services, useKey }) {
    // The model allows up to 1000; AWS documents at most 100 aliases a page.
    const limit = Math.min(input.Limit ?? LIMITS.aliasListDefault, LIMITS.aliasListMax);
    const after = decodeMarker('aliases', input.Marker);
    const target = input.KeyId ? await useKey(input.KeyId, { aliases: false, crossAccount: false }) : undefined;
    const { region } = caller;
    const { accountId } = caller.principal;
    const { aliases, more } = await services.storage.listAliases(region, accountId, limit, after, target?.keyId);
    const entries: AliasListEntry[] = aliases.map((a) => ({
      AliasName: a.aliasName,
      AliasArn: a.aliasArn,
      TargetKeyId: a.targetKeyId,
      CreationDate: a.creationDate,
      LastUpdatedDate: a.lastUpdatedDate,
    }));
    // "The response might also include aliases that have no TargetKeyId field. These are predefined
    // aliases that AWS has created but has not yet associated with a KMS key." They are merged in
    // name order; when storage has more, only those before its last name belong to this page.
    if (!target) {
      const bound = more ? aliases.at(-1)?.aliasName : undefined;
      const candidates = predefinedAliases(region, accountId).filter(
        (p) => (after === undefined || p.AliasName > after) && (bound === undefined || p.AliasName < bound),
      );
      // Storage's page holds every stored alias in that range: a predefined name not on it has no key yet.
      const listed = new Set(entries.map((e) => e.AliasName));
      entries.push(...candidates.filter((p) => !listed.has(p.AliasName)));
      entries.sort((a, b) => (a.AliasName! < b.AliasName! ? -1 : a.AliasName! > b.AliasName! ? 1 : 0));
    }
    const page = entries.slice(0, limit);
    const truncated = more || entries.length > limit;
    const last = page.at(-1);
    return {
      Aliases: page,
      Truncated: truncated,
      ...(truncated && last ? { NextMarker: encodeMarker('aliases', last.AliasName!) } : {}),
    };
  },
});
