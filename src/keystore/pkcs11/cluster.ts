/**
 * An HSM cluster (`--hsm-cluster`): the tokens of one PKCS#11 module that hold the same keys, as
 * the HSMs of a CloudHSM cluster do. Connecting needs at least two HSMs that answer and accept the
 * PIN (AWS: INSUFFICIENT_CLOUDHSM_HSMS otherwise). A KMS key's material is created in every
 * connected HSM at once (agreement.ts) as a persistent AES-256 key labelled with the key ARN, its
 * CKA_ID the material id; encryption and decryption run in any HSM that answers, the next one
 * taking over when one fails. When none is left the cluster has failed (INSUFFICIENT_CLOUDHSM_HSMS).
 */
import type { X509Certificate } from 'node:crypto';
import { UnwrapError } from '../../crypto/index.js';
import { ck, type Handle } from './binding.js';
import { createSharedKey } from './agreement.js';
import { HsmError, type HsmErrorCode } from './errors.js';
import {
  GCM_IV_BYTES,
  GCM_TAG_BYTES,
  checkKeyAttributes,
  gcmDecrypt,
  gcmEncrypt,
  readSecurityAttributes,
  secretKeyQuery,
} from './objects.js';
import type { SecurityAttributes } from './objects.js';
import type { HsmClusterSpec } from './spec.js';
import { Token } from './token.js';
import { loadTrustAnchor } from './trust-anchor.js';

/** Connecting needs this many HSMs (AWS CloudHSM key stores: two, in different AZs). */
export const MIN_HSMS = 2;
const BLOB_VERSION = 1;

export interface HsmStatus {
  label: string;
  state: 'connected' | 'failed' | 'closed' | 'unreachable';
  code?: HsmErrorCode;
  message?: string;
}

/** Names a key in the cluster: the label is the key ARN, the id the material id. */
export interface HsmKeyName {
  label: string;
  id: string;
}

const idBytes = (name: HsmKeyName) => Buffer.from(name.id, 'utf8');
const cacheKey = (name: HsmKeyName) => `${name.label}\u0000${name.id}`;

/** The handle of `name`'s key in `token`, its attributes checked the first time it is found. */
function findKey(token: Token, name: HsmKeyName): Promise<Handle | undefined> {
  return token.findOne(cacheKey(name), secretKeyQuery(name.label, idBytes(name)), (lib, session, handle) =>
    checkKeyAttributes(lib, session, handle, `key ${name.label} in token ${token.label}`),
  );
}

export class HsmCluster {
  private next = 0;

  private constructor(
    readonly spec: HsmClusterSpec,
    private readonly tokens: Token[],
    private readonly unreachable: HsmStatus[],
    readonly trustAnchor: X509Certificate,
  ) {}

  get clusterId(): string {
    return this.spec.clusterId;
  }

  /**
   * Logs in to every HSM of the cluster with `pin`. Throws HsmError when fewer than MIN_HSMS can
   * be used: with the code of the first credential problem (INVALID_CREDENTIALS,
   * USER_LOCKED_OUT, USER_NOT_FOUND) if there is one, CLUSTER_NOT_FOUND when the module cannot be
   * loaded, else INSUFFICIENT_CLOUDHSM_HSMS.
   */
  static async connect(spec: HsmClusterSpec, pin: string, options: { sessions?: number } = {}): Promise<HsmCluster> {
    const trustAnchor = await loadTrustAnchor(spec.trustAnchorPath);
    const tokens: Token[] = [];
    const unreachable: HsmStatus[] = [];
    const errors: HsmError[] = [];
    for (const label of spec.tokenLabels) {
      try {
        tokens.push(Token.open({ modulePath: spec.modulePath, label, pin, ...options }));
      } catch (err) {
        const e = err instanceof HsmError ? err : new HsmError('internal', `token ${label} cannot be used`);
        errors.push(e);
        unreachable.push({ label, state: 'unreachable', code: e.code, message: e.message });
      }
    }
    if (tokens.length >= MIN_HSMS) return new HsmCluster(spec, tokens, unreachable, trustAnchor);
    for (const t of tokens) t.close();
    const credential = errors.find((e) =>
      ['pin-incorrect', 'pin-locked', 'user-pin-not-initialized'].includes(e.failure),
    );
    if (credential) throw new HsmError(credential.failure, `cluster ${spec.clusterId}: ${credential.message}`);
    if (errors.some((e) => e.failure === 'module-not-found')) {
      throw new HsmError('module-not-found', `cluster ${spec.clusterId}: ${errors[0]!.message}`);
    }
    throw new HsmError(
      'too-few-hsms',
      `cluster ${spec.clusterId}: ${tokens.length} of ${spec.tokenLabels.length} HSMs answer, at least ${MIN_HSMS} are needed` +
        (errors.length ? ` (${errors.map((e) => e.message).join('; ')})` : ''),
    );
  }

