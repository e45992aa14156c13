import { describe, expect, it } from 'vitest';
import { CryptoInputError } from './errors.js';
import { generateRandom, newKeyId, newMaterialId } from './random.js';

describe('random identifiers', () => {
  it('newMaterialId is 64 lowercase hex characters and unique', () => {
    const ids = Array.from({ length: 100 }, newMaterialId);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('newKeyId is a version 4 UUID', () => {
    expect(newKeyId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(newKeyId()).not.toBe(newKeyId());
  });

  it('generateRandom returns n bytes and rejects bad counts', () => {
    expect(generateRandom(0).length).toBe(0);
    expect(generateRandom(1024).length).toBe(1024);
    expect(generateRandom(32).equals(generateRandom(32))).toBe(false);
    expect(() => generateRandom(-1)).toThrow(CryptoInputError);
    expect(() => generateRandom(1.5)).toThrow(CryptoInputError);
  });
});
