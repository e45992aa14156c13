/**
 * Signing keys for Sign and Verify: the key rule, the algorithm and message checks (with AWS's
 * messages), and the key's parsed signing parts, computed once per material and cached beside it.
 */
import {
  SIGNING_ALGORITHMS,
  SIGNING_KEY_FROM_MATERIAL,
  type MessageType,
  type SigningAlgorithm,
  type SigningPrivateKey,
} from '../../crypto/index.js';
import { KmsError, type KeyRecord } from '../../domain/index.js';
import type { Services } from './types.js';

/** Sign and Verify accept aliases and other accounts' key ARNs (API reference). */
export const SIGNING_KEY_RULE = { aliases: true, crossAccount: true, usage: 'SIGN_VERIFY' } as const;

/** The row of `name`, which must fit the key's spec (InvalidKeyUsageException otherwise, as AWS). */
export function signingAlgorithm(key: KeyRecord, name: string): SigningAlgorithm {
  const row = SIGNING_ALGORITHMS[name];
  if (!row || !row.keySpecs.includes(key.keySpec)) {
    throw new KmsError('InvalidKeyUsageException', `Algorithm ${name} is incompatible with key spec ${key.keySpec}.`);
  }
  return row;
}

/**
 * Checks the Message against the MessageType (default RAW). The model already bounds every
 * Message to 1..4096 bytes; a DIGEST must be exactly the algorithm's digest length and an
 * EXTERNAL_MU 64 bytes.
 */
export function checkMessage(
  algorithm: SigningAlgorithm,
  message: Uint8Array,
  messageType: string | undefined,
): MessageType {
  const type = (messageType ?? 'RAW') as MessageType;
  if (!algorithm.messageTypes.includes(type)) {
    // Not recorded from AWS; the KeySpec reference says these types "cannot be used interchangeably".
    throw new KmsError('ValidationException', `MessageType ${type} is not supported for algorithm ${algorithm.name}.`);
  }
  if (type !== 'RAW' && message.length !== algorithm.digestLength) {
    throw new KmsError('ValidationException', `Digest is invalid length for algorithm ${algorithm.name}.`);
  }
  return type;
}

/** The signing parts of `key`'s current material (asymmetric keys never rotate). */
export async function signingKey(services: Services, key: KeyRecord): Promise<SigningPrivateKey> {
  const parse = SIGNING_KEY_FROM_MATERIAL[key.keySpec];
  if (!parse) throw new Error(`no signing key parser for ${key.keySpec}`);
  return services.materials.derived(key.arn, key.currentMaterialId, 'signing-key', parse);
}

export const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