  /** Each HSM's state, in the order of the spec. */
  status(): HsmStatus[] {
    return this.spec.tokenLabels.map((label) => {
      const token = this.tokens.find((t) => t.label === label);
      if (!token) return this.unreachable.find((u) => u.label === label)!;
      const error = token.error;
      return { label, state: token.state, ...(error ? { code: error.code, message: error.message } : {}) };
    });
  }

  /** `connected` while one HSM answers; `failed` (INSUFFICIENT_CLOUDHSM_HSMS) when none does. */
  get state(): 'connected' | 'failed' {
    return this.live().length > 0 ? 'connected' : 'failed';
  }

  get error(): HsmError | undefined {
    return this.state === 'failed'
      ? new HsmError('too-few-hsms', `no HSM of cluster ${this.clusterId} answers`)
      : undefined;
  }

  /**
   * Creates `name`'s AES-256 key in every HSM that answers (at least MIN_HSMS), the same bytes in
   * each, never extractable. An HSM that is down meanwhile does not get it.
   */
  async createKey(name: HsmKeyName): Promise<void> {
    const live = this.live();
    if (live.length < MIN_HSMS) {
      throw new HsmError(
        'too-few-hsms',
        `cluster ${this.clusterId}: ${live.length} HSMs answer, ${MIN_HSMS} are needed`,
      );
    }
    for (const token of live) {
      if ((await token.findAll(secretKeyQuery(name.label, idBytes(name)))).length > 0) {
        throw new HsmError('internal', `token ${token.label} already holds a key ${name.label}`);
      }
    }
    const handles = await createSharedKey(live, name.label, idBytes(name));
    live.forEach((token, i) => token.remember(cacheKey(name), handles[i]!));
  }

  /** AES-256-GCM under `name` in one HSM: 0x01 || IV (12) || ciphertext || tag (16). */
  async encrypt(name: HsmKeyName, plaintext: Buffer, aad: Buffer): Promise<Buffer> {
    const { iv, sealed } = await this.inAnyHsm(name, (token, key) =>
      token.run((lib, s) => gcmEncrypt(lib, s, key, plaintext, aad)),
    );
    return Buffer.concat([Buffer.of(BLOB_VERSION), iv, sealed]);
  }

  /** Throws UnwrapError for any blob that does not open under `name` and `aad`. */
  async decrypt(name: HsmKeyName, blob: Buffer, aad: Buffer): Promise<Buffer> {
    if (!Buffer.isBuffer(blob) || blob.length < 1 + GCM_IV_BYTES + GCM_TAG_BYTES || blob[0] !== BLOB_VERSION) {
      throw new UnwrapError();
    }
    const iv = blob.subarray(1, 1 + GCM_IV_BYTES);
    const sealed = blob.subarray(1 + GCM_IV_BYTES);
    try {
      return await this.inAnyHsm(name, (token, key) => token.run((lib, s) => gcmDecrypt(lib, s, key, iv, sealed, aad)));
    } catch (err) {
      if (err instanceof HsmError) throw err;
      throw new UnwrapError();
    }
  }

