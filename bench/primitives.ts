/**
 * The primitives of the signing and MAC benchmark, called directly: each entry makes a fresh local
 * key of its kind and returns one call of the primitive over a 1 KiB message. `bench/run.ts` times
 * them back to back in its own process; `bench/ceiling-server.ts PORT <name>` does one per request.
 */
import { constants, createHmac, generateKeyPairSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';

export const MESSAGE_BYTES = 1024;

const local = (type: 'ec' | 'rsa' | 'ed25519', opts: object): KeyObject =>
  generateKeyPairSync(type as 'ec', opts as { namedCurve: string }).privateKey;

export const DIRECT_PRIMITIVES = {
  'ecdsa-p256-sign': (message: Buffer) => {
    const key = local('ec', { namedCurve: 'prime256v1' });
    return () => sign('sha256', message, key);
  },
  'rsa2048-pss-sign': (message: Buffer) => {
    const key = local('rsa', { modulusLength: 2048 });
    return () => sign('sha256', message, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
  },
  'ed25519-sign': (message: Buffer) => {
    const key = local('ed25519', {});
    return () => sign(null, message, key);
  },
  'mldsa65-sign': (message: Buffer) => {
    const { secretKey } = ml_dsa65.keygen(randomBytes(32));
    return () => ml_dsa65.sign(message, secretKey);
  },
  'ecdsa-p256-verify': (message: Buffer) => {
    const key = local('ec', { namedCurve: 'prime256v1' });
    const signature = sign('sha256', message, key);
    return () => verify('sha256', message, key, signature);
  },
  'hmac-sha256': (message: Buffer) => {
    const key = randomBytes(32);
    return () => createHmac('sha256', key).update(message).digest();
  },
} satisfies Record<string, (message: Buffer) => () => unknown>;

export type PrimitiveName = keyof typeof DIRECT_PRIMITIVES;

export const isPrimitiveName = (name: string): name is PrimitiveName => Object.hasOwn(DIRECT_PRIMITIVES, name);
