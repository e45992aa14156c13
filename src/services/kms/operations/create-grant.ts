import { KmsError } from '../../../domain/index.js';
import {
  GRANTS_PER_GRANTEE_PER_KEY,
  encodeGrantToken,
  issuingAccountOf,
  newGrantId,
  type GrantConstraints,
  type GrantOperation,
  type GrantRecord,
} from '../../../domain/grants.js';
import { isEqualOrNarrower, validateCreateGrant } from '../../../policy/grants.js';
import { checkGrantTokens, checkPrincipal, createGrantParents, grantsChanged } from '../grants.js';
import { defineOperation } from '../types.js';

export const CreateGrant = defineOperation({
  name: 'CreateGrant',
  action: 'kms:CreateGrant',
  readOnly: false,
  // "Specify the key ID or key ARN"; another account's key by its ARN.
  key: { member: 'KeyId', aliases: false, crossAccount: true },
  async run({ input, key, caller, services, now }) {
    checkGrantTokens(input.GrantTokens);
    checkPrincipal('GranteePrincipal', input.GranteePrincipal);
    checkPrincipal('RetiringPrincipal', input.RetiringPrincipal);
    const operations = [...new Set(input.Operations)] as GrantOperation[];
    const c = input.Constraints;
    const constraints: GrantConstraints | undefined =
      c && (c.EncryptionContextEquals ?? c.EncryptionContextSubset ?? c.SourceArn) !== undefined
        ? {
            ...(c.EncryptionContextEquals !== undefined ? { encryptionContextEquals: c.EncryptionContextEquals } : {}),
            ...(c.EncryptionContextSubset !== undefined ? { encryptionContextSubset: c.EncryptionContextSubset } : {}),
            ...(c.SourceArn !== undefined ? { sourceArn: c.SourceArn } : {}),
          }
        : undefined;
    validateCreateGrant(
      {
        operations,
        granteePrincipal: input.GranteePrincipal,
        granteeServicePrincipal: input.GranteeServicePrincipal,
        retiringPrincipal: input.RetiringPrincipal,
        retiringServicePrincipal: input.RetiringServicePrincipal,
        constraints,
      },
      key,
    );
    // A grantee whose CreateGrant permission comes from grants may create only a grant equal to or
    // narrower than one of them ("Granting CreateGrant permission").
    const parents = createGrantParents(caller, key.arn);
    if (parents && !parents.some((parent) => isEqualOrNarrower({ operations, constraints }, parent))) {
      throw new KmsError(
        'AccessDeniedException',
        `User: ${caller.principal.arn} is not authorized to perform: kms:CreateGrant on resource: ${key.arn} because no grant allows a grant with these operations and constraints`,
      );
    }
    // Checked after everything a real request checks, before anything is written.
    if (input.DryRun === true) {
      throw new KmsError('DryRunOperationException', 'The request would have succeeded, but the DryRun option is set.');
    }
    const grant: GrantRecord = {
      grantId: newGrantId((n) => services.random(n)),
      keyArn: key.arn,
      ...(input.Name !== undefined ? { name: input.Name } : {}),
      ...(input.GranteePrincipal !== undefined ? { granteePrincipal: input.GranteePrincipal } : {}),
      ...(input.GranteeServicePrincipal !== undefined
        ? { granteeServicePrincipal: input.GranteeServicePrincipal }
        : {}),
      ...(input.RetiringPrincipal !== undefined ? { retiringPrincipal: input.RetiringPrincipal } : {}),
      ...(input.RetiringServicePrincipal !== undefined
        ? { retiringServicePrincipal: input.RetiringServicePrincipal }
        : {}),
      issuingAccount: issuingAccountOf(key.arn),
      operations,
      ...(constraints ? { constraints } : {}),
      creationDate: now,
    };
    const limits = { perKey: services.quotas.grantsPerKey, perGrantee: GRANTS_PER_GRANTEE_PER_KEY };
    const created = await services.storage.createGrant(grant, limits);
    if (created.result === 'limit') {
      const limit = created.limit === 'perKey' ? limits.perKey : limits.perGrantee;
      throw new KmsError(
        'LimitExceededException',
        created.limit === 'perKey'
          ? `Grants per key quota for this key is ${limit}, current usage is ${created.usage}.`
          : `Grants for a given principal per key quota for this key is ${limit}, current usage is ${created.usage}.`,
      );
    }
    grantsChanged(services, key.arn);
    // "The returned grant token is unique with every CreateGrant request, even when a duplicate
    // GrantId is returned."
    const { grantId } = created.grant;
    return { GrantId: grantId, GrantToken: encodeGrantToken(grantId, key.arn, (n) => services.random(n)) };
  },
});
