/**
 * Issuing STS temporary credentials: a new ASIA access key id, a secret stored wrapped under the
 * key store, and a session token of which only the SHA-256 is stored (storage/session-types.ts).
 * The secret and the token leave Trent once, in the response.
 */
import { SESSION_SECRET_RECORD, newSessionToken, sessionTokenHash } from '../../auth/index.js';
import { wrappingAad } from '../../crypto/index.js';
import { newIamId } from '../../domain/index.js';
import type { sts } from '../../model/index.js';
import type { Services } from '../../pipeline/types.js';
import type { SessionRecord } from '../../storage/session-types.js';

/** What a session is, before its credentials exist. */
export type SessionFacts = Omit<
  SessionRecord,
  'accessKeyId' | 'wrappedSecret' | 'tokenHash' | 'issuedAt' | 'expiration'
>;

/** Secret access keys are 40 base64 characters (30 random bytes), like AWS's. */
const SECRET_BYTES = 30;

export async function issueSession(
  services: Pick<Services, 'keyStore' | 'storage' | 'random'>,
  facts: SessionFacts,
  now: Date,
  durationSeconds: number,
): Promise<{ credentials: sts.Credentials; session: SessionRecord }> {
  const accessKeyId = newIamId('temporaryAccessKey', services.random);
  const secret = services.random(SECRET_BYTES).toString('base64');
  const token = newSessionToken(services.random);
  const session: SessionRecord = {
    ...facts,
    accessKeyId,
    wrappedSecret: await services.keyStore.wrap(
      Buffer.from(secret, 'utf8'),
      wrappingAad(SESSION_SECRET_RECORD, accessKeyId),
    ),
    tokenHash: sessionTokenHash(token),
    issuedAt: now,
    expiration: new Date(now.getTime() + durationSeconds * 1000),
  };
  await services.storage.putSession(session);
  return {
    credentials: {
      AccessKeyId: accessKeyId,
      SecretAccessKey: secret,
      SessionToken: token,
      Expiration: session.expiration,
    },
    session,
  };
}
