/** The import token format and the ImportType rules, without a server. */
import { describe, expect, it } from 'vitest';
import type { KeyRecord } from '../../domain/index.js';
import type { ImportedKeyMaterial } from '../../storage/index.js';
import { importTokenId, newImportToken, pendingRotation, planImport } from './imported-material.js';

const key = (currentMaterialId: string, keySpec = 'SYMMETRIC_DEFAULT'): KeyRecord => ({
  arn: 'arn:aws:kms:us-east-1:111122223333:key/k',
  keyId: 'k',
  accountId: '111122223333',
  region: 'us-east-1',
  description: '',
  keySpec,
  keyUsage: 'ENCRYPT_DECRYPT',
  origin: 'EXTERNAL',
  keyManager: 'CUSTOMER',
  keyState: 'Enabled',
  creationDate: new Date(0),
  policy: '{}',
  tags: [],
  rotationEnabled: false,
  currentMaterialId,
  multiRegion: false,
  version: 1,
});
const m = (materialId: string, imported = true): ImportedKeyMaterial => ({
  keyArn: key('').arn,
  materialId,
  wrapped: Buffer.from(imported ? 'w' : ''),
  createdAt: new Date(0),
  imported,
});
const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const C = 'c'.repeat(64);

describe('import tokens', () => {
  it('are 37 opaque bytes whose id is their SHA-256; anything else has no id', () => {
    const { token, tokenId } = newImportToken();
    expect(token).toHaveLength(37);
    expect(importTokenId(token)).toBe(tokenId);
    expect(tokenId).toMatch(/^[0-9a-f]{64}$/);
    expect(newImportToken().tokenId).not.toBe(tokenId);
    const changed = Buffer.from(token);
    changed[0]! ^= 1;
    expect(importTokenId(changed)).toBeUndefined();
    expect(importTokenId(token.subarray(0, 36))).toBeUndefined();
    expect(importTokenId(Buffer.concat([token, Buffer.of(0)]))).toBeUndefined();
  });
});

describe('planImport', () => {
  it('makes the first material current, by default NEW_KEY_MATERIAL', () => {
    expect(planImport(key(''), [], undefined, undefined, A)).toEqual({ current: true });
    expect(() => planImport(key(''), [], 'EXISTING_KEY_MATERIAL', undefined, A)).toThrow(/not the key material/);
  });

  it("takes existing material only when it is the key's (and KeyMaterialId's when given)", () => {
    const k = key(A);
    expect(planImport(k, [m(A)], undefined, undefined, A)).toEqual({ current: true });
    expect(planImport(k, [m(A), m(B, false)], 'EXISTING_KEY_MATERIAL', B, B)).toEqual({ current: false });
    expect(() => planImport(k, [m(A)], undefined, undefined, B)).toThrow(/not the key material/);
    expect(() => planImport(k, [m(A)], undefined, C, A)).toThrow(/not the key material/);
  });

  it('adds new material pending rotation to symmetric keys only, one at a time, never twice', () => {
    expect(planImport(key(A), [m(A)], 'NEW_KEY_MATERIAL', undefined, B)).toEqual({ current: false });
    expect(() => planImport(key(A), [m(A)], 'NEW_KEY_MATERIAL', undefined, A)).toThrow(/already associated/);
    expect(() => planImport(key(A), [m(A), m(B)], 'NEW_KEY_MATERIAL', undefined, C)).toThrow(/is pending rotation/);
    expect(() => planImport(key(A, 'HMAC_256'), [m(A)], 'NEW_KEY_MATERIAL', undefined, B)).toThrow(/cannot be changed/);
  });

  it('finds the material pending rotation after the current one', () => {
    expect(pendingRotation(key(A), [m(A), m(B)])?.materialId).toBe(B);
    expect(pendingRotation(key(B), [m(A), m(B)])).toBeUndefined();
    expect(pendingRotation(key(''), [])).toBeUndefined();
  });
});
