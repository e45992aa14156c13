import {
  generateKeyMaterial,
  IMPORTABLE_KEY_SPECS,
  SM2_WRAPPING,
  WRAPPING_ALGORITHMS,
  WRAPPING_KEY_SPECS,
  wrappingPrivateKey,
  wrappingPublicKeySpki,
} from '../../../crypto/index.js';
import { KmsError, LIMITS, partitionOf } from '../../../domain/index.js';
import { checkExternalOrigin, newImportToken, wrappingKeyAad } from '../imported-material.js';
import { throttledWhenBusy } from '../key-generation.js';
import { defineOperation, type Services } from '../types.js';

const HOUR_MS = 60 * 60 * 1000;

/**
 * A new wrapping key pair (RSA; SM2 in the China Regions) and import token for one import into an EXTERNAL key. The key pair
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
    const material = IMPORTABLE_KEY_SPECS[key.keySpec];
    if (!material) throw new Error(`GetParametersForImport: EXTERNAL key of spec ${key.keySpec}`);
    // SM2 wrapping exists only in the China Regions, like SM2 keys, and only as a pair.
    if (algorithmName === SM2_WRAPPING.algorithm || specName === SM2_WRAPPING.keySpec) {
      if (partitionOf(caller.region) !== 'aws-cn') {
        throw new KmsError('UnsupportedOperationException', 'SM2 wrapping is not supported in this Region.');
      }
      if (algorithmName !== SM2_WRAPPING.algorithm || specName !== SM2_WRAPPING.keySpec) {
        throw new KmsError(
          'ValidationException',
          `The wrapping algorithm ${algorithmName} cannot be used with the wrapping key spec ${specName}.`,
        );
      }
      // SM2PKE encrypts at most 1024 bytes: as RSAES_OAEP, never an RSA private key.
      if (material.directWrapMinBits === undefined) throw cannotWrap(algorithmName, specName, key.keySpec);
      return issue(
        // An SM2 key pair, generated as SM2 key material is (libuv's pool: about a millisecond).
        await generateKeyMaterial('SM2', services.keyGeneration),
        algorithmName,
        specName,
        key.arn,
        services,
        now,
      );
    }
    const algorithm = WRAPPING_ALGORITHMS[algorithmName];
    if (!algorithm) {
      // RSAES_PKCS1_V1_5: "As of October 10, 2023, KMS does not support" it (API reference).
      throw new KmsError('ValidationException', `The wrapping algorithm ${algorithmName} is not supported.`);
    }
    const bits = WRAPPING_KEY_SPECS[specName];
    if (bits === undefined) throw new Error(`GetParametersForImport: no wrapping key spec ${specName}`);
    // "To import an RSA private key, you must use an RSA_AES wrapping algorithm"; RSAES_OAEP with
    // RSA_2048 cannot wrap ECC_NIST_P521 material (API reference, WrappingAlgorithm).
    if (!algorithm.aesKeyWrap && (material.directWrapMinBits === undefined || bits < material.directWrapMinBits)) {
      throw cannotWrap(algorithmName, specName, key.keySpec);
    }
    const der = await throttledWhenBusy(
      services.keyGeneration.generateKeyPair({ type: 'rsa', modulusLength: bits, publicExponent: 0x10001 }),
    );
    return issue(der, algorithmName, specName, key.arn, services, now);
  },
});

const cannotWrap = (algorithm: string, spec: string, keySpec: string): KmsError =>
  new KmsError(
    'ValidationException',
    `The wrapping algorithm ${algorithm} with wrapping key spec ${spec} cannot wrap ${keySpec} key material.`,
  );

/** Stores the wrapping private key `der` (wrapped by the key store) under a new token, and answers; `der` is wiped. */
async function issue(der: Buffer, algorithm: string, spec: string, keyArn: string, services: Services, now: Date) {
  try {
    const publicKey = wrappingPublicKeySpki(wrappingPrivateKey(der));
    const { token, tokenId } = newImportToken();
    const validTo = new Date(now.getTime() + LIMITS.importParametersValidHours * HOUR_MS);
    const wrappedPrivateKey = await services.keyStore.wrap(der, wrappingKeyAad(keyArn, tokenId, algorithm, spec));
    await services.storage.putImportParameters({
      tokenId,
      keyArn,
      wrappingAlgorithm: algorithm,
      wrappingKeySpec: spec,
      wrappedPrivateKey,
      createdAt: now,
      validTo,
    });
    return { KeyId: keyArn, ImportToken: token, PublicKey: publicKey, ParametersValidTo: validTo };
  } finally {
    der.fill(0);
  }
}
