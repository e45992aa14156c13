/** Put and Delete<Kind>PermissionsBoundary for users and roles, built from the entity table. */
import { IamErrors } from '../../domain/index.js';
import type { ServiceOperation } from '../../pipeline/service.js';
import { KIND_WORD, entityResource, nameIn, refOf, requireEntity, type NamedBy } from './entities.js';
import { requireAttachable } from './lookup.js';
import { defineIamOperation } from './operation.js';

type Bounded = 'user' | 'role';

export function putPermissionsBoundary<K extends Bounded>(
  kind: K,
): ServiceOperation<NamedBy<K> & { PermissionsBoundary: string }, Record<string, never>> {
  return defineIamOperation({
    name: `Put${KIND_WORD[kind]}PermissionsBoundary`,
    readOnly: false,
    resource: entityResource(kind),
    async run({ input, caller, services }) {
      const ref = refOf(caller, kind, nameIn(kind, input));
      await requireEntity(services, ref);
      await requireAttachable(services, input.PermissionsBoundary);
      const result = await services.storage.setPermissionsBoundary(ref, input.PermissionsBoundary);
      if (result === 'not-found') throw IamErrors.noSuchEntity(kind, ref.name);
      return {};
    },
  });
}

export function deletePermissionsBoundary<K extends Bounded>(
  kind: K,
): ServiceOperation<NamedBy<K>, Record<string, never>> {
  return defineIamOperation({
    name: `Delete${KIND_WORD[kind]}PermissionsBoundary`,
    readOnly: false,
    resource: entityResource(kind),
    async run({ input, caller, services }) {
      const ref = refOf(caller, kind, nameIn(kind, input));
      const result = await services.storage.setPermissionsBoundary(ref, undefined);
      if (result === 'not-found') throw IamErrors.noSuchEntity(kind, ref.name);
      return {};
    },
  });
}
