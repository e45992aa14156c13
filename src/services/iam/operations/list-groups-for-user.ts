/** ListGroupsForUser: the user's groups by name, paged. */
import { IamErrors, nameKey } from '../../../domain/index.js';
import type { iam } from '../../../model/index.js';
import { accountOf } from '../context.js';
import { entityResource } from '../entities.js';
import { defineIamOperation } from '../operation.js';
import { pageOf } from '../paging.js';
import { groupView } from '../views.js';

export const listGroupsForUser = defineIamOperation<iam.ListGroupsForUserRequest, iam.ListGroupsForUserResponse>({
  name: 'ListGroupsForUser',
  readOnly: true,
  resource: entityResource('user'),
  async run({ input, caller, services }) {
    const groups = await services.storage.listGroupsForUser(accountOf(caller), input.UserName);
    if (!groups) throw IamErrors.noSuchEntity('user', input.UserName);
    const { items, ...answer } = pageOf(groups, (g) => nameKey(g.groupName), input);
    return { Groups: items.map(groupView), ...answer };
  },
});
