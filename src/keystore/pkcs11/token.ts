/**
 * One PKCS#11 token (one HSM): found by its label in a module, logged in once with the user PIN
 * (on a session kept only for that), and a pool of open sessions that operations borrow, so no
 * request logs in or opens a session.
 * Object handles found by label are cached (a handle stays valid for the life of the login).
 *
 * A token that stops answering (removed, its files deleted, the library finalized) moves to the
 * failed state for good: every later call throws the same HsmError (NETWORK_ERRORS). Recovery is
 * a new Token (a reconnect), never a silent retry.
 */
import { ck, ckrOf, type Handle, type PKCS11, type Template } from './binding.js';
import { HsmError, TOKEN_GONE, loginFailure } from './errors.js';
import { acquireModule, type Pkcs11Module } from './module.js';

export interface TokenOptions {
  modulePath: string;
  label: string;
  /** The user PIN (the `kmsuser` password); used for C_Login and not kept. */
  pin: string;
  /** Sessions kept open at most; default 4. */
  sessions?: number;
}

export type TokenState = 'connected' | 'failed' | 'closed';

const DEFAULT_SESSIONS = 4;

export class Token {
  private readonly idle: Handle[] = [];
  private readonly all: Handle[] = [];
  private readonly waiting: ((session: Handle) => void)[] = [];
  private readonly handles = new Map<string, Handle>();
  private failure: HsmError | undefined;
  private closed = false;

  private constructor(
    private readonly module: Pkcs11Module,
    private readonly slot: Handle,
    readonly label: string,
    /**
     * The session C_Login ran on, never lent out: login state lasts while the application has a
     * session with the token, so discarding a pool session never logs Trent out.
     */
    private readonly anchor: Handle,
    private readonly maxSessions: number,
  ) {}

  /** Finds the token and logs in; throws HsmError (never with the PIN) when it cannot. */
  static open(options: TokenOptions): Token {
    const module = acquireModule(options.modulePath);
    try {
      const lib = module.lib;
      const slot = findSlot(lib, options.modulePath, options.label);
      const first = openSession(lib, slot, options.label);
      try {
        login(module, slot, first, options);
      } catch (err) {
        closeQuietly(lib, first);
        throw err;
      }
      return new Token(module, slot, options.label, first, Math.max(1, options.sessions ?? DEFAULT_SESSIONS));
    } catch (err) {
      module.release();
      throw err;
    }
  }

  get state(): TokenState {
    return this.closed ? 'closed' : this.failure ? 'failed' : 'connected';
  }

  /** Why the token failed, if it did. */
  get error(): HsmError | undefined {
    return this.failure;
  }

  /**
   * Runs `op` on a session of the pool. A PKCS#11 error is passed to the caller as it is, unless
   * the token no longer answers: then the token fails and the HsmError is thrown instead.
   */
  async run<T>(op: (lib: PKCS11, session: Handle) => T | Promise<T>): Promise<T> {
    const session = await this.acquire();
    let result: T;
    try {
      result = await op(this.module.lib, session);
    } catch (err) {
      const error = this.classify(err, session);
      // A failed call may leave its operation active on the session (CKR_OPERATION_ACTIVE for
      // the next C_EncryptInit): the session is closed, and a fresh one opened when needed.
      this.discard(session);
      throw error;
    }
    this.release(session);
    return result;
  }

  /**
   * The handle of the one object matching `template` (looked up once, then cached under `key`),
   * or undefined when there is none. More than one is refused: labels name objects uniquely.
   */
  async findOne(
    key: string,
    template: Template,
    /** Checks the object before its handle is cached (throws to refuse it). */
    verify?: (lib: PKCS11, session: Handle, handle: Handle) => void,
  ): Promise<Handle | undefined> {
    const cached = this.handles.get(key);
    if (cached !== undefined) return cached;
    const found = await this.findAll(template);
    if (found.length > 1) throw new HsmError('internal', `more than one object on token ${this.label} matches ${key}`);
    const handle = found[0];
    if (handle === undefined) return undefined;
    if (verify) await this.run((lib, session) => verify(lib, session, handle));
    this.handles.set(key, handle);
    return handle;
  }

  async findAll(template: Template): Promise<Handle[]> {
    return this.run((lib, session) => {
      lib.C_FindObjectsInit(session, template);
      try {
        const out: Handle[] = [];
        for (;;) {
          const batch = lib.C_FindObjects(session, 64);
          out.push(...batch);
          if (batch.length < 64) return out;
        }
      } finally {
        lib.C_FindObjectsFinal(session);
      }
    });
  }

  remember(key: string, handle: Handle): void {
    this.handles.set(key, handle);
  }

  forget(key: string): void {
    this.handles.delete(key);
  }

  /**
   * Checks that the token still answers (C_GetTokenInfo and a session's C_GetSessionInfo); fails
   * it if not. Throws the failure.
   */
  async probe(): Promise<void> {
    await this.run(() => undefined);
  }

