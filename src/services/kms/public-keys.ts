/**
 * The public key of any asymmetric KMS key as GetPublicKey returns it (DER SubjectPublicKeyInfo),
 * one row per KeySpec (STYLE rule 3): PKCS#8-stored specs export node:crypto's SPKI; ML-DSA and
 * ML-KEM keys, which node:crypto 20 does not know, build theirs from the key derived from the seed.
 */
import { mlDsaSpki } from '../../crypto/index.js';
import { KmsError, type KeyRecord } from '../../domain/index.js';
import { publicKeySpki } from './asymmetric-keys.js';
import { kemPublicKeyDer } from './kem-keys.js';
import { signingKey } from './signing-keys.js';
import type { Services } from './types.js';

type PublicKeyDer = (services: Services, key: KeyRecord) => Promise<Buffer>;

const fromPkcs8: PublicKeyDer = publicKeySpki;

/** RFC 9881 §4 SubjectPublicKeyInfo (the form AWS's GetPublicKey returns for ML-DSA keys). */
const mlDsa: PublicKeyDer = async (services, key) => {
  const raw = (await signingKey(services, key)).publicKey.raw;
  if (!raw) throw new Error(`ML-DSA key ${key.arn} has no public key`);
  return mlDsaSpki(key.keySpec, raw);
};

const PUBLIC_KEY_DER: Readonly<Record<string, PublicKeyDer>> = {
  RSA_2048: fromPkcs8,
  RSA_3072: fromPkcs8,
  RSA_4096: fromPkcs8,
  ECC_NIST_P256: fromPkcs8,
  ECC_NIST_P384: fromPkcs8,
  ECC_NIST_P521: fromPkcs8,
  ECC_SECG_P256K1: fromPkcs8,
  ECC_NIST_EDWARDS25519: fromPkcs8,
  SM2: fromPkcs8,
  ML_DSA_44: mlDsa,
  ML_DSA_65: mlDsa,
  ML_DSA_87: mlDsa,
  ML_KEM_512: kemPublicKeyDer,
  ML_KEM_768: kemPublicKeyDer,
  ML_KEM_1024: kemPublicKeyDer,
};

/** DER SubjectPublicKeyInfo of `key`; symmetric and HMAC keys have none. */
export async function publicKeyDer(services: Services, key: KeyRecord): Promise<Buffer> {
  const der = PUBLIC_KEY_DER[key.keySpec];
  if (!der) {
    // AWS answers UnsupportedOperationException; its wording is not recorded.
    throw new KmsError(
      'UnsupportedOperationException',
      `${key.arn} key spec ${key.keySpec} is not valid for GetPublicKey.`,
    );
  }
  return der(services, key);
}
