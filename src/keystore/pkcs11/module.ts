/**
 * PKCS#11 modules (shared libraries) loaded into this process. C_Initialize and C_Finalize act on
 * the library for the whole process, so the table of loaded modules is per process too (the one
 * module-level table in keystore/, for that reason): a root key token and an HSM cluster on the
 * same module share one initialization, and the library is finalized when the last user releases
 * it.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { constants, accessSync } from 'node:fs';
import { PKCS11, ck, ckrOf } from './binding.js';
import { HsmError } from './errors.js';

export interface Pkcs11Module {
  readonly path: string;
  readonly lib: PKCS11;
  /**
   * Login state is per application and token: a second user of a token this process is logged
   * in to gets CKR_USER_ALREADY_LOGGED_IN whatever PIN it gives. The module remembers a keyed
   * digest of the PIN each token was logged in with, so that such a user's PIN is still checked.
   */
  readonly logins: LoginRegistry;
  /** Drops this user's reference; the last one finalizes and unloads the library. */
  release(): void;
}

/** Which tokens (by slot) this process is logged in to, with an HMAC of the PIN (never the PIN). */
export class LoginRegistry {
  private readonly key = randomBytes(32);
  private readonly bySlot = new Map<string, { digest: Buffer; users: number }>();

  private digest(pin: string): Buffer {
    return createHmac('sha256', this.key).update(pin, 'utf8').digest();
  }

  /** A successful C_Login (or a matching one, below) of a user of `slot`. */
  add(slot: Buffer, pin: string): void {
    const id = slot.toString('hex');
    const entry = this.bySlot.get(id);
    if (entry) entry.users += 1;
    else this.bySlot.set(id, { digest: this.digest(pin), users: 1 });
  }

  /** For CKR_USER_ALREADY_LOGGED_IN: whether `pin` is the PIN the token was logged in with. */
  matches(slot: Buffer, pin: string): boolean {
    const entry = this.bySlot.get(slot.toString('hex'));
    return entry !== undefined && timingSafeEqual(entry.digest, this.digest(pin));
  }

  remove(slot: Buffer): void {
    const id = slot.toString('hex');
    const entry = this.bySlot.get(id);
    if (entry && --entry.users <= 0) this.bySlot.delete(id);
  }
}

interface Loaded {
  lib: PKCS11;
  users: number;
  logins: LoginRegistry;
}

const loaded = new Map<string, Loaded>();

/** Loads and initializes the module at `path` (absolute), or takes another reference to it. */
export function acquireModule(path: string): Pkcs11Module {
  let entry = loaded.get(path);
  if (entry === undefined) {
    entry = { lib: load(path), users: 0, logins: new LoginRegistry() };
    loaded.set(path, entry);
  }
  entry.users += 1;
  const mine = entry;
  let released = false;
  return {
    path,
    lib: mine.lib,
    logins: mine.logins,
    release() {
      if (released) return;
      released = true;
      mine.users -= 1;
      if (mine.users > 0 || loaded.get(path) !== mine) return;
      loaded.delete(path);
      try {
        mine.lib.C_Finalize();
      } catch {
        // Already finalized (a test finalizing under us, a library that failed): nothing to undo.
      }
      try {
        mine.lib.close();
      } catch {
        // The library stays mapped; nothing else to do.
      }
    },
  };
}

/**
 * Finalizes the module at `path` while it is in use, as a failing library or a removed HSM would
 * leave it: every session of every user ends and each of their next calls fails. Tests use it;
 * the next `acquireModule` initializes the library again.
 */
export function finalizeModule(path: string): void {
  const entry = loaded.get(path);
  if (entry === undefined) return;
  loaded.delete(path);
  try {
    entry.lib.C_Finalize();
  } catch {
    // Already finalized.
  }
}

function load(path: string): PKCS11 {
  try {
    accessSync(path, constants.R_OK);
  } catch {
    throw new HsmError('module-not-found', `PKCS#11 module ${path} does not exist or cannot be read`);
  }
  const lib = new PKCS11();
  try {
    lib.load(path);
  } catch {
    throw new HsmError('module-not-found', `PKCS#11 module ${path} cannot be loaded (not a PKCS#11 library?)`);
  }
  try {
    lib.C_Initialize({ flags: ck.CKF_OS_LOCKING_OK });
  } catch (err) {
    const ckr = ckrOf(err);
    // Initialized by another binding object in this process: usable as it is.
    if (ckr !== 'CKR_CRYPTOKI_ALREADY_INITIALIZED') {
      try {
        lib.close();
      } catch {
        // nothing more to undo
      }
      throw new HsmError('module-not-found', `PKCS#11 module ${path} did not initialize`, ckr);
    }
  }
  return lib;
}
