/**
 * The storage contract for Systems Manager Parameter Store: a parameter is one record per
 * (account, region, name) with its versions (at most 100, oldest first), labels on versions, and
 * tags. A value is never stored in plaintext: String and StringList values are sealed by the AWS
 * owned key of Parameter Store, SecureString values are what KMS returned (or Trent's envelope for
 * Advanced parameters). Writes are compare-and-set on `revision`.
 */

export type ParameterType = 'String' | 'StringList' | 'SecureString';
export type ParameterTier = 'Standard' | 'Advanced';

export interface ParameterVersionRecord {
  /** 1, 2, ... */
  version: number;
  type: ParameterType;
  /**
   * String/StringList: sealed by the AWS owned key (OwnedKeys 'ssm-parameter'); SecureString: what
   * KMS returned (Standard) or Trent's envelope (Advanced). Never plaintext.
   */
  value: Buffer;
  /** SecureString: the KeyId as SSM shows it (default 'alias/aws/ssm'). */
  keyId?: string | undefined;
  description?: string | undefined;
  allowedPattern?: string | undefined;
  tier: ParameterTier;
  /** Parameter policies as given (JSON text of the array), and each policy's status. */
  policies?: string | undefined;
  /** 'text' | 'aws:ec2:image' | 'aws:ssm:integration' */
  dataType: string;
  labels: string[];
  lastModifiedDate: Date;
  /** The caller's ARN. */
  lastModifiedUser: string;
}

export interface ParameterRecord {
  accountId: string;
  region: string;
  /** As given ('/a/b' or 'a'). */
  name: string;
  /** arn:aws:ssm:<region>:<account>:parameter/<name without leading slash> */
  arn: string;
  /** Ascending by version, at most 100. */
  versions: ParameterVersionRecord[];
  tags: { Key: string; Value: string }[];
  /**
   * Compare-and-set, bumped by every write: putParameter stores `expectedRevision + 1` (1 for an
   * insert) whatever the record says, and getParameter reads it back.
   */
  revision: number;
}

export interface ParameterStorage {
  getParameter(accountId: string, region: string, name: string): Promise<ParameterRecord | undefined>;
  /** Every parameter of the account and region, by name; `prefix` narrows to names starting with it. */
  listParameters(accountId: string, region: string, prefix?: string): Promise<ParameterRecord[]>;
  /**
   * Insert (expectedRevision undefined) or replace (the revision read), in one transaction;
   * 'conflict' if the parameter exists (insert) or another write came first (replace). Versions
   * the record no longer holds are deleted; copies may survive in the backend's files until
   * eraseDeleted() returns 'done'.
   */
  putParameter(record: ParameterRecord, expectedRevision?: number): Promise<'ok' | 'conflict'>;
  /** Deletes the parameter with every version and tag; erasure is pending as after deleteKey. */
  deleteParameter(accountId: string, region: string, name: string): Promise<'ok' | 'absent'>;
  /**
   * Every parameter, of any account and region, one of whose versions carries parameter policies
   * (the scheduler's work), at most `limit` after the one named by `after` (account, region, name order).
   */
  parametersWithPolicies(
    limit: number,
    after?: { accountId: string; region: string; name: string },
  ): Promise<ParameterRecord[]>;
  /** The accounts and regions that hold parameters (`trent usage`). */
  listParameterScopes(): Promise<{ accountId: string; region: string }[]>;
  /** Parameters of the account and region; with `tier`, those whose newest version has that tier. */
  countParameters(accountId: string, region: string, tier?: ParameterTier): Promise<number>;
}
