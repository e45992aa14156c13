/** Tag, Untag and List<Kind>Tags for users and roles, built from the entity table. */
import { IamErrors } from '../../domain/index.js';
import type { iam } from '../../model/index.js';
import type { ServiceOperation } from '../../pipeline/service.js';
import { iamQuotas } from './context.js';
import { KIND_WORD, entityResource, nameIn, refOf, type NamedBy } from './entities.js';
import { requireRole, requireUser } from './lookup.js';
import { defineIamOperation } from './operation.js';
import { pageOf, type PageAnswer, type PageRequest } from './paging.js';
import { isLimit } from './results.js';
import { checkTags } from './tags.js';

type Tagged = 'user' | 'role';

export function tagEntity<K extends Tagged>(
  kind: K,
): ServiceOperation<NamedBy<K> & { Tags: iam.Tag[] }, Record<string, never>> {
  return defineIamOperation({
    name: `Tag${KIND_WORD[kind]}`,
    readOnly: false,
    resource: entityResource(kind),
    async run({ input, caller, services }) {
      const name = nameIn(kind, input);
      const tags = checkTags(input.Tags);
      const limit = iamQuotas(services).tagsPerEntity;
      const result = await services.storage.tagEntity(refOf(caller, kind, name), tags, limit);
      if (result === 'not-found') throw IamErrors.noSuchEntity(kind, name);
      if (isLimit(result)) throw IamErrors.tagsExceeded();
      return {};
    },
  });
}

export function untagEntity<K extends Tagged>(
  kind: K,
): ServiceOperation<NamedBy<K> & { TagKeys: string[] }, Record<string, never>> {
  return defineIamOperation({
    name: `Untag${KIND_WORD[kind]}`,
    readOnly: false,
    resource: entityResource(kind),
    async run({ input, caller, services }) {
      const name = nameIn(kind, input);
      const result = await services.storage.untagEntity(refOf(caller, kind, name), input.TagKeys);
      if (result === 'not-found') throw IamErrors.noSuchEntity(kind, name);
      return {};
    },
  });
}

export function listEntityTags<K extends Tagged>(
  kind: K,
): ServiceOperation<NamedBy<K> & PageRequest, { Tags: iam.Tag[] } & PageAnswer> {
  return defineIamOperation({
    name: `List${KIND_WORD[kind]}Tags`,
    readOnly: true,
    resource: entityResource(kind),
    async run({ input, caller, services }) {
      const name = nameIn(kind, input);
      const entity =
        kind === 'user' ? await requireUser(services, caller, name) : await requireRole(services, caller, name);
      const { items, ...answer } = pageOf(entity.tags, (t) => t.Key.toLowerCase(), input);
      return { Tags: items.map((t) => ({ Key: t.Key, Value: t.Value })), ...answer };
    },
  });
}
