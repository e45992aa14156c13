/**
 * Who a caller is, as STS names it (GetCallerIdentity; AssumeRole's AssumedRoleUser), and the role
 * ARNs AssumeRole takes: IAM User Guide, "IAM identifiers" and "Unique identifiers".
 */
import type { Principal } from '../../domain/index.js';

/** GetCallerIdentity's answer: UserId is the account id for root, AIDA... for a user, AROA...:<session> for a role session. */
export function callerIdentity(principal: Principal): { Account: string; Arn: string; UserId: string } {
  return { Account: principal.accountId, Arn: principal.arn, UserId: principal.principalId ?? principal.accountId };
}

export interface RoleArn {
  partition: string;
  accountId: string;
  /** '/' or '/a/b/' */
  path: string;
  name: string;
}

const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role(\/(?:[\u0021-\u007e]*\/)?)([\w+=,.@-]{1,64})$/;

/** arn:<partition>:iam::<account>:role<path><name>, or undefined if it is not a role ARN. */
export function parseRoleArn(arn: string): RoleArn | undefined {
  const m = ROLE_ARN.exec(arn);
  if (!m) return undefined;
  return { partition: m[1]!, accountId: m[2]!, path: m[3]!, name: m[4]! };
}

/** The ARN of a role session: the role's path is not part of it. */
export function assumedRoleArn(role: RoleArn, sessionName: string): string {
  return `arn:${role.partition}:sts::${role.accountId}:assumed-role/${role.name}/${sessionName}`;
}
