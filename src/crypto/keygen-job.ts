/**
 * One asymmetric key-pair generation, as the key-material tables describe it and as the
 * key-generation worker threads receive it: node:crypto's key type and options. Either side
 * generates with the same call, so the private key is the same PKCS#8 DER wherever it ran.
 */
import { generateKeyPair, generateKeyPairSync } from 'node:crypto';
import { promisify } from 'node:util';

export type KeyPairParams =
  | { type: 'rsa'; modulusLength: number; publicExponent: number }
  | { type: 'ec'; namedCurve: string }
  | { type: 'ed25519' };

const DER_ENCODING = {
  privateKeyEncoding: { type: 'pkcs8', format: 'der' },
  publicKeyEncoding: { type: 'spki', format: 'der' },
} as const;

// node:crypto types its overloads per literal key type; every row here takes the same shape.
type GenerateSync = (type: string, options: object) => { privateKey: Buffer };
type GenerateAsync = (type: string, options: object) => Promise<{ privateKey: Buffer }>;
const generateOnLibuv = promisify(generateKeyPair) as unknown as GenerateAsync;

/** The private key (PKCS#8 DER), generated on the calling thread: the worker threads' call. */
export function generatePrivateKeySync(params: KeyPairParams): Buffer {
  const { type, ...options } = params;
  return (generateKeyPairSync as unknown as GenerateSync)(type, { ...options, ...DER_ENCODING }).privateKey;
}

/** The private key (PKCS#8 DER), generated on libuv's thread pool: only for generations of a few ms. */
export async function generatePrivateKeyOnLibuv(params: KeyPairParams): Promise<Buffer> {
  const { type, ...options } = params;
  return (await generateOnLibuv(type, { ...options, ...DER_ENCODING })).privateKey;
}

/** What the pool posts to a worker. */
export interface KeygenRequest {
  id: number;
  params: KeyPairParams;
}

/** What a worker answers: the private key's bytes (their buffer transferred), or the error. */
export type KeygenReply = { id: number; privateKey: Uint8Array } | { id: number; error: unknown };
