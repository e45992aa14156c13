/**
 * The storage contract for STS temporary credentials (AssumeRole, GetSessionToken). A session is
 * written once when it is issued and read by its access key id on every request signed with it;
 * the scheduler deletes expired ones, and deleting a role or user deletes its sessions. Only the
 * wrapped secret and the SHA-256 of the session token are stored, never the secret or the token.
 */

/** CloudTrail userIdentity.type of a session's caller. GetSessionToken keeps the caller's own type. */
export type SessionPrincipalType = 'AssumedRole' | 'IAMUser' | 'Root';

export interface SessionRoleFacts {
  /** arn:aws:iam::<acct>:role/<path><name> */
  arn: string;
  /** AROA... */
  roleId: string;
  name: string;
  path: string;
  sessionName: string;
}

export interface SessionRecord {
  /** ASIA + 16 base32 characters. */
  accessKeyId: string;
  accountId: string;
  /** The session's secret access key, wrapped by the key store (wrappingAad('session-secret', accessKeyId)). */
  wrappedSecret: Buffer;
  /** SHA-256 of the session token (32 bytes). */
  tokenHash: Buffer;
  principalType: SessionPrincipalType;
  /**
   * The caller's ARN: arn:aws:sts::<acct>:assumed-role/<role>/<session> for a role session; the
   * user's (or the root's) ARN for GetSessionToken credentials.
   */
  principalArn: string;
  /** aws:userid: AROA...:<session> for a role session, AIDA... for a user, the account id for root. */
  principalId: string;
  /**
   * Whose session this is: the role id (AROA...), the user id (AIDA...) or, for the root, the
   * account id. deleteSessionsOf matches it, so a role or user re-created under the same name does
   * not inherit the sessions of the one deleted.
   */
  subjectId: string;
  /** Role sessions only. */
  role?: SessionRoleFacts | undefined;
  /** GetSessionToken sessions of IAM users only. */
  userName?: string | undefined;
  /** Inline session policies (JSON text): AssumeRole's Policy. */
  sessionPolicies: string[];
  /** Managed policies given as session policies (AssumeRole's PolicyArns). */
  policyArns: string[];
  /** Session tags (AssumeRole Tags and the transitive tags of a chained session). */
  tags: Record<string, string>;
  /** Keys of `tags` that pass on to sessions this session assumes (role chaining). */
  transitiveTagKeys: string[];
  sourceIdentity?: string | undefined;
  mfaAuthenticated: boolean;
  issuedAt: Date;
  expiration: Date;
}

export interface SessionStorage {
  /** Stores a new session; rejects if the access key id exists. */
  putSession(session: SessionRecord): Promise<void>;
  getSession(accessKeyId: string): Promise<SessionRecord | undefined>;
  /**
   * Deletes at most `limit` sessions whose expiration <= `expiredBefore` (any account); returns how
   * many it deleted. The scheduler calls it; the wrapped secrets are then pending erasure as after
   * deleteKey.
   */
  deleteExpiredSessions(expiredBefore: Date, limit: number): Promise<number>;
  /**
   * Deletes every session of a role or user (by role id or user id, see SessionRecord.subjectId)
   * of the account; returns how many. Whoever deletes a role or user calls it.
   */
  deleteSessionsOf(accountId: string, subjectId: string): Promise<number>;
}
