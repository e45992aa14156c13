/**
 * The authorization section of `npm run bench` (issue 7's goal): Encrypt by an IAM user under a
 * 20-statement key policy and a 10-statement identity policy with conditions, against Encrypt by
 * the account root under the default key policy, in the same server, interleaved rounds. The goal
 * is a throughput ratio of at least 0.90.
 */
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import type { Credentials } from './sigv4-client.js';
import { SigV4JsonClient } from './sigv4-client.js';

export const AUTHZ_GOAL_RATIO = 0.9;

const USER = 'bench-user';

/** 20 statements: the root statement, 9 allows for other principals, 10 denies whose conditions do not hold. */
function keyPolicy(account: string): string {
  const statements: object[] = [
    {
      Sid: 'Root',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${account}:root` },
      Action: 'kms:*',
      Resource: '*',
    },
  ];
  for (let i = 0; i < 9; i++) {
    statements.push({
      Sid: `Other${i}`,
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${account}:role/service-${i}` },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
      Condition: { StringEquals: { 'kms:ViaService': `service-${i}.us-east-1.amazonaws.com` } },
    });
  }
  for (let i = 0; i < 10; i++) {
    statements.push({
      Sid: `Deny${i}`,
      Effect: 'Deny',
      Principal: '*',
      Action: 'kms:*',
      Resource: '*',
      Condition: {
        StringEquals: { [`kms:EncryptionContext:tenant-${i}`]: 'blocked' },
        Bool: { 'aws:SecureTransport': 'true' },
      },
    });
  }
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/** 10 statements with conditions; the last allows the benchmark's Encrypt. */
function identityPolicy(keyArn: string): string {
  const statements: object[] = [];
  for (let i = 0; i < 9; i++) {
    statements.push({
      Sid: `S${i}`,
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:ReEncrypt*'],
      Resource: keyArn,
      Condition: {
        StringLike: { 'kms:EncryptionContext:app': `app-${i}-*` },
        IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '192.168.0.0/16'] },
      },
    });
  }
  statements.push({
    Sid: 'Encrypt',
    Effect: 'Allow',
    Action: 'kms:Encrypt',
    Resource: keyArn,
    Condition: {
      StringEquals: { 'kms:EncryptionAlgorithm': 'SYMMETRIC_DEFAULT' },
      IpAddress: { 'aws:SourceIp': ['127.0.0.0/8', '::1/128', '::ffff:127.0.0.1/128'] },
    },
  });
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

export interface AuthorizationSetup {
  /** Root, default policy key. */
  plainKeyId: string;
  /** The user's key under the 20-statement policy. */
  policyKeyArn: string;
  user: Credentials;
}

export async function setUpAuthorization(port: number, root: Credentials): Promise<AuthorizationSetup> {
  const kms = new SigV4JsonClient(port, root, 1);
  try {
    const plain = await kms.json<{ KeyMetadata: { KeyId: string } }>('CreateKey', {
      Description: 'bench default policy',
    });
    const heavy = await kms.json<{ KeyMetadata: { Arn: string; AWSAccountId: string } }>('CreateKey', {
      Description: 'bench 20-statement policy',
    });
    const { Arn, AWSAccountId } = heavy.KeyMetadata;
    await kms.json('PutKeyPolicy', { KeyId: Arn, PolicyName: 'default', Policy: keyPolicy(AWSAccountId) });
    const iam = new IAMClient({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', credentials: root });
    try {
      await iam.send(new CreateUserCommand({ UserName: USER }));
      // A managed policy: 10 statements with conditions are more than an inline user policy's 2,048 characters.
      const managed = await iam.send(
        new CreatePolicyCommand({ PolicyName: 'bench', PolicyDocument: identityPolicy(Arn) }),
      );
      await iam.send(new AttachUserPolicyCommand({ UserName: USER, PolicyArn: managed.Policy!.Arn! }));
      const key = (await iam.send(new CreateAccessKeyCommand({ UserName: USER }))).AccessKey!;
      return {
        plainKeyId: plain.KeyMetadata.KeyId,
        policyKeyArn: Arn,
        user: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! },
      };
    } finally {
      iam.destroy();
    }
  } finally {
    kms.close();
  }
}
