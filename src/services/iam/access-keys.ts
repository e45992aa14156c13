/**
 * IAM users' access keys (and the root's, when called by the root without UserName): new key ids
 * (AKIA...), secrets (40 characters, shown once) wrapped by the key store as every secret is.
 */
import { accountRootArn, newIamId, type AccessKeyRecord } from '../../domain/index.js';
import { wrappingAad } from '../../crypto/index.js';
import type { Caller, Services } from '../../pipeline/types.js';
import { accountOf } from './context.js';

/** 40 characters of base64 from 30 random bytes, like AWS secret access keys. */
export const newSecretAccessKey = (services: Services): string => services.random(30).toString('base64');

/** A new Active key of the user (or of the root for undefined), its secret wrapped; the secret returned once. */
export async function newAccessKey(
  services: Services,
  caller: Caller,
  principalArn: string | undefined,
  now: Date,
): Promise<{ record: AccessKeyRecord; secretAccessKey: string }> {
  const accessKeyId = newIamId('accessKey', services.random);
  const secretAccessKey = newSecretAccessKey(services);
  const plaintext = Buffer.from(secretAccessKey, 'utf8');
  try {
    const wrappedSecret = await services.keyStore.wrap(plaintext, wrappingAad('access-key-secret', accessKeyId));
    const record: AccessKeyRecord = {
      accessKeyId,
      accountId: accountOf(caller),
      principalArn: principalArn ?? accountRootArn(accountOf(caller), caller.region),
      wrappedSecret,
      status: 'Active',
      createdAt: now,
    };
    return { record, secretAccessKey };
  } finally {
    plaintext.fill(0);
  }
}
