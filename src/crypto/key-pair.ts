/**
 * Data key pairs for GenerateDataKeyPair(WithoutPlaintext): one row per DataKeyPairSpec of the AWS
 * model. The private key is PKCS#8 DER and the public key X.509 SubjectPublicKeyInfo DER, as KMS
 * returns them. Generation reuses the KMS key material generators (the same PKCS#8 forms), and
 * kem.ts for ML-KEM (the newest SDK's DataKeyPairSpec values, from tools/kms-model-overlay.json).
 */
import { createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { KEM_PARAMETER_SETS, KEM_SEED_LENGTH, kemKeyPairFromSeed, kemPublicKeySpki } from './kem.js';
import { MATERIAL_GENERATORS, type GenerationThread } from './key-material.js';
import type { KeyPairGenerator } from './keygen-pool.js';

export interface DataKeyPair {
  /** PKCS#8 DER. */
  privateKey: Buffer;
  /** SubjectPublicKeyInfo DER. */
  publicKey: Buffer;
}

interface DataKeyPairSpecRow {
  /** Where generation runs (key-material.ts says why). */
  runsOn: GenerationThread;
  generate: (keyGeneration: KeyPairGenerator) => Promise<DataKeyPair>;
  /** Offered only in the China regions (SM2: "The SM2 key spec is only available in China Regions"). */
  chinaOnly: boolean;
}

/** The SPKI of a PKCS#8 private key node:crypto understands. */
async function withPublicKey(privateKey: Buffer): Promise<DataKeyPair> {
  const publicKey = createPublicKey(createPrivateKey({ key: privateKey, format: 'der', type: 'pkcs8' })).export({
    format: 'der',
    type: 'spki',
  });
  return { privateKey, publicKey };
}

const material = (spec: string): DataKeyPairSpecRow => {
  const row = MATERIAL_GENERATORS[spec];
  if (!row) throw new Error(`no material generator for ${spec}`);
  return {
    runsOn: row.runsOn,
    generate: async (keyGeneration) => withPublicKey(await row.generate(keyGeneration)),
    chinaOnly: false,
  };
};

/**
 * ML-KEM (FIPS 203) pairs: node:crypto on Node 20 has none, so the pair comes from kem.ts, on the
 * event loop (0.4 ms for ML-KEM-512 to 0.7 ms for ML-KEM-1024, measured). The private key is
 * PKCS#8 OneAsymmetricKey in the seed-only form of RFC 9935 (ML-KEM in X.509):
 * SEQUENCE { INTEGER 0, SEQUENCE { id-alg-ml-kem-* }, OCTET STRING { [0] IMPLICIT seed (64) } },
 * a fixed 24-byte prefix (its last OID byte is the parameter set) followed by the 64-byte seed d || z.
 */
const mlKem = (spec: string): DataKeyPairSpecRow => {
  const set = KEM_PARAMETER_SETS[spec];
  if (!set) throw new Error(`no ML-KEM parameter set for ${spec}`);
  const lastArc = Number(set.oid.split('.').at(-1));
  const prefix = Buffer.from(
    `3054020100300b06096086480165030404${lastArc.toString(16).padStart(2, '0')}04428040`,
    'hex',
  );
  return {
    runsOn: 'event-loop',
    chinaOnly: false,
    async generate() {
      const seed = randomBytes(KEM_SEED_LENGTH);
      const { publicKey, secretKey } = kemKeyPairFromSeed(spec, seed);
      secretKey.fill(0);
      const privateKey = Buffer.concat([prefix, seed]);
      seed.fill(0);
      return { privateKey, publicKey: kemPublicKeySpki(spec, publicKey) };
    },
  };
};

export const DATA_KEY_PAIR_SPECS: Readonly<Record<string, DataKeyPairSpecRow>> = {
  RSA_2048: material('RSA_2048'),
  RSA_3072: material('RSA_3072'),
  RSA_4096: material('RSA_4096'),
  ECC_NIST_P256: material('ECC_NIST_P256'),
  ECC_NIST_P384: material('ECC_NIST_P384'),
  ECC_NIST_P521: material('ECC_NIST_P521'),
  ECC_SECG_P256K1: material('ECC_SECG_P256K1'),
  ECC_NIST_EDWARDS25519: material('ECC_NIST_EDWARDS25519'),
  // SM2 (GB/T 32918): an EC key on the SM2 curve, id-ecPublicKey with the SM2 curve OID.
  SM2: { ...material('SM2'), chinaOnly: true },
  ML_KEM_512: mlKem('ML_KEM_512'),
  ML_KEM_768: mlKem('ML_KEM_768'),
  ML_KEM_1024: mlKem('ML_KEM_1024'),
};

/**
 * A new key pair of `spec` (a key of DATA_KEY_PAIR_SPECS; the caller checks); slow generations go
 * to `keyGeneration`.
 */
export async function generateDataKeyPair(spec: string, keyGeneration: KeyPairGenerator): Promise<DataKeyPair> {
  const row = DATA_KEY_PAIR_SPECS[spec];
  if (!row) throw new Error(`no data key pair spec ${spec}`);
  return row.generate(keyGeneration);
}
