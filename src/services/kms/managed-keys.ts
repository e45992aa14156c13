/**
 * AWS managed keys (KMS Developer Guide, "AWS managed keys"): the predefined `alias/aws/<service>`
 * aliases ListAliases shows in every account and region, and the key AWS creates behind one the
 * first time it is used (its service encrypting through it, or DescribeKey naming the alias). The
 * key's policy is what AWS gives it: the account's principals may use it only through its
 * service (kms:ViaService and kms:CallerAccount) and may read its metadata; nothing else. So every
 * change a caller tries (PutKeyPolicy, rotation settings, deletion, DisableKey, tags, description,
 * grants) is refused by the policy itself with AccessDeniedException, as AWS refuses it. Rotation
 * is automatic every year (rotate-keys: "AWS managed keys ... rotate automatically every year").
 */
import { randomUUID } from 'node:crypto';
import {
  aliasArn,
  DAY_MS,
  keyArn,
  partitionOf,
  RESERVED_ALIAS_PREFIX,
  type AliasRecord,
  type KeyRecord,
} from '../../domain/index.js';
import type { Services } from './types.js';

/** Where a managed key's policy is written: its account, region and the region's partition. */
interface PolicyScope {
  accountId: string;
  region: string;
  partition: string;
}

type Statement = Record<string, unknown>;

/** One AWS service with an AWS managed key. */
export interface ManagedKeyService {
  /** The alias suffix: `ssm` for alias/aws/ssm. */
  service: string;
  /** The service's kms:ViaService prefix: `ssm` for ssm.<region>.amazonaws.com (aws/ebs: `ec2`). */
  viaService: string;
  /** What the description says the key protects. */
  protects: string;
  /** The key policy's Id. */
  policyId: string;
  /** The key policy's statements, as AWS writes them. */
  statements(scope: PolicyScope): Statement[];
}

const THROUGH_SERVICE = [
  'kms:Encrypt',
  'kms:Decrypt',
  'kms:ReEncrypt*',
  'kms:GenerateDataKey*',
  'kms:CreateGrant',
  'kms:DescribeKey',
];
const METADATA = ['kms:Describe*', 'kms:Get*', 'kms:List*', 'kms:RevokeGrant'];

/**
 * "Allow access through <Name> for all principals in the account that are authorized to use
 * <Name>": any principal of the account, through the service only. `callerFirst`: the order AWS
 * writes the two condition keys in, which differs from key to key.
 */
function throughService(
  sid: string,
  actions: readonly string[],
  viaService: string,
  { accountId, region }: PolicyScope,
  callerFirst = false,
): Statement {
  const via = { 'kms:ViaService': `${viaService}.${region}.amazonaws.com` };
  const caller = { 'kms:CallerAccount': accountId };
  return {
    Sid: sid,
    Effect: 'Allow',
    Principal: { AWS: '*' },
    Action: actions,
    Resource: '*',
    Condition: { StringEquals: callerFirst ? { ...caller, ...via } : { ...via, ...caller } },
  };
}

/** "Allow direct access to key metadata to the account": the account root, so IAM policies may allow these. */
function metadata({ accountId, partition }: PolicyScope, actions: readonly string[] = METADATA): Statement {
  return {
    Sid: 'Allow direct access to key metadata to the account',
    Effect: 'Allow',
    Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
    Action: actions,
    Resource: '*',
  };
}

/** A service principal that may describe the key directly (aws/es, aws/xray, aws/dynamodb). */
const describedBy = (sid: string, principal: string): Statement => ({
  Sid: sid,
  Effect: 'Allow',
  Principal: { Service: principal },
  Action: ['kms:Describe*', 'kms:Get*', 'kms:List*'],
  Resource: '*',
});

/** The common two statements: through the service, and metadata for the account. */
function standard(
  service: string,
  name: string,
  protects: string,
  policyId: string,
  opts: { viaService?: string; actions?: readonly string[]; callerFirst?: boolean; more?: Statement[] } = {},
): ManagedKeyService {
  const viaService = opts.viaService ?? service;
  return {
    service,
    viaService,
    protects,
    policyId,
    statements: (scope) => [
      throughService(
        `Allow access through ${name} for all principals in the account that are authorized to use ${name}`,
        opts.actions ?? THROUGH_SERVICE,
        viaService,
        scope,
        opts.callerFirst,
      ),
      metadata(scope),
      ...(opts.more ?? []),
    ],
  };
}

