/**
 * The PKCS#11 key stores on SoftHSM2, each test with a token directory of its own: the
 * conformance suites (root key in a token; materials in clusters of two and three HSMs), the
 * attributes of every object Trent creates read back, the wrap-then-decrypt extraction refused,
 * login failures with their codes, a token removed while connected, failover, restart.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSoftHsm, SOFTHSM_MODULE, USER_PIN, type SoftHsm } from '../../../test/helpers/softhsm.js';
import { UnwrapError, wrappingAad } from '../../crypto/index.js';
import { describeKeyStoreConformance, describeMaterialStoreConformance } from '../conformance.js';
import { KeyStoreError, openKeyStore } from '../index.js';
import { ck, type Handle, type PKCS11 } from './binding.js';
import { finalizeModule } from './module.js';
import {
  HsmCluster,
  HsmError,
  HsmMaterialStore,
  Pkcs11RootKeyStore,
  ROOT_KEY_LABEL,
  Token,
  readSecurityAttributes,
  type SecurityAttributes,
} from './index.js';
import { parseClusterSpec, type HsmClusterSpec } from './spec.js';

const ARN = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const MATERIAL = 'c'.repeat(64);
/** CK_STATE of a read/write session logged in as the user (PKCS#11 2.40 §5.7; pkcs11js has no constant). */
const CKS_RW_USER_FUNCTIONS = 3;

function clusterSpec(hsm: SoftHsm, labels: string[]): HsmClusterSpec {
  const parsed = parseClusterSpec(`cluster-2a23b4cdefg=${SOFTHSM_MODULE}:${labels.join(',')}:${hsm.trustAnchor}`);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.value;
}

/** Every object on the token (secret keys, key pairs, anything), with its class and label. */
async function everyObject(token: Token): Promise<{ handle: Handle; cls: number; label: string }[]> {
  const handles = await token.findAll([]);
  return token.run((lib, s) =>
    handles.map((handle) => {
      const [cls, label] = lib.C_GetAttributeValue(s, handle, [{ type: ck.CKA_CLASS }, { type: ck.CKA_LABEL }]);
      return { handle, cls: (cls?.value as Buffer).readUInt32LE(0), label: String(label?.value ?? '') };
    }),
  );
}

function expectLockedDown(attributes: SecurityAttributes, where: string, derived = false): void {
  expect(attributes, where).toMatchObject({
    CKA_TOKEN: true,
    CKA_SENSITIVE: true,
    CKA_ALWAYS_SENSITIVE: true,
    CKA_EXTRACTABLE: false,
    CKA_NEVER_EXTRACTABLE: true,
    CKA_WRAP: false,
    CKA_UNWRAP: false,
    CKA_DERIVE: false,
    // SoftHSM2 refuses CKA_MODIFIABLE in C_DeriveKey templates (objects.ts).
    CKA_MODIFIABLE: derived,
  });
  expect(attributes.CKA_WRAP && attributes.CKA_DECRYPT, `${where}: wrap and decrypt`).toBe(false);
}

/**
 * The wrap-then-decrypt extraction on `key`: wrap it under a key that may wrap (a fresh one, and
 * `key` itself), then decrypt the wrapped bytes. Every step that would give the material must fail.
 */
