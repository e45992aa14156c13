/**
 * The same AES-256 key created inside every HSM of a cluster, without the key ever leaving an HSM
 * and without any copy becoming extractable (PKCS#11 wraps only extractable keys, and a key
 * unwrapped into a token is never CKA_NEVER_EXTRACTABLE). Each HSM derives it by ECDH
 * (CKM_ECDH1_DERIVE, P-256, CKD_NULL) from a fresh key pair of its own, whose private half is
 * sensitive and non-extractable, destroyed once the key exists.
 *
 * For N HSMs with private scalars d1..dN (points Qi = di·G), the key is the x-coordinate of
 * d1·d2·...·dN·G (group Diffie-Hellman, as in Steiner, Tsudik, Waidner's GDH). HSM i needs the
 * point Pi = (product of dj, j != i)·G: it starts from one other HSM's public point and passes
 * through every other HSM but i, each multiplying by its scalar with an ECDH derivation into a
 * short-lived, extractable session object whose value (an x-coordinate) is read and the object
 * destroyed at once. Every value that leaves an HSM is a product over a proper subset of the
 * scalars: public values of the protocol, from which the key cannot be computed (CDH). The full
 * product is only ever derived into the persistent, sensitive, non-extractable AES key. Only x
 * is known of each intermediate point; it is lifted to either point with that x, which changes
 * nothing: x(d·P) = x(d·(-P)). For two HSMs this is plain ECDH between the two pairs.
 *
 * SoftHSM2 supports only CKD_NULL for ECDH1, so the AES key is the raw 32-byte x-coordinate (a
 * P-256 x-coordinate, about 256 bits of which about 128 bits of security, as ECDH itself).
 * The result is checked: a test block encrypted in the first HSM must decrypt in every other.
 */
import { ECDH, randomBytes } from 'node:crypto';
import { ck, type EcdhParams, type Handle, type Mechanism, type Template } from './binding.js';
import { HsmError } from './errors.js';
import { aesKeyTemplate, gcmDecrypt, gcmEncrypt } from './objects.js';
import type { Token } from './token.js';

/** DER of the P-256 curve's OID (1.2.840.10045.3.1.7), CKA_EC_PARAMS. */
const P256_PARAMS = Buffer.from('06082a8648ce3d030107', 'hex');
const POINT_BYTES = 65;

interface Party {
  token: Token;
  publicKey: Handle;
  privateKey: Handle;
  point: Buffer;
}

/**
 * Creates the persistent AES-256 key `label`/`id` in every token of `tokens` (at least two), the
 * same bytes in each. On any failure nothing is left behind: the keys already derived and every
 * pair are destroyed.
 */
export async function createSharedKey(tokens: readonly Token[], label: string, id: Buffer): Promise<Handle[]> {
  if (tokens.length < 2) throw new HsmError('too-few-hsms', 'a shared key needs at least two HSMs');
  const parties: Party[] = [];
  const derived: { token: Token; key: Handle }[] = [];
  try {
    for (const token of tokens) parties.push(await generatePair(token));
    for (const [i, party] of parties.entries()) {
      const others = parties.filter((_, j) => j !== i);
      let point = others[0]!.point;
      for (const next of others.slice(1)) point = await multiply(next, point);
      const key = await party.token.run((lib, session) =>
        lib.C_DeriveKey(session, ecdh(point), party.privateKey, aesKeyTemplate(label, id, true)),
      );
      derived.push({ token: party.token, key });
    }
    await checkSame(derived);
    return derived.map((d) => d.key);
  } catch (err) {
    for (const d of derived) await d.token.run((lib, s) => lib.C_DestroyObject(s, d.key)).catch(() => undefined);
    throw err;
  } finally {
    for (const p of parties) {
      await p.token.run((lib, s) => lib.C_DestroyObject(s, p.privateKey)).catch(() => undefined);
      await p.token.run((lib, s) => lib.C_DestroyObject(s, p.publicKey)).catch(() => undefined);
    }
  }
}