  /** Closes this token's sessions (never C_CloseAllSessions: other users may share the slot). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const session of this.all) closeQuietly(this.module.lib, session);
    closeQuietly(this.module.lib, this.anchor);
    this.module.logins.remove(this.slot);
    this.all.length = 0;
    this.idle.length = 0;
    this.handles.clear();
    const closedError = new HsmError('internal', `token ${this.label} is closed`);
    for (const waiter of this.waiting.splice(0)) waiter(Buffer.alloc(0));
    this.failure ??= closedError;
    this.module.release();
  }

  private async acquire(): Promise<Handle> {
    this.throwIfUnusable();
    const idle = this.idle.pop();
    if (idle !== undefined) return idle;
    if (this.all.length < this.maxSessions) {
      let session: Handle;
      try {
        session = openSession(this.module.lib, this.slot, this.label);
      } catch (err) {
        throw this.fail(err);
      }
      this.all.push(session);
      return session;
    }
    const session = await new Promise<Handle>((resolve) => this.waiting.push(resolve));
    this.throwIfUnusable();
    return session;
  }

  private release(session: Handle): void {
    if (this.closed) return;
    const waiter = this.waiting.shift();
    if (waiter) waiter(session);
    else this.idle.push(session);
  }

  private discard(session: Handle): void {
    const i = this.all.indexOf(session);
    if (i >= 0) this.all.splice(i, 1);
    closeQuietly(this.module.lib, session);
    // A waiter gets a session of its own: the pool has room again.
    const waiter = this.waiting.shift();
    if (waiter === undefined || this.closed) return;
    try {
      const fresh = openSession(this.module.lib, this.slot, this.label);
      this.all.push(fresh);
      waiter(fresh);
    } catch (err) {
      this.fail(err);
      waiter(Buffer.alloc(0));
    }
  }

  private throwIfUnusable(): void {
    if (this.failure) throw this.failure;
  }

  /** A failed operation: the token's failure if the token is gone, else the error as it was. */
  private classify(err: unknown, session: Handle): unknown {
    if (err instanceof HsmError) return err;
    const ckr = ckrOf(err);
    if (ckr !== undefined && TOKEN_GONE.has(ckr)) return this.fail(err);
    if (ckr === undefined) return err;
    // SoftHSM2 answers CKR_OBJECT_HANDLE_INVALID or CKR_GENERAL_ERROR when its token directory
    // vanished: ask the token whether it is still there before blaming the operation.
    try {
      const lib = this.module.lib;
      lib.C_GetSessionInfo(session);
      if (lib.C_GetTokenInfo(this.slot).label.trim() !== this.label) return this.fail(err);
    } catch (probeErr) {
      return this.fail(probeErr);
    }
    if (ckr === 'CKR_OBJECT_HANDLE_INVALID' || ckr === 'CKR_KEY_HANDLE_INVALID') this.handles.clear();
    return err;
  }

  private fail(err: unknown): HsmError {
    if (this.failure) return this.failure;
    this.failure = new HsmError('token-removed', `token ${this.label} no longer answers`, ckrOf(err));
    this.handles.clear();
    for (const waiter of this.waiting.splice(0)) waiter(Buffer.alloc(0));
    return this.failure;
  }
}

function findSlot(lib: PKCS11, modulePath: string, label: string): Handle {
  let slots: Handle[];
  try {
    slots = lib.C_GetSlotList(true);
  } catch (err) {
    throw new HsmError('token-not-found', `PKCS#11 module ${modulePath} lists no tokens`, ckrOf(err));
  }
  for (const slot of slots) {
    let info;
    try {
      info = lib.C_GetTokenInfo(slot);
    } catch {
      continue; // a slot whose token went away meanwhile
    }
    if (info.label.trim() !== label) continue;
    if ((info.flags & ck.CKF_TOKEN_INITIALIZED) === 0) continue;
    if ((info.flags & ck.CKF_USER_PIN_LOCKED) !== 0) {
      throw new HsmError('pin-locked', `the user PIN of token ${label} is locked`);
    }
    if ((info.flags & ck.CKF_USER_PIN_INITIALIZED) === 0) {
      throw new HsmError('user-pin-not-initialized', `token ${label} has no user PIN (no crypto user)`);
    }
    return slot;
  }
  throw new HsmError('token-not-found', `no token labelled ${label} in PKCS#11 module ${modulePath}`);
}

function openSession(lib: PKCS11, slot: Handle, label: string): Handle {
  try {
    return lib.C_OpenSession(slot, ck.CKF_SERIAL_SESSION | ck.CKF_RW_SESSION);
  } catch (err) {
    const ckr = ckrOf(err);
    throw new HsmError(
      ckr !== undefined && TOKEN_GONE.has(ckr) ? 'token-removed' : 'internal',
      `cannot open a session with token ${label}`,
      ckr,
    );
  }
}

function login(module: Pkcs11Module, slot: Handle, session: Handle, options: TokenOptions): void {
  try {
    module.lib.C_Login(session, ck.CKU_USER, options.pin);
    module.logins.add(slot, options.pin);
  } catch (err) {
    let ckr = ckrOf(err);
    // Login is per application and token: another user of this token in this process logged in.
    // Its PIN must be this one, or this user would get in with any PIN.
    if (ckr === 'CKR_USER_ALREADY_LOGGED_IN') {
      if (module.logins.matches(slot, options.pin)) {
        module.logins.add(slot, options.pin);
        return;
      }
      ckr = 'CKR_PIN_INCORRECT';
    }
    const failure = loginFailure(ckr);
    const what: Record<string, string> = {
      'pin-incorrect': `the user PIN of token ${options.label} is incorrect`,
      'pin-locked': `the user PIN of token ${options.label} is locked`,
      'user-pin-not-initialized': `token ${options.label} has no user PIN (no crypto user)`,
      'token-removed': `token ${options.label} no longer answers`,
    };
    throw new HsmError(failure, what[failure] ?? `logging in to token ${options.label} failed`, ckr);
  }
}

function closeQuietly(lib: PKCS11, session: Handle): void {
  try {
    lib.C_CloseSession(session);
  } catch {
    // The session is gone already (token removed, library finalized).
  }
}
