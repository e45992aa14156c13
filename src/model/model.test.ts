import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  COMMON_ERRORS,
  KeySpecValues,
  MODEL_ERRORS,
  OPERATIONS,
  OPERATION_NAMES,
  SCHEMA,
  httpStatusFor,
  isOperationName,
  type ShapeName,
} from './index.js';

describe('generated model', () => {
  it('lists all 56 KMS operations (54 of the model, 2 of the overlay), sorted, each with an input shape in the schema', () => {
    expect(OPERATION_NAMES).toHaveLength(56);
    expect([...OPERATION_NAMES]).toEqual([...OPERATION_NAMES].sort());
    for (const op of OPERATION_NAMES) {
      expect(SCHEMA[OPERATIONS[op].input as ShapeName]?.type).toBe('structure');
      const output = OPERATIONS[op].output;
      if (output !== undefined) expect(SCHEMA[output as ShapeName]?.type).toBe('structure');
    }
    expect(isOperationName('Encrypt')).toBe(true);
    expect(isOperationName('toString')).toBe(false);
    expect(isOperationName('encrypt')).toBe(false);
  });

  it('merges tools/kms-model-overlay.json: new operations, members and enum values after the model\'s own', () => {
    expect(OPERATIONS.Encapsulate).toEqual({
      input: 'EncapsulateRequest',
      output: 'EncapsulateResponse',
      errors: expect.arrayContaining(['InvalidKeyUsageException', 'DryRunOperationException']) as unknown,
    });
    expect(OPERATIONS.Decapsulate.errors).toContain('InvalidCiphertextException');
    expect(SCHEMA.DecapsulateRequest.required).toEqual(['KeyId', 'SharedSecretCiphertextBlob', 'EncapsulationAlgorithm']);
    expect(SCHEMA.EncapsulationAlgorithmSpec.enum).toEqual(['ML_KEM']);
    expect(SCHEMA.KeyMetadata.members?.EncapsulationAlgorithms).toBe('EncapsulationAlgorithmSpecList');
    expect(SCHEMA.GetPublicKeyResponse.members?.EncapsulationAlgorithms).toBe('EncapsulationAlgorithmSpecList');
    expect(SCHEMA.KeyUsageType.enum).toEqual(['SIGN_VERIFY', 'ENCRYPT_DECRYPT', 'GENERATE_VERIFY_MAC', 'KEY_AGREEMENT', 'ENCAPSULATE_DECAPSULATE']);
    expect(SCHEMA.KeySpec.enum?.slice(-4)).toEqual(['ECC_NIST_EDWARDS25519', 'ML_KEM_512', 'ML_KEM_768', 'ML_KEM_1024']);
  });

  it('carries the model constraints used by validation', () => {
    expect(SCHEMA.EncryptRequest.required).toEqual(['KeyId', 'Plaintext']);
    expect(SCHEMA.PlaintextType).toMatchObject({
      type: 'blob',
      min: 1,
      max: 4096,
      sensitive: true,
    });
    expect(SCHEMA.NumberOfBytesType).toMatchObject({ type: 'integer', min: 1, max: 1024 });
    expect(SCHEMA.AliasNameType.pattern).toBe('^[a-zA-Z0-9:/_-]+$');
    expect(KeySpecValues).toContain('SYMMETRIC_DEFAULT');
    expect(SCHEMA.KeySpec.enum).toEqual(KeySpecValues);
  });

  it('lists every operation error as a known error; client errors are 400 on the wire', () => {
    for (const op of OPERATION_NAMES) {
      for (const e of OPERATIONS[op].errors) expect(Object.keys(MODEL_ERRORS)).toContain(e);
    }
    expect(httpStatusFor('NotFoundException')).toBe(400);
    expect(httpStatusFor('KMSInternalException')).toBe(500);
    expect(httpStatusFor('DependencyTimeoutException')).toBe(503);
    expect(httpStatusFor('ValidationException')).toBe(400);
    expect(httpStatusFor('UnknownOperationException')).toBe(400);
    expect(httpStatusFor('NoSuchThingException')).toBe(400);
    expect(COMMON_ERRORS.ServiceUnavailableException.status).toBe(503);
  });

  it('has patterns that all compile as whole-value JavaScript regexes', () => {
    for (const [name, shape] of Object.entries(SCHEMA)) {
      if (shape.pattern === undefined) continue;
      expect(() => new RegExp(`^(?:${shape.pattern})$`, 'u'), name).not.toThrow();
    }
  });

  it('is what tools/gen-model.ts generates (npm run check-generated)', () => {
    // Throws (exit code 1) when src/model is stale.
    execFileSync('npx', ['tsx', 'tools/gen-model.ts', '--check'], { stdio: 'pipe' });
  });
});
