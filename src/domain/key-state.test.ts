/** Rows of the key-state table for imported key material (KMS Developer Guide, "Key states"). */
import { describe, expect, it } from 'vitest';
import { KmsError } from './errors.js';
import { checkKeyState } from './key-state.js';
import type { KeyRecord, KeyState } from './types.js';

const ARN = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const inState = (keyState: KeyState): KeyRecord => ({
  arn: ARN,
  keyId: '1234abcd-12ab-34cd-56ef-1234567890ab',
  accountId: '111122223333',
  region: 'us-east-1',
  description: '',
  keySpec: 'SYMMETRIC_DEFAULT',
  keyUsage: 'ENCRYPT_DECRYPT',
  origin: 'EXTERNAL',
  keyManager: 'CUSTOMER',
  keyState,
  creationDate: new Date(0),
  policy: '{}',
  tags: [],
  rotationEnabled: false,
  currentMaterialId: '',
  multiRegion: false,
  version: 0,
});

/** The outcome of `operation` on a key in `state`: 'ok' or the AWS error name and message. */
function outcome(operation: string, state: KeyState): string {
  try {
    checkKeyState(operation, inState(state));
    return 'ok';
  } catch (e) {
    if (!(e instanceof KmsError)) throw e;
    return `${e.code}: ${e.message}`;
  }
}

const pendingImport = `KMSInvalidStateException: ${ARN} is pending import.`;
const pendingDeletion = `KMSInvalidStateException: ${ARN} is pending deletion.`;

describe('key states of imported key material', () => {
  it('lets GetParametersForImport and ImportKeyMaterial run on any key not pending deletion', () => {
    for (const op of ['GetParametersForImport', 'ImportKeyMaterial']) {
      expect([outcome(op, 'Enabled'), outcome(op, 'Disabled'), outcome(op, 'PendingImport')]).toEqual([
        'ok',
        'ok',
        'ok',
      ]);
      expect(outcome(op, 'PendingDeletion')).toBe(pendingDeletion);
    }
  });

  it('lets DeleteImportedKeyMaterial run in every state of a single-Region key', () => {
    for (const state of ['Enabled', 'Disabled', 'PendingImport', 'PendingDeletion'] as const) {
      expect(outcome('DeleteImportedKeyMaterial', state)).toBe('ok');
    }
  });

  it('refuses cryptographic operations, EnableKey and DisableKey on a key pending import', () => {
    for (const op of [
      'Encrypt',
      'Decrypt',
      'GenerateDataKey',
      'Sign',
      'GenerateMac',
      'CreateGrant',
      'EnableKey',
      'DisableKey',
    ]) {
      expect(outcome(op, 'PendingImport'), op).toBe(pendingImport);
    }
  });

  it('leaves rotation settings of a key pending import to the origin check, and management to run', () => {
    for (const op of ['EnableKeyRotation', 'DisableKeyRotation', 'DescribeKey', 'ScheduleKeyDeletion', 'TagResource']) {
      expect(outcome(op, 'PendingImport'), op).toBe('ok');
    }
    expect(outcome('RotateKeyOnDemand', 'PendingImport')).toBe(pendingImport);
  });
});
