/**
 * The root key in a PKCS#11 token (`--root-key pkcs11:<module-path>:<token-label>`): a persistent
 * AES-256 key labelled `trent-root-key`, generated inside the token on first start, sensitive and
 * never extractable, that only encrypts and decrypts. wrap/unwrap are AES-256-GCM inside the token
 * with the software store's blob layout (crypto/wrapping.ts):
 *
 *   wrapped = 0x01 || IV (12, random) || ciphertext || tag (16)
 *
 * so a root key file imported into a token (`trent root-key import`, docs/hsm.md) keeps opening
 * every blob it wrapped.
 */
import { randomBytes } from 'node:crypto';
import { UnwrapError } from '../../crypto/index.js';
import type { KeyStore } from '../types.js';
import { ck, type Handle } from './binding.js';
import { HsmError } from './errors.js';
import {
  AES_KEY_BYTES,
  GCM_IV_BYTES,
  GCM_TAG_BYTES,
  aesKeyTemplate,
  checkKeyAttributes,
  gcmDecrypt,
  gcmEncrypt,
  generateAesKey,
  secretKeyQuery,
} from './objects.js';
import { PKCS11_PREFIX, type Pkcs11RootKeySpec } from './spec.js';
import { Token } from './token.js';

export const ROOT_KEY_LABEL = 'trent-root-key';
const BLOB_VERSION = 1;
const CACHE_KEY = 'root-key';

export interface Pkcs11RootKeyOptions extends Pkcs11RootKeySpec {
  pin: string;
  sessions?: number;
}

export class Pkcs11RootKeyStore implements KeyStore {
  /** The spec, `pkcs11:<module>:<label>` (shown where a software store shows its file). */
  readonly path: string;
  /** Never a file: nothing for the data directory check to report. */
  readonly permissionsTooOpen = false;

  private constructor(
    readonly token: Token,
    private key: Handle,
    /** True when this start generated the root key in the token. */
    readonly created: boolean,
    spec: Pkcs11RootKeySpec,
  ) {
    this.path = `${PKCS11_PREFIX}${spec.modulePath}:${spec.tokenLabel}`;
  }

  /**
   * Logs in to the token and finds the root key, generating it if the token has none. Throws
   * HsmError (wrong PIN, locked PIN, no such token or module) having changed nothing.
   */
  static async open(options: Pkcs11RootKeyOptions): Promise<Pkcs11RootKeyStore> {
    const token = Token.open({
      modulePath: options.modulePath,
      label: options.tokenLabel,
      pin: options.pin,
      ...(options.sessions !== undefined ? { sessions: options.sessions } : {}),
    });
    try {
      let created = false;
      let key = await findRootKey(token);
      if (key === undefined) {
        await token.run((lib, session) => generateAesKey(lib, session, ROOT_KEY_LABEL, randomBytes(16)));
        // Two first starts at once each made one: both keep the lowest id, the other is removed.
        key = await findRootKey(token, true);
        created = true;
      }
      if (key === undefined) throw new HsmError('key-not-found', `the root key vanished from token ${token.label}`);
      return new Pkcs11RootKeyStore(token, key, created, options);
    } catch (err) {
      token.close();
      throw err;
    }
  }

  /**
   * Puts an existing 32-byte root key (a root key file's) into the token as the root key, with
   * the same attributes as a generated one, so what it wrapped keeps unwrapping. Refuses a token
   * that already holds a root key. CKA_NEVER_EXTRACTABLE is false on such a key (it existed
   * outside the token); docs/hsm.md says what that means.
   */
  static async importKey(options: Pkcs11RootKeyOptions, value: Buffer): Promise<void> {
    if (value.length !== AES_KEY_BYTES) throw new HsmError('internal', 'a root key is 32 bytes');
    const token = Token.open({ modulePath: options.modulePath, label: options.tokenLabel, pin: options.pin });
    try {
      if ((await findRootKey(token)) !== undefined) {
        throw new HsmError('internal', `token ${options.tokenLabel} already holds a root key (${ROOT_KEY_LABEL})`);
      }
      const template = aesKeyTemplate(ROOT_KEY_LABEL, randomBytes(16)).filter((a) => a.type !== ck.CKA_VALUE_LEN);
      await token.run((lib, session) =>
        lib.C_CreateObject(session, [...template, { type: ck.CKA_VALUE, value: Buffer.from(value) }]),
      );
    } finally {
      token.close();
    }
  }

  async wrap(plaintext: Buffer, aad: Buffer): Promise<Buffer> {
    const { iv, sealed } = await this.token.run((lib, session) => gcmEncrypt(lib, session, this.key, plaintext, aad));
    return Buffer.concat([Buffer.of(BLOB_VERSION), iv, sealed]);
  }

  /** Throws UnwrapError for a blob that does not open, HsmError when the token is gone. */
  async unwrap(wrapped: Buffer, aad: Buffer): Promise<Buffer> {
    if (!Buffer.isBuffer(wrapped) || wrapped.length < 1 + GCM_IV_BYTES + GCM_TAG_BYTES || wrapped[0] !== BLOB_VERSION) {
      throw new UnwrapError();
    }
    const iv = wrapped.subarray(1, 1 + GCM_IV_BYTES);
    const sealed = wrapped.subarray(1 + GCM_IV_BYTES);
    try {
      return await this.token.run((lib, session) => gcmDecrypt(lib, session, this.key, iv, sealed, aad));
    } catch (err) {
      if (err instanceof HsmError) throw err;
      throw new UnwrapError();
    }
  }

  async close(): Promise<void> {
    this.token.close();
  }
}

/**
 * The root key's handle. With `settle`, several root keys (two first starts at once) are reduced
 * to the one with the lowest CKA_ID, and the others destroyed.
 */
async function findRootKey(token: Token, settle = false): Promise<Handle | undefined> {
  const found = await token.findAll(secretKeyQuery(ROOT_KEY_LABEL));
  if (found.length <= 1) {
    const key = found[0];
    if (key === undefined) return undefined;
    await token.run((lib, session) =>
      checkKeyAttributes(lib, session, key, `the root key in token ${token.label}`, false),
    );
    token.remember(CACHE_KEY, key);
    return key;
  }
  if (!settle) throw new HsmError('internal', `token ${token.label} holds more than one ${ROOT_KEY_LABEL}`);
  const ids = await token.run((lib, session) =>
    found.map((h) => ({
      h,
      id: lib.C_GetAttributeValue(session, h, [{ type: ck.CKA_ID }])[0]?.value ?? Buffer.alloc(0),
    })),
  );
  ids.sort((a, b) => Buffer.compare(a.id as Buffer, b.id as Buffer));
  for (const extra of ids.slice(1)) {
    await token.run((lib, session) => lib.C_DestroyObject(session, extra.h)).catch(() => undefined);
  }
  return ids[0]?.h;
}
