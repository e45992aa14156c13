/** GetLoginProfile: Trent keeps no console passwords, so every user answers NoSuchEntity. */
import { KmsError } from '../../../domain/index.js';
import type { iam } from '../../../model/index.js';
import { implicitUserName, requireUser } from '../lookup.js';
import { userOrCallerResource } from '../entities.js';
import { defineIamOperation } from '../operation.js';

export const getLoginProfile = defineIamOperation<iam.GetLoginProfileRequest, iam.GetLoginProfileResponse>({
  name: 'GetLoginProfile',
  readOnly: true,
  resource: userOrCallerResource,
  async run({ input, caller, services }) {
    const userName = implicitUserName(caller, input.UserName);
    const user = userName === undefined ? undefined : await requireUser(services, caller, userName);
    throw new KmsError('NoSuchEntity', `Login Profile for User ${user?.userName ?? 'root'} cannot be found.`);
  },
});
