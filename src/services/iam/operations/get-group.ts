/** GetGroup: the group and its members, paged by Marker and MaxItems. */
import { IamErrors, nameKey } from '../../../domain/index.js';
import type { iam } from '../../../model/index.js';
import { accountOf } from '../context.js';
import { entityResource } from '../entities.js';
import { requireGroup } from '../lookup.js';
import { defineIamOperation } from '../operation.js';
import { pageOf } from '../paging.js';
import { groupView, userView } from '../views.js';

export const getGroup = defineIamOperation<iam.GetGroupRequest, iam.GetGroupResponse>({
  name: 'GetGroup',
  readOnly: true,
  resource: entityResource('group'),
  async run({ input, caller, services }) {
    const group = await requireGroup(services, caller, input.GroupName);
    const members = await services.storage.listGroupMembers(accountOf(caller), input.GroupName);
    if (!members) throw IamErrors.noSuchEntity('group', input.GroupName);
    const { items, ...answer } = pageOf(members, (u) => nameKey(u.userName), input);
    return { Group: groupView(group), Users: items.map((u) => userView(u, false)), ...answer };
  },
});
