import { KEY_AGREEMENT_ALGORITHMS, PeerPublicKeyError } from '../../../crypto/index.js';
import { KEY_SPECS, KmsError } from '../../../domain/index.js';
import type { DeriveSharedSecretResponse } from '../../../model/index.js';
import { privateKeyObject } from '../asymmetric-keys.js';
import { refuseRecipient } from '../recipient.js';
import { defineOperation } from '../types.js';

export const DeriveSharedSecret = defineOperation({
  name: 'DeriveSharedSecret',
  action: 'kms:DeriveSharedSecret',
  readOnly: true,
  // AWS: key id, key ARN, alias name or alias ARN; another account's key by key or alias ARN.
  key: { member: 'KeyId', aliases: true, crossAccount: true, usage: 'KEY_AGREEMENT' },
  dryRun: true,
  async run({ input, key, services }) {
    refuseRecipient(input);
    const name = input.KeyAgreementAlgorithm;
    const algorithm = KEY_AGREEMENT_ALGORITHMS[name];
    if (!algorithm || !KEY_SPECS[key.keySpec]?.algorithms.KEY_AGREEMENT?.includes(name)) {
      throw new KmsError('InvalidKeyUsageException', `Algorithm ${name} is incompatible with key spec ${key.keySpec}.`);
    }
    const privateKey = await privateKeyObject(services, key);
    const peer = Buffer.from(input.PublicKey.buffer, input.PublicKey.byteOffset, input.PublicKey.byteLength);
    try {
      const secret = algorithm.derive(privateKey, peer);
      return {
        KeyId: key.arn,
        SharedSecret: secret,
        KeyAgreementAlgorithm: name,
        KeyOrigin: key.origin as DeriveSharedSecretResponse['KeyOrigin'],
      };
    } catch (e) {
      // AWS answers an unusable peer public key with an empty ValidationException (recorded).
      if (e instanceof PeerPublicKeyError) throw new KmsError('ValidationException', '');
      throw e;
    }
  },
});
