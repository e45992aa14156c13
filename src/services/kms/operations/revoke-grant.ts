import { KmsError } from '../../../domain/index.js';
import { checkGrantId, grantNotFound, grantsChanged } from '../grants.js';
import { defineOperation } from '../types.js';

/** RevokeGrant is authorized like most operations: kms:RevokeGrant in the key policy (or IAM through it). */
export const RevokeGrant = defineOperation({
  name: 'RevokeGrant',
  action: 'kms:RevokeGrant',
  readOnly: false,
  key: { member: 'KeyId', aliases: false, crossAccount: true },
  async run({ input, key, services }) {
    checkGrantId(input.GrantId);
    const grant = await services.storage.getGrant(key.arn, input.GrantId);
    if (!grant) throw grantNotFound(input.GrantId, key.arn);
    if (input.DryRun === true) {
      throw new KmsError('DryRunOperationException', 'The request would have succeeded, but the DryRun option is set.');
    }
    if ((await services.storage.deleteGrant(key.arn, grant.grantId)) === 'not-found') {
      throw grantNotFound(input.GrantId, key.arn);
    }
    grantsChanged(services, key.arn);
    return {};
  },
});