/**
 * The predefined aliases a new account lists (AWS's ListAliases: "predefined aliases that AWS has
 * created but has not yet associated with a KMS key"), by alias name, in name order, each with
 * the key policy AWS gives its key (as recorded from us-east-1 keys: Id, Sids, actions and
 * conditions), and its description ("Default key that protects my <what> when no other key is
 * defined", recorded for SSM, RDS, S3, EBS, EFS, Lambda, DynamoDB, Glue).
 */
export const AWS_MANAGED_KEYS: ReadonlyMap<string, ManagedKeyService> = new Map(
  [
    {
      service: 'acm',
      viaService: 'acm',
      protects: 'ACM private keys',
      policyId: 'auto-acm-4',
      statements: ({ accountId, region }: PolicyScope): Statement[] => {
        const grant = (sid: string, operations: string | string[]): Statement => ({
          Sid: sid,
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: 'kms:CreateGrant',
          Resource: '*',
          Condition: {
            StringEquals: { 'kms:CallerAccount': accountId, 'kms:ViaService': `acm.${region}.amazonaws.com` },
            'ForAllValues:StringEquals': { 'kms:GrantOperations': operations },
            Bool: { 'kms:GrantIsForAWSResource': 'true' },
          },
        });
        return [
          grant('Allow creation of decryption grants', 'Decrypt'),
          grant('Allow creation of encryption grant', ['Encrypt', 'ReEncryptFrom', 'ReEncryptTo']),
          {
            Sid: 'Allowed operations for the key owner',
            Effect: 'Allow',
            Principal: { AWS: '*' },
            Action: ['kms:DescribeKey', 'kms:ListGrants', 'kms:RevokeGrant', 'kms:GetKeyPolicy'],
            Resource: '*',
            Condition: { StringEquals: { 'kms:CallerAccount': accountId } },
          },
          {
            Sid: 'Deny re-encryption to any other key',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 'kms:ReEncrypt*',
            Resource: '*',
            Condition: { Bool: { 'kms:ReEncryptOnSameKey': 'false' } },
          },
          {
            Sid: 'Allow decrypt',
            Effect: 'Allow',
            Principal: { AWS: '*' },
            Action: 'kms:Decrypt',
            Resource: '*',
            Condition: {
              StringEquals: { 'kms:CallerAccount': accountId, 'kms:ViaService': `acm.${region}.amazonaws.com` },
            },
          },
        ];
      },
    },
    {
      service: 'dynamodb',
      viaService: 'dynamodb',
      protects: 'DynamoDB data',
      policyId: 'auto-dynamodb-3',
      // Any Region's DynamoDB (global tables): StringLike on the service.
      statements: (scope: PolicyScope): Statement[] => [
        {
          Sid: 'Allow access through Amazon DynamoDB for all principals in the account that are authorized to use Amazon DynamoDB',
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: THROUGH_SERVICE,
          Resource: '*',
          Condition: {
            StringEquals: { 'kms:CallerAccount': scope.accountId },
            StringLike: { 'kms:ViaService': 'dynamodb.*.amazonaws.com' },
          },
        },
        metadata(scope),
        describedBy('Allow DynamoDB to directly describe the key', 'dynamodb.amazonaws.com'),
      ],
    },
    standard('ebs', 'EBS', 'EBS volumes', 'auto-ebs-2', { viaService: 'ec2' }),
    {
      ...standard('elasticfilesystem', 'EFS', 'EFS filesystems', 'auto-elasticfilesystem-1', { callerFirst: true }),
      // "Allow access to EFS ...", not "through".
      statements: (scope: PolicyScope): Statement[] => [
        throughService(
          'Allow access to EFS for all principals in the account that are authorized to use EFS',
          THROUGH_SERVICE,
          'elasticfilesystem',
          scope,
          true,
        ),
        metadata(scope),
      ],
    },
    standard('es', 'OpenSearch Service', 'Elasticsearch data', 'auto-es-2', {
      callerFirst: true,
      more: [describedBy('Allow OpenSearch service principals to describe the key directly', 'es.amazonaws.com')],
    }),
    standard('glue', 'Glue', 'Glue data', 'auto-glue-1'),
    standard('kinesisvideo', 'Kinesis Video Streams', 'kinesis video data', 'auto-kinesisvideo-1', {
      callerFirst: true,
    }),
    standard('lambda', 'AWS Lambda', 'Lambda functions', 'auto-awslambda', { callerFirst: true }),
    standard('rds', 'RDS', 'RDS database volumes', 'auto-rds-2', {
      actions: [...THROUGH_SERVICE.slice(0, 5), 'kms:ListGrants', 'kms:DescribeKey'],
    }),
    {
      service: 'redshift',
      viaService: 'redshift',
      protects: 'Redshift data',
      policyId: 'auto-redshift-3',
      statements: (scope: PolicyScope): Statement[] => [
        throughService(
          'Allow access through RedShift for all principals in the account that are authorized to use RedShift',
          THROUGH_SERVICE,
          'redshift',
          scope,
        ),
        throughService(
          'Allow access through RedShift-Serverless for all principals in the account that are authorized to use RedShift-Serverless',
          THROUGH_SERVICE,
          'redshift-serverless',
          scope,
        ),
        metadata(scope),
      ],
    },
    {
      ...standard('s3', 'S3', 'S3 objects', 'auto-s3-2'),
      statements: (scope: PolicyScope): Statement[] => [
        throughService(
          'Allow access through S3 for all principals in the account that are authorized to use S3',
          ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
          's3',
          scope,
          true,
        ),
        metadata(scope, ['kms:Describe*', 'kms:Get*', 'kms:List*']),
      ],
    },
    {
      service: 'secretsmanager',
      viaService: 'secretsmanager',
      protects: 'Secrets Manager data',
      policyId: 'auto-secretsmanager-2',
      statements: (scope: PolicyScope): Statement[] => {
        const sid =
          'Allow access through AWS Secrets Manager for all principals in the account that are authorized to use AWS Secrets Manager';
        return [
          throughService(
            sid,
            ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:CreateGrant', 'kms:DescribeKey'],
            'secretsmanager',
            scope,
          ),
          {
            // AWS repeats the first Sid here; Trent's policy language refuses a repeated Sid, so the
            // statement says what differs (any Region's Secrets Manager).
            Sid: `${sid} in any Region`,
            Effect: 'Allow',
            Principal: { AWS: '*' },
            Action: 'kms:GenerateDataKey*',
            Resource: '*',
            Condition: {
              StringEquals: { 'kms:CallerAccount': scope.accountId },
              StringLike: { 'kms:ViaService': 'secretsmanager.*.amazonaws.com' },
            },
          },
          metadata(scope),
        ];
      },
    },
    {
      // auto-ssm-1: no CreateGrant through the service, no RevokeGrant for the account.
      ...standard('ssm', 'SSM', 'SSM parameters', 'auto-ssm-1'),
      statements: (scope: PolicyScope): Statement[] => [
        throughService(
          'Allow access through SSM for all principals in the account that are authorized to use SSM',
          ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
          'ssm',
          scope,
        ),
        metadata(scope, ['kms:Describe*', 'kms:Get*', 'kms:List*']),
      ],
    },
    standard('xray', 'X-Ray', 'X-Ray data', 'auto-xray-1', {
      more: [
        describedBy(
          'Allow X-Ray Service with service principal name xray.amazonaws.com to describe the key directly',
          'xray.amazonaws.com',
        ),
      ],
    }),
  ].map((s): [string, ManagedKeyService] => [`${RESERVED_ALIAS_PREFIX}${s.service}`, s]),
);

