/**
 * The default key store: a 256-bit root key in a local file wraps key material and secrets with
 * AES-256-GCM (crypto/wrapping.ts).
 *
 * Root key file format (version 1), ASCII, exactly two lines:
 *
 *   TRENT-ROOT-KEY-V1
 *   <the 32-byte key in standard base64, 44 characters>
 *
 * The file is created on first start with mode 0600: written to a temporary file in the same
 * directory, fsynced, then hard-linked into place. link(2) never replaces an existing file, so
 * when two processes start at once exactly one key wins and the loser loads it; a reader never
 * sees a partly written file.
 */
import { randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { link, mkdir, open, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { aesGcmOpen, aesGcmSeal } from '../crypto/index.js';
import type { OpenedKeyStore } from './types.js';

const HEADER_LINE = 'TRENT-ROOT-KEY-V1';
const ROOT_KEY_LENGTH = 32;
const FILE_LENGTH = HEADER_LINE.length + 1 + 44 + 1;
const FILE_PATTERN = /^TRENT-ROOT-KEY-V1\n([A-Za-z0-9+/]{43}=)\n$/;
/** The key store spec (and `path`) of a root key that lives only in memory. */
export const MEMORY_KEY_STORE = 'memory:';

/** The root key file is missing, unreadable, not a regular file or not in the expected format. */
export class KeyStoreError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'KeyStoreError';
  }
}

export class SoftwareKeyStore implements OpenedKeyStore {
  private key: Buffer | undefined;
  /** Absolute or as-given path of the root key file; `memory:` for an in-memory root key. */
  readonly path: string;
  /** True when this call created the file. */
  readonly created: boolean;
  /**
   * True when group or others have any permission on the file (mode & 0o077). The caller should
   * warn; the store does not log.
   */
  readonly permissionsTooOpen: boolean;

  private constructor(key: Buffer, path: string, created: boolean, permissionsTooOpen: boolean) {
    this.key = key;
    this.path = path;
    this.created = created;
    this.permissionsTooOpen = permissionsTooOpen;
  }

  /** Loads the root key at `path`, creating it (mode 0600) if the file does not exist. */
  static async open(path: string): Promise<SoftwareKeyStore> {
    let created = false;
    if (!(await exists(path))) created = await createKeyFile(path);
    const { key, mode } = await readKeyFile(path);
    return new SoftwareKeyStore(key, path, created, (mode & 0o077) !== 0);
  }

  /**
   * A root key made now and held only in memory (`--ephemeral`): nothing is written, and whatever
   * it wraps is lost with the process.
   */
  static inMemory(): SoftwareKeyStore {
    return new SoftwareKeyStore(randomBytes(ROOT_KEY_LENGTH), MEMORY_KEY_STORE, true, false);
  }

  async wrap(plaintext: Buffer, aad: Buffer): Promise<Buffer> {
    return aesGcmSeal(this.rootKey(), plaintext, aad);
  }

  async unwrap(wrapped: Buffer, aad: Buffer): Promise<Buffer> {
    return aesGcmOpen(this.rootKey(), wrapped, aad);
  }

  async close(): Promise<void> {
    this.key?.fill(0);
    this.key = undefined;
  }

  private rootKey(): Buffer {
    if (this.key === undefined) throw new KeyStoreError('key store is closed');
    return this.key;
  }
}

/**
 * The 32 bytes of an existing root key file, for moving them into an HSM (`trent root-key
 * import`); never creates one. The caller zeroes the result.
 */
export async function readRootKeyFile(path: string): Promise<Buffer> {
  if (!(await exists(path))) throw new KeyStoreError(`there is no root key file ${path}`);
  return (await readKeyFile(path)).key;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (e) {
    if (errorCode(e) === 'ENOENT') return false;
    throw new KeyStoreError(`cannot open root key file ${path}: ${errorCode(e) ?? 'error'}`);
  }
}

/** Returns true if this call's file was linked into place, false if another process won. */
async function createKeyFile(path: string): Promise<boolean> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `.root-key.${process.pid}.${randomBytes(8).toString('hex')}.tmp`);
  const key = randomBytes(ROOT_KEY_LENGTH);
  const text = Buffer.from(`${HEADER_LINE}\n${key.toString('base64')}\n`, 'ascii');
  try {
    const fh = await open(tmp, 'wx', 0o600);
    try {
      await fh.chmod(0o600); // the umask may only remove bits, but be exact
      await fh.writeFile(text);
      await fh.sync();
    } finally {
      await fh.close();
    }
    let won = true;
    try {
      await link(tmp, path);
    } catch (e) {
      if (errorCode(e) !== 'EEXIST') throw e;
      won = false;
    }
    await syncDirectory(dir);
    return won;
  } catch (e) {
    if (e instanceof KeyStoreError) throw e;
    throw new KeyStoreError(`cannot create root key file ${path}: ${errorCode(e) ?? 'error'}`);
  } finally {
    key.fill(0);
    text.fill(0);
    await unlink(tmp).catch(() => undefined);
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function readKeyFile(path: string): Promise<{ key: Buffer; mode: number }> {
  let fh;
  try {
    // O_NONBLOCK: opening a FIFO planted at the path must not hang start-up; fstat rejects it.
    fh = await open(path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch (e) {
    throw new KeyStoreError(`cannot open root key file ${path}: ${errorCode(e) ?? 'error'}`);
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new KeyStoreError(`root key file ${path} is not a regular file`);
    if (st.size !== FILE_LENGTH) throw new KeyStoreError(`root key file ${path} is not in the expected format`);
    const buf = Buffer.alloc(FILE_LENGTH + 1);
    try {
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      const text = buf.subarray(0, bytesRead).toString('latin1');
      const match = FILE_PATTERN.exec(text);
      if (match === null || match[1] === undefined) {
        throw new KeyStoreError(`root key file ${path} is not in the expected format`);
      }
      const decoded = Buffer.from(match[1], 'base64');
      const key = Buffer.alloc(ROOT_KEY_LENGTH);
      const ok = decoded.length === ROOT_KEY_LENGTH && match[1] === decoded.toString('base64');
      decoded.copy(key);
      decoded.fill(0);
      if (!ok) throw new KeyStoreError(`root key file ${path} is not in the expected format`);
      return { key, mode: st.mode & 0o777 };
    } finally {
      buf.fill(0);
    }
  } finally {
    await fh.close();
  }
}

function errorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}
