import { describeAlgorithms } from '../../../domain/index.js';
import type { GetPublicKeyResponse } from '../../../model/index.js';
import { publicKeyDer } from '../public-keys.js';
import { defineOperation } from '../types.js';

export const GetPublicKey = defineOperation({
  name: 'GetPublicKey',
  action: 'kms:GetPublicKey',
  readOnly: true,
  key: { member: 'KeyId', aliases: true, crossAccount: true },
  async run({ key, services }) {
    const spec = key.keySpec as GetPublicKeyResponse['KeySpec'];
    return {
      KeyId: key.arn,
      PublicKey: await publicKeyDer(services, key),
      CustomerMasterKeySpec: spec as GetPublicKeyResponse['CustomerMasterKeySpec'],
      KeySpec: spec,
      KeyUsage: key.keyUsage as GetPublicKeyResponse['KeyUsage'],
      // SigningAlgorithms, EncryptionAlgorithms, KeyAgreementAlgorithms... per usage, as DescribeKey.
      ...(describeAlgorithms(key.keySpec, key.keyUsage) as Partial<GetPublicKeyResponse>),
    };
  },
});
