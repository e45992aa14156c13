/**
 * `trent policy explain` and the console's ExplainPolicy: would this principal be allowed this
 * KMS action on this key, under this encryption context, and why. The same evaluation as a
 * request (authorize.ts), with every statement's verdict, and the grant that allows when policies
 * do not.
 */
import {
  KmsError,
  parseIamArn,
  parseKeyIdentifier,
  tagRecord,
  type KeyRecord,
  type Principal,
} from '../../domain/index.js';
import { globalConditionKeys, principalFacts } from '../../pipeline/context.js';
import { compilePolicy, explainAccess, type Explanation } from '../../policy/index.js';
import { kmsConditionSource } from './condition-keys.js';
import { grantsAllow } from './grants.js';
import type { Caller, Services } from './types.js';

export interface ExplainQuestion {
  principalArn: string;
  /** kms:Encrypt, ... */
  action: string;
  keyArn: string;
  encryptionContext?: Readonly<Record<string, string>> | undefined;
  sourceIp?: string | undefined;
}

export interface ExplainAnswer {
  decision: 'allow' | 'deny';
  /** What decided: the statement (policy label, index, Sid), a grant, or what was missing. */
  decidedBy: string;
  principalArn: string;
  action: string;
  keyArn: string;
  evaluation: Explanation;
  grantId?: string | undefined;
}

/** What explaining reads: storage, the clock and the identity policies (the CLI has no more). */
export type ExplainServices = Pick<Services, 'storage' | 'clock' | 'identity'>;

const ASSUMED_ROLE = /^arn:(aws|aws-cn|aws-us-gov):sts::(\d{12}):assumed-role\/([^/]+)\/([^/]+)$/;
const ROOT = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):root$/;

/** The principal an ARN names, as authentication would have made it; NotFoundException if none. */
export async function principalOfArn(services: ExplainServices, arn: string): Promise<Principal> {
  const root = ROOT.exec(arn);
  if (root) return { accountId: root[2]!, arn, accessKeyId: '', type: 'Root', principalId: root[2]! };
  const session = ASSUMED_ROLE.exec(arn);
  const iam = parseIamArn(arn);
  const roleName = session ? session[3] : iam?.kind === 'role' ? iam.name : undefined;
  const accountId = session ? session[2]! : iam?.accountId;
  if (roleName !== undefined && accountId !== undefined) {
    const role = await services.storage.getRole(accountId, roleName);
    if (!role) throw new KmsError('NotFoundException', `No role ${roleName} in account ${accountId}.`);
    const sessionName = session ? session[4]! : 'explain';
    return {
      accountId,
      arn: session ? arn : `arn:${iam!.partition}:sts::${accountId}:assumed-role/${role.roleName}/${sessionName}`,
      accessKeyId: '',
      type: 'AssumedRole',
      principalId: `${role.roleId}:${sessionName}`,
      role: { arn: role.arn, roleId: role.roleId, name: role.roleName, path: role.path, sessionName },
      tags: tagRecord(role.tags),
    };
  }
  if (iam?.kind === 'user') {
    const user = await services.storage.getUser(iam.accountId, iam.name);
    if (!user || user.arn !== arn) throw new KmsError('NotFoundException', `No user ${arn}.`);
    return {
      accountId: user.accountId,
      arn: user.arn,
      accessKeyId: '',
      type: 'IAMUser',
      principalId: user.userId,
      userName: user.userName,
      tags: tagRecord(user.tags),
    };
  }
  throw new KmsError('NotFoundException', `${arn} is not the ARN of an account root, IAM user, role or role session.`);
}

async function keyOfArn(services: ExplainServices, arn: string): Promise<KeyRecord> {
  const parsed = parseKeyIdentifier(arn);
  if (parsed?.kind !== 'keyArn') throw new KmsError('NotFoundException', `${arn} is not a key ARN.`);
  const key = await services.storage.getKey(parsed.region, parsed.accountId, parsed.keyId);
  if (!key || key.arn !== arn) throw new KmsError('NotFoundException', `Key '${arn}' does not exist`);
  return key;
}

export async function explainKeyAccess(services: ExplainServices, q: ExplainQuestion): Promise<ExplainAnswer> {
  const key = await keyOfArn(services, q.keyArn);
  const principal = await principalOfArn(services, q.principalArn);
  const caller: Caller = {
    principal,
    region: key.region,
    requestId: 'explain',
    keyArns: [],
    sourceIp: q.sourceIp ?? '127.0.0.1',
    secure: true,
    time: services.clock.now(),
  };
  const operation = q.action.replace(/^kms:/i, '');
  const input = q.encryptionContext ? { EncryptionContext: q.encryptionContext } : {};
  const context = globalConditionKeys(caller, { resourceTags: key.tags }).add(
    kmsConditionSource({
      operation,
      input,
      key,
      encryptionContext: q.encryptionContext,
      callerAccount: principal.accountId,
    }),
  );
  const policies = await services.identity.policiesFor(principal);
  const evaluation = explainAccess(
    {
      resourcePolicy: compilePolicy(key.policy, 'key policy'),
      identityPolicies: policies.identityPolicies,
      permissionsBoundary: policies.permissionsBoundary,
      sessionPolicies: policies.sessionPolicies,
    },
    {
      action: q.action,
      resource: key.arn,
      resourceAccountId: key.accountId,
      principal: principalFacts(principal),
      context,
    },
    'kms-key',
  );
  const base = { principalArn: q.principalArn, action: q.action, keyArn: key.arn, evaluation };
  if (evaluation.decision === 'Allow') {
    const by = evaluation.statement ? describeRef(evaluation.statement) : 'the account root in its own account';
    return { ...base, decision: 'allow', decidedBy: by };
  }
  if (evaluation.decision === 'ImplicitDeny') {
    // Grants read nothing of the services but storage.
    const grant = await grantsAllow(
      services as Services,
      key,
      caller,
      q.action,
      q.encryptionContext as Record<string, string>,
      [],
    );
    if (grant) return { ...base, decision: 'allow', decidedBy: `grant ${grant.grantId}`, grantId: grant.grantId };
    return { ...base, decision: 'deny', decidedBy: `no ${evaluation.missing} allows ${q.action}, and no grant does` };
  }
  return { ...base, decision: 'deny', decidedBy: `explicit deny: ${describeRef(evaluation.statement)}` };
}

const describeRef = (ref: { policy: string; index: number; sid?: string | undefined }): string =>
  `${ref.policy}, statement ${ref.index + 1}${ref.sid !== undefined ? ` (Sid "${ref.sid}")` : ''}`;
