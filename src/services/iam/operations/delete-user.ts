/**
 * DeleteUser: refused (DeleteConflict) while the user has access keys, policies or groups, as AWS
 * does; its STS sessions (GetSessionToken) go with it.
 */
import { IamErrors } from '../../../domain/index.js';
import type { iam } from '../../../model/index.js';
import { accountOf } from '../context.js';
import { entityResource } from '../entities.js';
import { requireUser } from '../lookup.js';
import { defineIamOperation } from '../operation.js';
import { expectDeleted } from '../results.js';

export const deleteUser = defineIamOperation<iam.DeleteUserRequest, Record<string, never>>({
  name: 'DeleteUser',
  readOnly: false,
  resource: entityResource('user'),
  async run({ input, caller, services }) {
    const user = await requireUser(services, caller, input.UserName);
    const result = await services.storage.deleteUser(accountOf(caller), input.UserName);
    expectDeleted(result, () => IamErrors.noSuchEntity('user', input.UserName));
    await services.storage.deleteSessionsOf(accountOf(caller), user.userId);
    return {};
  },
});