async function expectNoExtraction(token: Token, key: Handle, derived = false): Promise<void> {
  await token.run((lib: PKCS11, s: Handle) => {
    const wrapper = lib.C_GenerateKey(s, { mechanism: ck.CKM_AES_KEY_GEN }, [
      { type: ck.CKA_CLASS, value: ck.CKO_SECRET_KEY },
      { type: ck.CKA_KEY_TYPE, value: ck.CKK_AES },
      { type: ck.CKA_VALUE_LEN, value: 32 },
      { type: ck.CKA_TOKEN, value: false },
      { type: ck.CKA_WRAP, value: true },
      { type: ck.CKA_DECRYPT, value: true },
    ]);
    try {
      const wrap = (wrapping: Handle) =>
        lib.C_WrapKey(s, { mechanism: ck.CKM_AES_KEY_WRAP_PAD }, wrapping, key, Buffer.alloc(512));
      expect(() => wrap(wrapper)).toThrow(/CKR_KEY_UNEXTRACTABLE|CKR_KEY_NOT_WRAPPABLE/);
      expect(() => wrap(key)).toThrow(/CKR_/); // key may not wrap (CKA_WRAP false)
      // CKA_EXTRACTABLE cannot be turned on afterwards, nor CKA_SENSITIVE off, nor (unless
      // derived: the cluster refuses such a key at use, tested below) CKA_WRAP on.
      for (const attribute of [
        ...(derived ? [] : [{ type: ck.CKA_WRAP, value: true }]),
        { type: ck.CKA_EXTRACTABLE, value: true },
        { type: ck.CKA_SENSITIVE, value: false },
      ]) {
        expect(() => lib.C_SetAttributeValue(s, key, [attribute])).toThrow(/CKR_/);
      }
      expect(() => lib.C_GetAttributeValue(s, key, [{ type: ck.CKA_VALUE }])).toThrow(/CKR_ATTRIBUTE_SENSITIVE/);
      // A copy that is extractable is refused too.
      expect(() => lib.C_CopyObject(s, key, [{ type: ck.CKA_EXTRACTABLE, value: true }])).toThrow(/CKR_/);
    } finally {
      lib.C_DestroyObject(s, wrapper);
    }
  });
}

let hsm: SoftHsm;
beforeEach(() => {
  hsm = createSoftHsm();
});
afterEach(() => {
  hsm.cleanup();
});

describeKeyStoreConformance('root key in a PKCS#11 token', async () => {
  hsm.initToken('root-a');
  hsm.initToken('root-b');
  const opts = { modulePath: SOFTHSM_MODULE, tokenLabel: 'root-a', pin: USER_PIN };
  return {
    store: await Pkcs11RootKeyStore.open(opts),
    reopen: () => Pkcs11RootKeyStore.open(opts),
    other: () => Pkcs11RootKeyStore.open({ ...opts, tokenLabel: 'root-b' }),
    cleanup: async () => undefined,
  };
});

for (const size of [2, 3]) {
  describeMaterialStoreConformance(`HSM cluster of ${size}`, async () => {
    const labels = Array.from({ length: size }, (_, i) => `hsm-${i + 1}`);
    for (const l of labels) hsm.initToken(l);
    const spec = clusterSpec(hsm, labels);
    const clusters = [await HsmCluster.connect(spec, USER_PIN)];
    return {
      store: new HsmMaterialStore(clusters[0]!),
      async reopen() {
        const again = await HsmCluster.connect(spec, USER_PIN);
        clusters.push(again);
        return new HsmMaterialStore(again);
      },
      async cleanup() {
        for (const c of clusters) c.close();
      },
    };
  });
}

