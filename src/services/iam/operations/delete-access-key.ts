/** DeleteAccessKey: the key stops authenticating at once; its wrapped secret is erased. */
import { IamErrors } from '../../../domain/index.js';
import type { iam } from '../../../model/index.js';
import { accountOf } from '../context.js';
import { implicitUserName } from '../lookup.js';
import { userOrCallerResource } from '../entities.js';
import { defineIamOperation } from '../operation.js';

export const deleteAccessKey = defineIamOperation<iam.DeleteAccessKeyRequest, Record<string, never>>({
  name: 'DeleteAccessKey',
  readOnly: false,
  resource: userOrCallerResource,
  async run({ input, caller, services }) {
    const userName = implicitUserName(caller, input.UserName);
    const result = await services.storage.deleteUserAccessKey(accountOf(caller), userName, input.AccessKeyId);
    if (result === 'not-found') throw IamErrors.noSuchAccessKey(input.AccessKeyId);
    return {};
  },
});
