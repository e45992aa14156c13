import {
  IMPORTABLE_KEY_SPECS,
  WRAPPING_ALGORITHMS,
  WRAPPING_KEY_SPECS,
  wrappingPrivateKey,
  wrappingPublicKeySpki,
} from '../../../crypto/index.js';
import { KmsError, LIMITS, partitionOf } from '../../../domain/index.js';
import { checkExternalOrigin, newImportToken, wrappingKeyAad } from '../imported-material.js';
import { throttledWhenBusy } from '../key-generation.js';
import { defineOperation } from '../types.js';

const HOUR_MS = 60 * 60 * 1000;

/**
 * A new RSA wrapping key pair and import token for one import into an EXTERNAL key. The key pair
 * is generated on the key-generation threads (RSA-4096 takes seconds) and serves this one token.
 */
export const GetParametersForImport = defineOperation({
  name: 'GetParametersForImport',
  action: 'kms:GetParametersForImport',
  readOnly: true,
  key: { member: 'KeyId', aliases: false, crossAccount: false },
  async run({ input, key, caller, services, now }) {
    checkExternalOrigin(key);
    const algorithmName = input.WrappingAlgorithm;
    const specName = input.WrappingKeySpec;
    // SM2 wrapping exists only in the China Regions, like SM2 keys.
    if (algorithmName === 'SM2PKE' || specName === 'SM2') {
      const where = partitionOf(caller.region) === 'aws-cn' ? 'by this server yet' : 'in this Region';
      throw new KmsError('UnsupportedOperationException', `SM2 wrapping is not supported ${where}.`);
    }
    const algorithm = WRAPPING_ALGORITHMS[algorithmName];
    if (!algorithm) {
      // RSAES_PKCS1_V1_5: "As of October 10, 2023, KMS does not support" it (API reference).
      throw new KmsError('ValidationException', `The wrapping algorithm ${algorithmName} is not supported.`);
    }
    const bits = WRAPPING_KEY_SPECS[specName];
    if (bits === undefined) throw new Error(`GetParametersForImport: no wrapping key spec ${specName}`);
    const material = IMPORTABLE_KEY_SPECS[key.keySpec];
    if (!material) throw new Error(`GetParametersForImport: EXTERNAL key of spec ${key.keySpec}`);
    // "To import an RSA private key, you must use an RSA_AES wrapping algorithm"; RSAES_OAEP with
    // RSA_2048 cannot wrap ECC_NIST_P521 material (API reference, WrappingAlgorithm).
    if (!algorithm.aesKeyWrap && (material.directWrapMinBits === undefined || bits < material.directWrapMinBits)) {
      throw new KmsError(
        'ValidationException',
        `The wrapping algorithm ${algorithmName} with wrapping key spec ${specName} cannot wrap ${key.keySpec} key material.`,
      );
    }

    const der = await throttledWhenBusy(
      services.keyGeneration.generateKeyPair({ type: 'rsa', modulusLength: bits, publicExponent: 0x10001 }),
    );
    try {
      const publicKey = wrappingPublicKeySpki(wrappingPrivateKey(der));
      const { token, tokenId } = newImportToken();
      const validTo = new Date(now.getTime() + LIMITS.importParametersValidHours * HOUR_MS);
      const wrappedPrivateKey = await services.keyStore.wrap(
        der,
        wrappingKeyAad(key.arn, tokenId, algorithmName, specName),
      );
      await services.storage.putImportParameters({
        tokenId,
        keyArn: key.arn,
        wrappingAlgorithm: algorithmName,
        wrappingKeySpec: specName,
        wrappedPrivateKey,
        createdAt: now,
        validTo,
      });
      return { KeyId: key.arn, ImportToken: token, PublicKey: publicKey, ParametersValidTo: validTo };
    } finally {
      der.fill(0);
    }
  },
});