describe('root key in a token', () => {
  it('is created on first start, sensitive, never extractable, encrypt/decrypt only, and found again', async () => {
    hsm.initToken('root');
    const opts = { modulePath: SOFTHSM_MODULE, tokenLabel: 'root', pin: USER_PIN };
    const first = await Pkcs11RootKeyStore.open(opts);
    expect(first.created).toBe(true);
    expect(first.path).toBe(`pkcs11:${SOFTHSM_MODULE}:root`);
    const wrapped = await first.wrap(Buffer.from('secret'), wrappingAad('t'));
    const objects = await everyObject(first.token);
    expect(objects.map((o) => o.label)).toEqual([ROOT_KEY_LABEL]);
    for (const o of objects) {
      const attributes = await first.token.run((lib, s) => readSecurityAttributes(lib, s, o.handle));
      expectLockedDown(attributes, o.label);
      expect(attributes).toMatchObject({ CKA_ENCRYPT: true, CKA_DECRYPT: true });
      await expectNoExtraction(first.token, o.handle);
    }
    await first.close();
    const second = await Pkcs11RootKeyStore.open(opts);
    expect(second.created).toBe(false);
    expect((await second.unwrap(wrapped, wrappingAad('t'))).toString()).toBe('secret');
    expect((await everyObject(second.token)).length).toBe(1);
    await second.close();
  });

  it('a root key file imported into a token keeps unwrapping what it wrapped (same layout)', async () => {
    hsm.initToken('root');
    const { SoftwareKeyStore } = await import('../software.js');
    const { aesGcmSeal } = await import('../../crypto/index.js');
    const value = randomBytes(32);
    const aad = wrappingAad('key-material', ARN, MATERIAL);
    const blob = aesGcmSeal(value, Buffer.from('material'), aad);
    const opts = { modulePath: SOFTHSM_MODULE, tokenLabel: 'root', pin: USER_PIN };
    await Pkcs11RootKeyStore.importKey(opts, value);
    await expect(Pkcs11RootKeyStore.importKey(opts, value)).rejects.toThrow(/already holds a root key/);
    const store = await Pkcs11RootKeyStore.open(opts);
    expect(store.created).toBe(false);
    expect((await store.unwrap(blob, aad)).toString()).toBe('material');
    const [object] = await everyObject(store.token);
    const attributes = await store.token.run((lib, s) => readSecurityAttributes(lib, s, object!.handle));
    expect(attributes).toMatchObject({
      CKA_SENSITIVE: true,
      CKA_EXTRACTABLE: false,
      CKA_WRAP: false,
      CKA_MODIFIABLE: false,
    });
    expect(attributes.CKA_NEVER_EXTRACTABLE).toBe(false); // it existed outside the token
    await store.close();
    expect(SoftwareKeyStore).toBeDefined();
  });

  it('through openKeyStore: wrong PIN, missing token, missing module, no PIN: clear errors, nothing created', async () => {
    hsm.initToken('root');
    const secretPin = 'Wrong-Pin-Never-Shown-123';
    const attempts: [string, string | undefined, RegExp][] = [
      [`pkcs11:${SOFTHSM_MODULE}:root`, secretPin, /user PIN of token root is incorrect.*nothing was changed/],
      [`pkcs11:${SOFTHSM_MODULE}:absent`, USER_PIN, /no token labelled absent/],
      ['pkcs11:/nonexistent/libpkcs11.so:root', USER_PIN, /PKCS#11 module \/nonexistent\/libpkcs11.so does not exist/],
      [`pkcs11:${SOFTHSM_MODULE}:root`, undefined, /needs the token's user PIN: set rootKeyPin \(TRENT_ROOT_KEY_PIN\)/],
      ['pkcs11:only-a-path', USER_PIN, /pkcs11:<module-path>:<token-label>/],
    ];
    for (const [spec, pin, message] of attempts) {
      const err = await openKeyStore(spec, hsm.dir, { pin }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, spec).toBeInstanceOf(KeyStoreError);
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).not.toContain(secretPin);
      expect(JSON.stringify(err, Object.getOwnPropertyNames(err))).not.toContain(secretPin);
    }
    const causeCodes = [];
    for (const pin of [secretPin]) {
      const err = await openKeyStore(`pkcs11:${SOFTHSM_MODULE}:root`, hsm.dir, { pin }).catch((e: unknown) => e);
      causeCodes.push(((err as Error).cause as HsmError).code);
    }
    expect(causeCodes).toEqual(['INVALID_CREDENTIALS']);
    // Nothing was created in the token by the failed attempts.
    const token = Token.open({ modulePath: SOFTHSM_MODULE, label: 'root', pin: USER_PIN });
    expect(await everyObject(token)).toEqual([]);
    token.close();
  });
});

describe('Token', () => {
  it('logs in once: sessions of the pool share the login, a second Token on the slot is fine', async () => {
    hsm.initToken('t1');
    const a = Token.open({ modulePath: SOFTHSM_MODULE, label: 't1', pin: USER_PIN, sessions: 3 });
    const b = Token.open({ modulePath: SOFTHSM_MODULE, label: 't1', pin: USER_PIN }); // CKR_USER_ALREADY_LOGGED_IN
    try {
      const states = await Promise.all(
        Array.from({ length: 9 }, () =>
          a.run(async (lib, s) => {
            await Promise.resolve();
            return lib.C_GetSessionInfo(s).state;
          }),
        ),
      );
      expect(new Set(states)).toEqual(new Set([CKS_RW_USER_FUNCTIONS]));
      expect((a as unknown as { all: unknown[] }).all.length).toBe(3);
    } finally {
      b.close();
      a.close();
    }
  });

  it('a second user of a token this process is logged in to must still give the right PIN', async () => {
    hsm.initToken('t1');
    const a = Token.open({ modulePath: SOFTHSM_MODULE, label: 't1', pin: USER_PIN });
    try {
      expect(() => Token.open({ modulePath: SOFTHSM_MODULE, label: 't1', pin: 'any-other-pin' })).toThrow(
        expect.objectContaining({ code: 'INVALID_CREDENTIALS', ckr: 'CKR_PIN_INCORRECT' }),
      );
      const b = Token.open({ modulePath: SOFTHSM_MODULE, label: 't1', pin: USER_PIN });
      b.close();
      // `a` is still logged in after `b` closed.
      expect(await a.run((lib, s) => lib.C_GetSessionInfo(s).state)).toBe(CKS_RW_USER_FUNCTIONS);
    } finally {
      a.close();
    }
  });

  it('maps the PIN errors to the key store codes; the PIN is in no message', async () => {
    hsm.initToken('t1');
    const pin = 'not-the-pin-42';
    const err = (() => {
      try {
        Token.open({ modulePath: SOFTHSM_MODULE, label: 't1', pin });
      } catch (e) {
        return e as HsmError;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(HsmError);
    expect(err).toMatchObject({ code: 'INVALID_CREDENTIALS', failure: 'pin-incorrect', ckr: 'CKR_PIN_INCORRECT' });
    expect(err!.message).not.toContain(pin);
    const { loginFailure } = await import('./errors.js');
    expect(new HsmError(loginFailure('CKR_PIN_LOCKED'), 'x').code).toBe('USER_LOCKED_OUT');
    expect(new HsmError(loginFailure('CKR_USER_PIN_NOT_INITIALIZED'), 'x').code).toBe('USER_NOT_FOUND');
    expect(new HsmError(loginFailure('CKR_DEVICE_REMOVED'), 'x').code).toBe('NETWORK_ERRORS');
    expect(() => Token.open({ modulePath: SOFTHSM_MODULE, label: 'nope', pin })).toThrow(
      expect.objectContaining({ code: 'CLUSTER_NOT_FOUND', failure: 'token-not-found' }),
    );
    expect(() => Token.open({ modulePath: '/no/such/module.so', label: 't1', pin })).toThrow(
      expect.objectContaining({ code: 'CLUSTER_NOT_FOUND', failure: 'module-not-found' }),
    );
  });

  it('a token whose directory is deleted while connected fails for good (NETWORK_ERRORS)', async () => {
    hsm.initToken('root');
    const store = await Pkcs11RootKeyStore.open({ modulePath: SOFTHSM_MODULE, tokenLabel: 'root', pin: USER_PIN });
    const wrapped = await store.wrap(Buffer.from('x'), wrappingAad('t'));
    hsm.removeToken('root');
    const err = await store.unwrap(wrapped, wrappingAad('t')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HsmError);
    expect(err).not.toBeInstanceOf(UnwrapError);
    expect(err).toMatchObject({ code: 'NETWORK_ERRORS', failure: 'token-removed' });
    expect(store.token.state).toBe('failed');
    await expect(store.wrap(Buffer.from('x'), wrappingAad('t'))).rejects.toMatchObject({ code: 'NETWORK_ERRORS' });
    await store.close();
  });

  it('a finalized library fails every token on it', async () => {
    hsm.initToken('root');
    const store = await Pkcs11RootKeyStore.open({ modulePath: SOFTHSM_MODULE, tokenLabel: 'root', pin: USER_PIN });
    finalizeModule(SOFTHSM_MODULE);
    await expect(store.wrap(Buffer.from('x'), wrappingAad('t'))).rejects.toMatchObject({
      code: 'NETWORK_ERRORS',
      ckr: 'CKR_CRYPTOKI_NOT_INITIALIZED',
    });
    expect(store.token.state).toBe('failed');
    await store.close();
    // The next user initializes the library again.
    const again = await Pkcs11RootKeyStore.open({ modulePath: SOFTHSM_MODULE, tokenLabel: 'root', pin: USER_PIN });
    expect(again.token.state).toBe('connected');
    await again.close();
  });
});

describe('HsmCluster', () => {
  const name = { label: ARN, id: MATERIAL };

  it('creates the key in every HSM, the same bytes, locked down, pairs destroyed, and no way to extract it', async () => {
    const labels = ['hsm-1', 'hsm-2', 'hsm-3'];
    for (const l of labels) hsm.initToken(l);
    const cluster = await HsmCluster.connect(clusterSpec(hsm, labels), USER_PIN);
    await cluster.createKey(name);
    const tokens = (cluster as unknown as { tokens: Token[] }).tokens;
    for (const token of tokens) {
      const objects = await everyObject(token);
      // Only the key: the ECDH pairs and the intermediate values are gone.
      expect(objects.map((o) => [o.cls, o.label])).toEqual([[ck.CKO_SECRET_KEY, ARN]]);
      const attributes = await token.run((lib, s) => readSecurityAttributes(lib, s, objects[0]!.handle));
      expectLockedDown(attributes, `${token.label} ${ARN}`, true);
      expect(attributes).toMatchObject({ CKA_ENCRYPT: true, CKA_DECRYPT: true });
      await expectNoExtraction(token, objects[0]!.handle, true);
    }
    expect((await cluster.inspect()).map((o) => [o.token, o.label, o.id])).toEqual(
      labels.map((l) => [l, ARN, MATERIAL]),
    );
    // Encrypted in each HSM, decrypted in each other.
    const aad = Buffer.from('aad');
    for (let i = 0; i < labels.length * 2; i++) {
      const blob = await cluster.encrypt(name, Buffer.from(`m${i}`), aad);
      for (let j = 0; j < labels.length; j++) expect((await cluster.decrypt(name, blob, aad)).toString()).toBe(`m${i}`);
    }
    await expect(cluster.createKey(name)).rejects.toThrow(/already holds a key/);
    expect(await cluster.destroyKey(name)).toBe(3);
    for (const token of tokens) expect(await everyObject(token)).toEqual([]);
    expect(await cluster.hasKey(name)).toBe(false);
    cluster.close();
  });

  it('refuses to use a key whose CKA_WRAP someone turned on', async () => {
    hsm.initToken('hsm-1');
    hsm.initToken('hsm-2');
    const spec = clusterSpec(hsm, ['hsm-1', 'hsm-2']);
    const first = await HsmCluster.connect(spec, USER_PIN);
    await first.createKey(name);
    const blob = await first.encrypt(name, Buffer.from('x'), Buffer.alloc(0));
    for (const token of (first as unknown as { tokens: Token[] }).tokens) {
      const [key] = await everyObject(token);
      await token.run((lib, s) => lib.C_SetAttributeValue(s, key!.handle, [{ type: ck.CKA_WRAP, value: true }]));
    }
    first.close();
    const second = await HsmCluster.connect(spec, USER_PIN);
    await expect(second.decrypt(name, blob, Buffer.alloc(0))).rejects.toThrow(
      /unable to wrap as Trent made it: refused/,
    );
    await expect(second.encrypt(name, Buffer.from('x'), Buffer.alloc(0))).rejects.toThrow(/refused/);
    second.close();
  });

  it('connects with at least two HSMs; fewer, a wrong PIN or no module have their codes', async () => {
    hsm.initToken('hsm-1');
    hsm.initToken('hsm-2');
    const wrongPin = 'wrong-pin-9999';
    await expect(HsmCluster.connect(clusterSpec(hsm, ['hsm-1', 'absent']), USER_PIN)).rejects.toMatchObject({
      code: 'INSUFFICIENT_CLOUDHSM_HSMS',
    });
    const bad = await HsmCluster.connect(clusterSpec(hsm, ['hsm-1', 'hsm-2']), wrongPin).catch((e: unknown) => e);
    expect(bad).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect((bad as Error).message).not.toContain(wrongPin);
    const noModule = { ...clusterSpec(hsm, ['hsm-1', 'hsm-2']), modulePath: '/no/such/lib.so' };
    await expect(HsmCluster.connect(noModule, USER_PIN)).rejects.toMatchObject({ code: 'CLUSTER_NOT_FOUND' });
    // Two of three is enough; the third is shown unreachable.
    const cluster = await HsmCluster.connect(clusterSpec(hsm, ['hsm-1', 'hsm-2', 'gone']), USER_PIN);
    expect(cluster.status().map((s) => [s.label, s.state, s.code])).toEqual([
      ['hsm-1', 'connected', undefined],
      ['hsm-2', 'connected', undefined],
      ['gone', 'unreachable', 'CLUSTER_NOT_FOUND'],
    ]);
    cluster.close();
  });

  it('fails over when an HSM is removed; fails (INSUFFICIENT_CLOUDHSM_HSMS) when none is left', async () => {
    hsm.initToken('hsm-1');
    hsm.initToken('hsm-2');
    const cluster = await HsmCluster.connect(clusterSpec(hsm, ['hsm-1', 'hsm-2']), USER_PIN);
    await cluster.createKey(name);
    const aad = Buffer.from('aad');
    const blobs = [
      await cluster.encrypt(name, Buffer.from('one'), aad),
      await cluster.encrypt(name, Buffer.from('two'), aad),
    ];
    hsm.removeToken('hsm-1');
    for (let i = 0; i < 4; i++) expect((await cluster.decrypt(name, blobs[i % 2]!, aad)).length).toBe(3);
    expect(cluster.state).toBe('connected');
    expect(cluster.status().map((s) => [s.label, s.state, s.code])).toEqual([
      ['hsm-1', 'failed', 'NETWORK_ERRORS'],
      ['hsm-2', 'connected', undefined],
    ]);
    // A new key needs two HSMs.
    await expect(cluster.createKey({ label: ARN, id: 'd'.repeat(64) })).rejects.toMatchObject({
      code: 'INSUFFICIENT_CLOUDHSM_HSMS',
    });
    hsm.removeToken('hsm-2');
    const err = await cluster.decrypt(name, blobs[0]!, aad).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'INSUFFICIENT_CLOUDHSM_HSMS' });
    expect(cluster.state).toBe('failed');
    expect(cluster.error?.code).toBe('INSUFFICIENT_CLOUDHSM_HSMS');
    cluster.close();
  });

  it('finds its keys by label after a restart; a wrong blob is UnwrapError in every HSM', async () => {
    hsm.initToken('hsm-1');
    hsm.initToken('hsm-2');
    const spec = clusterSpec(hsm, ['hsm-1', 'hsm-2']);
    const first = await HsmCluster.connect(spec, USER_PIN);
    await first.createKey(name);
    const blob = await first.encrypt(name, Buffer.from('kept'), Buffer.from('a'));
    first.close();
    const second = await HsmCluster.connect(spec, USER_PIN);
    expect(await second.hasKey(name)).toBe(true);
    expect(await second.hasKey({ label: ARN, id: 'e'.repeat(64) })).toBe(false);
    expect((await second.decrypt(name, blob, Buffer.from('a'))).toString()).toBe('kept');
    await expect(second.decrypt(name, blob, Buffer.from('b'))).rejects.toBeInstanceOf(UnwrapError);
    expect(second.state).toBe('connected');
    expect(second.trustAnchor.subject).toContain('Trent test trust anchor');
    second.close();
  });
});