/** "AWS managed keys ... rotate automatically every year (approximately 365 days)"; it cannot be changed. */
export const MANAGED_KEY_ROTATION_DAYS = 365;

/** The AWS managed key service of a predefined alias name (alias/aws/ssm), if it is one. */
export function managedKeyServiceOf(aliasName: string): ManagedKeyService | undefined {
  return AWS_MANAGED_KEYS.get(aliasName);
}

/** "Default key that protects my SSM parameters when no other key is defined" (DescribeKey, recorded). */
export function managedKeyDescription(s: ManagedKeyService): string {
  return `Default key that protects my ${s.protects} when no other key is defined`;
}

/** The kms:ViaService value of the service in `region`: ssm.us-east-1.amazonaws.com. */
export function viaServiceOf(s: ManagedKeyService, region: string): string {
  return `${s.viaService}.${region}.amazonaws.com`;
}

/** The key policy AWS gives the managed key of `s` in `accountId` and `region`, as GetKeyPolicy returns it. */
export function managedKeyPolicy(s: ManagedKeyService, accountId: string, region: string): string {
  const scope = { accountId, region, partition: partitionOf(region) };
  return jacksonPretty({ Version: '2012-10-17', Id: s.policyId, Statement: s.statements(scope) });
}

/**
 * JSON as KMS returns AWS's own policies (Jackson's default pretty printer): `"key" : value`, two
 * spaces per level, arrays on one line with objects in them opening in place.
 */
