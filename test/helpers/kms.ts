/** Small helpers shared by the black-box suites: error assertions and key set-up. */
import { CreateKeyCommand, type KMSClient, type KeyMetadata } from '@aws-sdk/client-kms';
import { expect } from 'vitest';
import { createRootAccessKey } from '../../src/server/credentials.js';
import type { ManualClock, TestServer } from './server.js';

/**
 * AWS sends some errors with no message (InvalidCiphertextException, InvalidMarkerException...);
 * the SDK then reports the message as "UnknownError". Either way, no text of ours leaks.
 */
export const EMPTY_MESSAGE = /^(|UnknownError)$/;

/**
 * Awaits `promise`, which must reject with the AWS error `name`; when `message` is given, the
 * error's message must equal it (a RegExp must match it). Returns the error for further checks.
 */
export async function expectKmsError(
  promise: Promise<unknown>,
  name: string,
  message?: string | RegExp,
): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  let caught: unknown;
  try {
    await promise;
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected ${name}, but the call succeeded`).toBeInstanceOf(Error);
  const err = caught as Error & { $metadata?: { httpStatusCode?: number } };
  expect(err.name).toBe(name);
  if (typeof message === 'string') expect(err.message).toBe(message);
  else if (message) expect(err.message).toMatch(message);
  return err;
}

/** The AWS error a call answered, name and message (of any service's client); the call must fail. */
export async function failure(p: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await p;
  } catch (err) {
    const e = err as { name: string; message: string };
    return { name: e.name, message: e.message };
  }
  throw new Error('expected the call to fail');
}

/** Creates a symmetric key and returns its metadata. */
export async function newKey(client: KMSClient, description = 'test key'): Promise<KeyMetadata> {
  const { KeyMetadata } = await client.send(new CreateKeyCommand({ Description: description }));
  if (!KeyMetadata?.KeyId || !KeyMetadata.Arn) throw new Error('CreateKey returned no metadata');
  return KeyMetadata;
}

/**
 * Makes `client` sign with the server's manual clock, so SigV4's skew check keeps passing while a
 * test moves time forward. The SDK reads `systemClockOffset` at every signing.
 */
export function followClock<C extends { config: object }>(client: C, clock: ManualClock): C {
  Object.defineProperty(client.config, 'systemClockOffset', {
    get: () => clock.now().getTime() - Date.now(),
    set: () => {},
    configurable: true,
  });
  return client;
}

/** A key policy giving the owner's root every KMS action and another account's root `actions`. */
export function sharedKeyPolicy(owner: string, other: string, actions: string | string[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${owner}:root` }, Action: 'kms:*', Resource: '*' },
      { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${other}:root` }, Action: actions, Resource: '*' },
    ],
  });
}

/** A client of a second account on the same server. */
export async function otherAccountClient(
  t: TestServer,
  accountId = '444455556666',
  region = 'us-east-1',
): Promise<KMSClient> {
  const { storage, keyStore, clock } = t.server.services;
  const created = await createRootAccessKey(storage, keyStore, accountId, clock.now());
  return t.client({
    region,
    credentials: { accessKeyId: created.accessKeyId, secretAccessKey: created.secretAccessKey },
  });
}

export const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
export const text = (b: Uint8Array | undefined): string => new TextDecoder().decode(b);
