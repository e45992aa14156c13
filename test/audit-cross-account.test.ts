/**
 * Cross-account calls in the trail: "Cross-account operations on KMS keys are logged in both the
 * caller account and the KMS key owner account. However, cross-account AWS KMS requests that are
 * rejected because access is denied are logged only in the caller's account." (Logging AWS KMS API
 * calls with AWS CloudTrail.)
 */
import {
  CreateKeyCommand,
  DecryptCommand,
  EncryptCommand,
  PutKeyPolicyCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journalEvents } from './helpers/audit.js';
import { bytes, expectKmsError, otherAccountClient, sharedKeyPolicy } from './helpers/kms.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const OTHER = '444455556666';

let t: TestServer;
let owner: KMSClient;
let other: KMSClient;
let ownerAccount: string;

type Event = Record<string, unknown> & {
  eventID: string;
  eventName: string;
  recipientAccountId: string;
  sharedEventID?: string;
  errorCode?: string;
  userIdentity: Record<string, unknown>;
};

const events = () => journalEvents<Event>(t.dataDir);

beforeAll(async () => {
  t = await startTestServer();
  owner = t.client();
  ownerAccount = t.server.accountId;
  other = await otherAccountClient(t, OTHER);
});
afterAll(async () => t.stop());

describe('cross-account events', () => {
  it('records a call with another account’s key in both accounts, linked by sharedEventID', async () => {
    const key = (await owner.send(new CreateKeyCommand({}))).KeyMetadata!;
    await owner.send(
      new PutKeyPolicyCommand({
        KeyId: key.KeyId,
        Policy: sharedKeyPolicy(ownerAccount, OTHER, ['kms:Encrypt', 'kms:Decrypt']),
      }),
    );
    const enc = await other.send(new EncryptCommand({ KeyId: key.Arn, Plaintext: bytes('shared secret') }));
    await other.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob }));

    const all = await events();
    for (const name of ['Encrypt', 'Decrypt']) {
      const copies = all.filter((e) => e.eventName === name && e.sharedEventID !== undefined);
      expect(copies, name).toHaveLength(2);
      const mine = copies.find((e) => e.recipientAccountId === OTHER)!;
      const theirs = copies.find((e) => e.recipientAccountId === ownerAccount)!;
      expect(mine.sharedEventID).toBe(theirs.sharedEventID);
      expect(mine.eventID).not.toBe(theirs.eventID);
      expect(mine.userIdentity).toMatchObject({ type: 'Root', accountId: OTHER, arn: `arn:aws:iam::${OTHER}:root` });
      // The key owner sees the other account, not its credentials.
      expect(theirs.userIdentity).toEqual({ type: 'AWSAccount', principalId: OTHER, accountId: OTHER });
      expect(theirs.resources).toEqual(mine.resources);
      expect(theirs.resources).toEqual([{ accountId: ownerAccount, type: 'AWS::KMS::Key', ARN: key.Arn }]);
    }
    // The caller's own calls on its own keys are recorded once.
    const local = all.filter((e) => e.eventName === 'PutKeyPolicy');
    expect(local).toHaveLength(1);
    expect(local[0]!.sharedEventID).toBeUndefined();
  });

  it('records a cross-account call refused for access in the caller’s account only', async () => {
    const key = (await owner.send(new CreateKeyCommand({}))).KeyMetadata!; // default policy: owner only
    await expectKmsError(
      other.send(new EncryptCommand({ KeyId: key.Arn, Plaintext: bytes('x') })),
      'AccessDeniedException',
    );
    const refused = (await events()).filter(
      (e) => e.eventName === 'Encrypt' && e.errorCode === 'AccessDeniedException',
    );
    expect(refused).toHaveLength(1);
    expect(refused[0]!.recipientAccountId).toBe(OTHER);
    expect(refused[0]!.sharedEventID).toBeUndefined();
  });

  it('delivers the owner’s copy in the owner’s log files', async () => {
    const delivery = t.server.auditDelivery!;
    const files = await delivery.deliverNow();
    const auditDir = join(t.dataDir, 'cloudtrail');
    const ownerFile = files.find((f) => f.account === ownerAccount)!;
    const records = (
      JSON.parse(gunzipSync(await readFile(join(auditDir, ownerFile.s3Object))).toString()) as { Records: Event[] }
    ).Records;
    const shared = records.filter((e) => e.sharedEventID !== undefined);
    expect(shared.map((e) => e.eventName).sort()).toEqual(['Decrypt', 'Encrypt']);
    expect(shared.every((e) => e.userIdentity.type === 'AWSAccount')).toBe(true);
  });
});