function jacksonPretty(value: unknown, level = 0): string {
  if (Array.isArray(value)) {
    return value.length === 0 ? '[ ]' : `[ ${value.map((v) => jacksonPretty(v, level)).join(', ')} ]`;
  }
  if (value !== null && typeof value === 'object') {
    const pad = '  '.repeat(level + 1);
    const fields = Object.entries(value).map(([k, v]) => `${pad}${JSON.stringify(k)} : ${jacksonPretty(v, level + 1)}`);
    return `{\n${fields.join(',\n')}\n${'  '.repeat(level)}}`;
  }
  return JSON.stringify(value);
}

/** The aliases AWS predefines in every account and region, as ListAliases shows them before their key exists. */
export function predefinedAliases(region: string, accountId: string): { AliasName: string; AliasArn: string }[] {
  return [...AWS_MANAGED_KEYS.keys()].map((name) => ({ AliasName: name, AliasArn: aliasArn(region, accountId, name) }));
}

/**
 * The AWS managed key of `s` (behind its predefined alias) in the account and region, created with
 * its alias if it does not exist yet. Two first uses at once create one key: the alias decides,
 * and the key that lost the race is removed before anyone could use it.
 */
export async function ensureManagedKey(
  s: ManagedKeyService,
  region: string,
  accountId: string,
  services: Services,
): Promise<KeyRecord> {
  const { storage } = services;
  const aliasName = `${RESERVED_ALIAS_PREFIX}${s.service}`;
  const existing = await storage.getAlias(region, accountId, aliasName);
  if (existing) {
    const key = await storage.getKey(region, accountId, existing.targetKeyId);
    if (key) return key;
  }
  const now = services.clock.now();
  const keyId = randomUUID();
  const arn = keyArn(region, accountId, keyId);
  const material = await services.materials.create(arn, 'SYMMETRIC_DEFAULT', now);
  const key: KeyRecord = {
    arn,
    keyId,
    accountId,
    region,
    description: managedKeyDescription(s),
    keySpec: 'SYMMETRIC_DEFAULT',
    keyUsage: 'ENCRYPT_DECRYPT',
    origin: 'AWS_KMS',
    keyManager: 'AWS',
    keyState: 'Enabled',
    creationDate: now,
    policy: managedKeyPolicy(s, accountId, region),
    tags: [],
    rotationEnabled: true,
    rotationPeriodInDays: MANAGED_KEY_ROTATION_DAYS,
    nextRotationDate: new Date(now.getTime() + MANAGED_KEY_ROTATION_DAYS * DAY_MS),
    currentMaterialId: material.materialId,
    multiRegion: false,
    version: 0,
  };
  // No key quota: "AWS managed keys do not count against" it.
  const created = await storage.createKey(key, material);
  if (created !== 'ok') throw new Error(`AWS managed key ${aliasName}: createKey answered ${JSON.stringify(created)}`);
  const alias: AliasRecord = {
    accountId,
    region,
    aliasName,
    aliasArn: aliasArn(region, accountId, aliasName),
    targetKeyId: keyId,
    creationDate: now,
    lastUpdatedDate: now,
  };
  if ((await storage.createAlias(alias)) === 'ok') return key;
  // Another request created the key first: use its key and remove this one, never used.
  await storage.deleteKey({ ...key, version: 0 });
  services.materials.forget(arn);
  const winner = await storage.getAlias(region, accountId, aliasName);
  const won = winner && (await storage.getKey(region, accountId, winner.targetKeyId));
  if (!won) throw new Error(`AWS managed key ${aliasName}: alias exists without its key`);
  return won;
}
