/**
 * Rows of the key-state table for the multi-Region states (KMS Developer Guide, "Key states";
 * ReplicateKey, UpdatePrimaryRegion, ScheduleKeyDeletion): Creating, Updating and
 * PendingReplicaDeletion, one operation of each class.
 */
import { describe, expect, it } from 'vitest';
import { KmsError } from './errors.js';
import { checkKeyState } from './key-state.js';
import type { KeyRecord, KeyState } from './types.js';

const ARN = 'arn:aws:kms:eu-west-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab';
const inState = (keyState: KeyState): KeyRecord => ({
  arn: ARN,
  keyId: 'mrk-1234abcd12ab34cd56ef1234567890ab',
  accountId: '111122223333',
  region: 'eu-west-1',
  description: '',
  keySpec: 'SYMMETRIC_DEFAULT',
  keyUsage: 'ENCRYPT_DECRYPT',
  origin: 'AWS_KMS',
  keyManager: 'CUSTOMER',
  keyState,
  creationDate: new Date(0),
  policy: '{}',
  tags: [],
  rotationEnabled: false,
  currentMaterialId: 'a'.repeat(64),
  multiRegion: true,
  multiRegionKeyType: 'REPLICA',
  version: 0,
});

function outcome(operation: string, state: KeyState): string {
  try {
    checkKeyState(operation, inState(state));
    return 'ok';
  } catch (e) {
    if (!(e instanceof KmsError)) throw e;
    return `${e.code}: ${e.message}`;
  }
}

const invalid = (words: string) => `KMSInvalidStateException: ${ARN} is ${words}.`;

/** One operation per class: cryptographic, reading, managing, enabling, deleting, rotating, replicating. */
const CLASSES: Record<string, readonly string[]> = {
  cryptographic: ['Encrypt', 'Decrypt', 'Sign', 'GenerateMac', 'GetPublicKey', 'CreateGrant'],
  reading: ['DescribeKey', 'GetKeyPolicy', 'ListResourceTags', 'GetKeyRotationStatus', 'ListGrants'],
  managing: ['UpdateKeyDescription', 'TagResource', 'UntagResource', 'CreateAlias', 'UpdateAlias', 'PutKeyPolicy'],
  enabling: ['EnableKey', 'DisableKey'],
  deleting: ['ScheduleKeyDeletion'],
  cancelling: ['CancelKeyDeletion'],
  rotating: ['EnableKeyRotation', 'DisableKeyRotation', 'RotateKeyOnDemand'],
  importing: ['GetParametersForImport', 'ImportKeyMaterial'],
  replicating: ['ReplicateKey', 'UpdatePrimaryRegion'],
};

const EXPECTED: Record<'Creating' | 'Updating' | 'PendingReplicaDeletion', Record<string, 'ok' | 'invalid'>> = {
  // "While the key state is Creating, you can manage key, but you cannot yet use it in
  // cryptographic operations" (ReplicateKey).
  Creating: {
    cryptographic: 'invalid',
    reading: 'ok',
    managing: 'ok',
    enabling: 'invalid',
    deleting: 'invalid',
    cancelling: 'invalid',
    rotating: 'invalid',
    importing: 'invalid',
    replicating: 'invalid',
  },
  // "you can use the keys in cryptographic operations, but you cannot replicate the new primary
  // key or perform certain management operations, such as enabling or disabling these keys".
  Updating: {
    cryptographic: 'ok',
    reading: 'ok',
    managing: 'ok',
    enabling: 'invalid',
    deleting: 'invalid',
    cancelling: 'invalid',
    rotating: 'invalid',
    importing: 'invalid',
    replicating: 'invalid',
  },
  // "it cannot be replicated or used in cryptographic operations" (ScheduleKeyDeletion); as a key
  // pending deletion otherwise, and its deletion can be cancelled.
  PendingReplicaDeletion: {
    cryptographic: 'invalid',
    reading: 'ok',
    managing: 'invalid',
    enabling: 'invalid',
    deleting: 'invalid',
    cancelling: 'ok',
    rotating: 'invalid',
    importing: 'invalid',
    replicating: 'invalid',
  },
};

const WORDS = { Creating: 'creating', Updating: 'updating', PendingReplicaDeletion: 'pending replica deletion' };

describe('multi-Region key states', () => {
  for (const [state, classes] of Object.entries(EXPECTED) as [keyof typeof EXPECTED, Record<string, string>][]) {
    for (const [name, operations] of Object.entries(CLASSES)) {
      it(`${state}: ${name} operations ${classes[name] === 'ok' ? 'proceed' : 'fail'}`, () => {
        for (const operation of operations) {
          const refused =
            operation === 'CancelKeyDeletion'
              ? `KMSInvalidStateException: ${ARN} is not pending deletion.`
              : invalid(WORDS[state]);
          const expected = classes[name] === 'ok' ? 'ok' : refused;
          // PutKeyPolicy works in every state, as for a key pending deletion.
          const want = operation === 'PutKeyPolicy' ? 'ok' : expected;
          expect(`${operation}: ${outcome(operation, state)}`).toBe(`${operation}: ${want}`);
        }
      });
    }
  }

  it('CancelKeyDeletion of a key not pending deletion keeps its own message', () => {
    expect(outcome('CancelKeyDeletion', 'Creating')).toBe(`KMSInvalidStateException: ${ARN} is not pending deletion.`);
  });
});
