/** UpdateAccessKey: Active or Inactive; an Inactive key stops authenticating at once (changed()). */
import { IamErrors, KmsError } from '../../../domain/index.js';
import type { iam } from '../../../model/index.js';
import { accountOf } from '../context.js';
import { implicitUserName } from '../lookup.js';
import { userOrCallerResource } from '../entities.js';
import { defineIamOperation } from '../operation.js';

export const updateAccessKey = defineIamOperation<iam.UpdateAccessKeyRequest, Record<string, never>>({
  name: 'UpdateAccessKey',
  readOnly: false,
  resource: userOrCallerResource,
  async run({ input, caller, services }) {
    if (input.Status === 'Expired') throw new KmsError('InvalidInput', 'Invalid status: Expired');
    const userName = implicitUserName(caller, input.UserName);
    const result = await services.storage.updateAccessKeyStatus(
      accountOf(caller),
      userName,
      input.AccessKeyId,
      input.Status,
    );
    if (result === 'not-found') throw IamErrors.noSuchAccessKey(input.AccessKeyId);
    return {};
  },
});
