import { KmsError } from '../../../domain/index.js';
import { decodeGrantToken } from '../../../domain/grants.js';
import { resolveKey } from '../resolve.js';
import { checkGrantId, grantNotFound, grantsChanged, invalidGrantToken, noteRetireTarget } from '../grants.js';
import { defineOperation } from '../types.js';

/**
 * RetireGrant names the grant by its token, or by KeyId and GrantId. "The grant determines who can
 * retire it" (Retiring and revoking grants): the pipeline's kms:RetireGrant check on the key is
 * answered by the grant named (services/kms/grants.ts), noted here before the check.
 */
export const RetireGrant = defineOperation({
  name: 'RetireGrant',
  action: 'kms:RetireGrant',
  readOnly: false,
  key: {
    aliases: false,
    crossAccount: true,
    async from({ input, caller, services }) {
      const { GrantToken: token, KeyId: keyId, GrantId: grantId } = input;
      if (token !== undefined) {
        const named = decodeGrantToken(token);
        if (!named) throw invalidGrantToken();
        if (grantId !== undefined && grantId !== named.grantId) throw invalidGrantToken();
        if (keyId !== undefined) {
          const key = await resolveKey(keyId, { aliases: false, crossAccount: true }, caller, services);
          if (key.arn !== named.keyArn) throw invalidGrantToken();
        }
        noteRetireTarget(caller, named.keyArn, named.grantId);
        return named.keyArn;
      }
      if (keyId === undefined || grantId === undefined) {
        throw new KmsError('ValidationException', 'Grant token OR (grant ID, key ID) must be specified');
      }
      checkGrantId(grantId);
      const key = await resolveKey(keyId, { aliases: false, crossAccount: true }, caller, services);
      noteRetireTarget(caller, key.arn, grantId);
      return key.arn;
    },
  },
  async run({ input, key, services }) {
    const grantId = input.GrantId ?? decodeGrantToken(input.GrantToken!)!.grantId;
    const grant = await services.storage.getGrant(key.arn, grantId);
    if (!grant) throw grantNotFound(grantId, key.arn);
    if (input.DryRun === true) {
      throw new KmsError('DryRunOperationException', 'The request would have succeeded, but the DryRun option is set.');
    }
    if ((await services.storage.deleteGrant(key.arn, grantId)) === 'not-found') throw grantNotFound(grantId, key.arn);
    grantsChanged(services, key.arn);
    return {};
  },
});
