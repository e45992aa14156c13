/** CreateAccessKey: at most two per user (any status); the secret is in this answer only. */
import { IamErrors } from '../../../domain/index.js';
import type { iam } from '../../../model/index.js';
import { newAccessKey } from '../access-keys.js';
import { iamQuotas } from '../context.js';
import { implicitUserName, requireUser } from '../lookup.js';
import { userOrCallerResource } from '../entities.js';
import { defineIamOperation } from '../operation.js';
import { expectCreated } from '../results.js';

export const createAccessKey = defineIamOperation<iam.CreateAccessKeyRequest, iam.CreateAccessKeyResponse>({
  name: 'CreateAccessKey',
  readOnly: false,
  resource: userOrCallerResource,
  async run({ input, caller, services, now }) {
    const userName = implicitUserName(caller, input.UserName);
    const user = userName === undefined ? undefined : await requireUser(services, caller, userName);
    const { record, secretAccessKey } = await newAccessKey(services, caller, user?.arn, now);
    const limit = iamQuotas(services).accessKeysPerUser;
    expectCreated(await services.storage.createUserAccessKey(user?.userName, record, limit), {
      notFound: () => IamErrors.noSuchEntity('user', userName ?? ''),
      limit: () => IamErrors.quotaExceeded('accessKeysPerUser', limit),
    });
    return {
      AccessKey: {
        UserName: user?.userName ?? '',
        AccessKeyId: record.accessKeyId,
        Status: record.status,
        SecretAccessKey: secretAccessKey,
        CreateDate: record.createdAt,
      },
    };
  },
});