/** A fresh session key pair; the private key only derives, and never leaves the token. */
async function generatePair(token: Token): Promise<Party> {
  const publicTemplate: Template = [
    { type: ck.CKA_TOKEN, value: false },
    { type: ck.CKA_EC_PARAMS, value: P256_PARAMS },
    { type: ck.CKA_DERIVE, value: true },
  ];
  const privateTemplate: Template = [
    { type: ck.CKA_TOKEN, value: false },
    { type: ck.CKA_PRIVATE, value: true },
    { type: ck.CKA_SENSITIVE, value: true },
    { type: ck.CKA_EXTRACTABLE, value: false },
    { type: ck.CKA_DERIVE, value: true },
    { type: ck.CKA_SIGN, value: false },
    { type: ck.CKA_DECRYPT, value: false },
    { type: ck.CKA_UNWRAP, value: false },
    { type: ck.CKA_MODIFIABLE, value: false },
  ];
  return token.run((lib, session) => {
    const pair = lib.C_GenerateKeyPair(session, { mechanism: ck.CKM_EC_KEY_PAIR_GEN }, publicTemplate, privateTemplate);
    const raw = lib.C_GetAttributeValue(session, pair.publicKey, [{ type: ck.CKA_EC_POINT }])[0]?.value;
    return { token, publicKey: pair.publicKey, privateKey: pair.privateKey, point: rawPoint(raw) };
  });
}

/** `party`'s scalar times `point`, as a point: the x-coordinate from the token, lifted. */
async function multiply(party: Party, point: Buffer): Promise<Buffer> {
  const template: Template = [
    { type: ck.CKA_CLASS, value: ck.CKO_SECRET_KEY },
    { type: ck.CKA_KEY_TYPE, value: ck.CKK_GENERIC_SECRET },
    { type: ck.CKA_VALUE_LEN, value: 32 },
    { type: ck.CKA_TOKEN, value: false },
    { type: ck.CKA_SENSITIVE, value: false },
    { type: ck.CKA_EXTRACTABLE, value: true },
  ];
  const x = await party.token.run((lib, session) => {
    const h = lib.C_DeriveKey(session, ecdh(point), party.privateKey, template);
    try {
      return lib.C_GetAttributeValue(session, h, [{ type: ck.CKA_VALUE }])[0]?.value;
    } finally {
      lib.C_DestroyObject(session, h);
    }
  });
  if (!Buffer.isBuffer(x) || x.length !== 32)
    throw new HsmError('internal', 'an ECDH derivation gave no 32-byte value');
  return ECDH.convertKey(
    Buffer.concat([Buffer.of(0x02), x]),
    'prime256v1',
    undefined,
    undefined,
    'uncompressed',
  ) as Buffer;
}

function ecdh(point: Buffer): Mechanism {
  const parameter: EcdhParams = { type: ck.CK_PARAMS_EC_DH, kdf: ck.CKD_NULL, publicData: point };
  return { mechanism: ck.CKM_ECDH1_DERIVE, parameter };
}

/** CKA_EC_POINT is a DER OCTET STRING around the uncompressed point (some modules give it bare). */
function rawPoint(value: unknown): Buffer {
  if (!Buffer.isBuffer(value)) throw new HsmError('internal', 'a public key has no CKA_EC_POINT');
  if (value.length === POINT_BYTES && value[0] === 0x04) return value;
  if (value.length === POINT_BYTES + 2 && value[0] === 0x04 && value[1] === POINT_BYTES && value[2] === 0x04) {
    return value.subarray(2);
  }
  throw new HsmError('internal', 'a public key is not an uncompressed P-256 point');
}

async function checkSame(derived: { token: Token; key: Handle }[]): Promise<void> {
  const [first, ...rest] = derived;
  const block = randomBytes(16);
  const aad = Buffer.from('Trent key agreement check', 'ascii');
  const { iv, sealed } = await first!.token.run((lib, s) => gcmEncrypt(lib, s, first!.key, block, aad));
  for (const d of rest) {
    let opened: Buffer;
    try {
      opened = await d.token.run((lib, s) => gcmDecrypt(lib, s, d.key, iv, sealed, aad));
    } catch (err) {
      if (err instanceof HsmError) throw err;
      throw new HsmError('internal', `the key derived in token ${d.token.label} differs from the others`);
    }
    if (!opened.equals(block)) throw new HsmError('internal', `the key derived in token ${d.token.label} differs`);
  }
}
