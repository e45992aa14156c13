/**
 * Parameter values at rest and on the way out. No value is ever stored in plaintext:
 *
 * - String and StringList: sealed by Parameter Store's AWS owned key (`services.ownedKeys`,
 *   purpose `ssm-parameter`), bound to the parameter's ARN and version.
 * - SecureString, Standard tier: KMS Encrypt on the caller's behalf (`services.invoke`), with the
 *   encryption context `{"PARAMETER_ARN": <arn>}` as AWS uses it; stored as KMS's ciphertext blob.
 * - SecureString, Advanced tier: envelope encryption, as AWS does it for values up to 8 KB: a data
 *   key from KMS GenerateDataKey (AES_256, the same context) encrypts the value with AES-256-GCM.
 *   Trent's envelope (docs/parameter-store.md):
 *
 *     0x01 || u16 BE length of the encrypted data key || encrypted data key
 *          || AES-256-GCM of the value under the data key (aesGcmSeal: version, IV, ciphertext, tag),
 *             associated data = the canonical encoding of the encryption context
 *
 * A SecureString read without WithDecryption answers the stored blob in base64 (what AWS answers
 * is its ciphertext, equally opaque). With it, KMS Decrypt runs on the caller's behalf, so the
 * caller needs kms:Decrypt on the key; KMS's refusals are answered as Parameter Store answers them.
 */
import { randomUUID } from 'node:crypto';
import { aesGcmOpen, aesGcmSeal, encodeEncryptionContext } from '../../crypto/index.js';
import { KmsError } from '../../domain/index.js';
import type { Caller, Services } from '../../pipeline/types.js';
import { OnBehalfError } from '../../pipeline/invoke.js';
import type {
  ParameterRecord,
  ParameterTier,
  ParameterType,
  ParameterVersionRecord,
} from '../../storage/parameter-types.js';

/** The owned key's purpose for String and StringList values. */
export const OWNED_KEY_PURPOSE = 'ssm-parameter';
/** The key SecureString parameters use when the request names none. */
export const DEFAULT_KEY_ID = 'alias/aws/ssm';

const ENVELOPE_VERSION = 1;

const kmsContext = (arn: string): Record<string, string> => ({ PARAMETER_ARN: arn });
const ownedContext = (arn: string, version: number): Record<string, string> => ({
  PARAMETER_ARN: arn,
  PARAMETER_VERSION: String(version),
});

/**
 * KMS's error as Parameter Store answers it: AccessDeniedException keeps its code, every other
 * refusal about the key (missing, disabled, wrong state or usage) is InvalidKeyId; both carry
 * KMS's message with the AWS SDK's service suffix, as Parameter Store relays it ("Key '...' does
 * not exist (Service: AWSKMS; Status Code: 400; Error Code: NotFoundException; Request ID: ...;
 * Proxy: null)"). Throttling stays throttling; anything else is Parameter Store's internal error.
 */
export function kmsFailure(err: unknown): unknown {
  if (!(err instanceof KmsError)) return err;
  // The KMS request's id, as its own audit event records it.
  const requestId = err instanceof OnBehalfError ? err.requestId : randomUUID();
  const suffix = `(Service: AWSKMS; Status Code: 400; Error Code: ${err.code}; Request ID: ${requestId}; Proxy: null)`;
  const message = err.message === '' ? suffix : `${err.message} ${suffix}`;
  switch (err.code) {
    case 'AccessDeniedException':
      return new KmsError('AccessDeniedException', message);
    case 'ThrottlingException':
      return new KmsError('ThrottlingException', err.message);
    case 'KMSInternalException':
    case 'DependencyTimeoutException':
    case 'InternalFailure':
      return new KmsError('InternalServerError', '');
    default:
      return new KmsError('InvalidKeyId', message);
  }
}

async function kms(
  services: Services,
  operation: 'Encrypt' | 'Decrypt' | 'GenerateDataKey',
  input: Record<string, unknown>,
  caller: Caller,
): Promise<Record<string, unknown>> {
  try {
    return await services.invoke.kms(operation, input, caller, 'ssm');
  } catch (err) {
    throw kmsFailure(err);
  }
}

export interface NewValue {
  type: ParameterType;
  tier: ParameterTier;
  keyId?: string | undefined;
  version: number;
  plaintext: string;
}

/** The value as stored for a new version of `record` (its ARN binds it). */
export async function protectValue(services: Services, caller: Caller, arn: string, v: NewValue): Promise<Buffer> {
  const plaintext = Buffer.from(v.plaintext, 'utf8');
  try {
    if (v.type !== 'SecureString') {
      return await services.ownedKeys.seal(OWNED_KEY_PURPOSE, caller.region, plaintext, ownedContext(arn, v.version));
    }
    const keyId = v.keyId ?? DEFAULT_KEY_ID;
    if (v.tier === 'Standard') {
      const out = await kms(
        services,
        'Encrypt',
        { KeyId: keyId, Plaintext: plaintext, EncryptionContext: kmsContext(arn) },
        caller,
      );
      return out.CiphertextBlob as Buffer;
    }
    const out = await kms(
      services,
      'GenerateDataKey',
      { KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: kmsContext(arn) },
      caller,
    );
    const dataKey = out.Plaintext as Buffer;
    const encryptedKey = out.CiphertextBlob as Buffer;
    try {
      const length = Buffer.alloc(2);
      length.writeUInt16BE(encryptedKey.length);
      const sealed = aesGcmSeal(dataKey, plaintext, encodeEncryptionContext(kmsContext(arn)));
      return Buffer.concat([Buffer.of(ENVELOPE_VERSION), length, encryptedKey, sealed]);
    } finally {
      dataKey.fill(0);
    }
  } finally {
    plaintext.fill(0);
  }
}

/** Parameter Store's own failure to read what it stored (never the value, never the cause). */
const unreadable = (): KmsError => new KmsError('InternalServerError', '');

/**
 * The value of `v` as GetParameter answers it: String and StringList in plaintext; SecureString
 * decrypted through KMS when `decrypt`, else the stored ciphertext in base64.
 */
export async function revealValue(
  services: Services,
  caller: Caller,
  record: ParameterRecord,
  v: ParameterVersionRecord,
  decrypt: boolean,
): Promise<string> {
  if (v.type !== 'SecureString') {
    let opened: Buffer;
    try {
      opened = await services.ownedKeys.open(
        OWNED_KEY_PURPOSE,
        record.region,
        v.value,
        ownedContext(record.arn, v.version),
      );
    } catch {
      throw unreadable();
    }
    return opened.toString('utf8');
  }
  if (!decrypt) return v.value.toString('base64');
  if (v.tier === 'Standard') {
    const out = await kms(
      services,
      'Decrypt',
      { CiphertextBlob: v.value, EncryptionContext: kmsContext(record.arn) },
      caller,
    );
    return (out.Plaintext as Buffer).toString('utf8');
  }
  const blob = v.value;
  if (blob.length < 3 || blob[0] !== ENVELOPE_VERSION) throw unreadable();
  const keyLength = blob.readUInt16BE(1);
  const encryptedKey = blob.subarray(3, 3 + keyLength);
  const out = await kms(
    services,
    'Decrypt',
    { CiphertextBlob: encryptedKey, EncryptionContext: kmsContext(record.arn) },
    caller,
  );
  const dataKey = out.Plaintext as Buffer;
  try {
    return aesGcmOpen(dataKey, blob.subarray(3 + keyLength), encodeEncryptionContext(kmsContext(record.arn))).toString(
      'utf8',
    );
  } catch {
    throw unreadable();
  } finally {
    dataKey.fill(0);
  }
}