  /**
   * `n` random bytes from one HSM's generator (C_GenerateRandom), the next HSM in turn; one that
   * fails is passed over. GenerateRandom with a CustomKeyStoreId.
   */
  async random(n: number): Promise<Buffer> {
    const live = this.live();
    const start = this.next++ % Math.max(1, live.length);
    for (let i = 0; i < live.length; i++) {
      const token = live[(start + i) % live.length]!;
      try {
        return await token.run((lib, s) => Buffer.from(lib.C_GenerateRandom(s, Buffer.alloc(n))));
      } catch (err) {
        if (err instanceof HsmError && err.failure === 'token-removed') continue;
        throw err;
      }
    }
    throw this.error ?? new HsmError('too-few-hsms', `no HSM of cluster ${this.clusterId} answers`);
  }

  /** Whether some HSM that answers holds `name` (after a restart, found by label and id). */
  async hasKey(name: HsmKeyName): Promise<boolean> {
    for (const token of this.live()) {
      try {
        if ((await findKey(token, name)) !== undefined) return true;
      } catch (err) {
        if (!(err instanceof HsmError) || err.failure !== 'token-removed') throw err;
      }
    }
    if (this.state === 'failed') throw this.error!;
    return false;
  }

  /** Destroys `name`'s key in every HSM that answers; returns how many copies were destroyed. */
  async destroyKey(name: HsmKeyName): Promise<number> {
    let destroyed = 0;
    for (const token of this.live()) {
      token.forget(cacheKey(name));
      const handles = await token.findAll(secretKeyQuery(name.label, idBytes(name)));
      for (const h of handles) {
        await token.run((lib, s) => lib.C_DestroyObject(s, h));
        destroyed += 1;
      }
    }
    return destroyed;
  }

  /** Every key object Trent made in each HSM, with its security attributes (attribute tests, checks). */
  async inspect(): Promise<{ token: string; label: string; id: string; attributes: SecurityAttributes }[]> {
    const out: { token: string; label: string; id: string; attributes: SecurityAttributes }[] = [];
    for (const token of this.live()) {
      const handles = await token.findAll([{ type: ck.CKA_CLASS, value: ck.CKO_SECRET_KEY }]);
      for (const h of handles) {
        out.push(
          await token.run((lib, s) => {
            const [label, id] = lib.C_GetAttributeValue(s, h, [{ type: ck.CKA_LABEL }, { type: ck.CKA_ID }]);
            return {
              token: token.label,
              label: String(label?.value ?? ''),
              id: Buffer.isBuffer(id?.value) ? id.value.toString('utf8') : '',
              attributes: readSecurityAttributes(lib, s, h),
            };
          }),
        );
      }
    }
    return out;
  }

  close(): void {
    for (const t of this.tokens) t.close();
  }

  private live(): Token[] {
    return this.tokens.filter((t) => t.state === 'connected');
  }

  /**
   * Runs `op` with `name`'s key in one HSM, starting with the next in turn; an HSM that fails or
   * lacks the key passes to the next. A failure of the operation itself (a blob that does not
   * open) is thrown at once.
   */
  private async inAnyHsm<T>(name: HsmKeyName, op: (token: Token, key: Handle) => Promise<T>): Promise<T> {
    const live = this.live();
    const start = this.next++ % Math.max(1, live.length);
    let missing = 0;
    for (let i = 0; i < live.length; i++) {
      const token = live[(start + i) % live.length]!;
      try {
        const key = await findKey(token, name);
        if (key === undefined) {
          missing += 1;
          continue;
        }
        return await op(token, key);
      } catch (err) {
        if (err instanceof HsmError && err.failure === 'token-removed') continue;
        throw err;
      }
    }
    if (this.state === 'failed') throw this.error!;
    throw new HsmError(
      'key-not-found',
      missing > 0
        ? `no HSM of cluster ${this.clusterId} holds key ${name.label}`
        : `no HSM of cluster ${this.clusterId} answers`,
    );
  }
}
