/**
 * A cluster's trust anchor certificate (`--hsm-cluster ...:<pem-path>`), read and parsed, as
 * CreateCustomKeyStore compares the TrustAnchorCertificate it is given against it. No binding
 * needed: the server checks the files at start.
 */
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { HsmError } from './errors.js';

export async function loadTrustAnchor(path: string): Promise<X509Certificate> {
  let pem: string;
  try {
    pem = await readFile(path, 'utf8');
  } catch {
    throw new HsmError('internal', `the trust anchor certificate ${path} cannot be read`);
  }
  try {
    return new X509Certificate(pem);
  } catch {
    throw new HsmError('internal', `the trust anchor certificate ${path} is not a PEM X.509 certificate`);
  }
}

/** Whether `pem` (as CreateCustomKeyStore receives it) is the same certificate as `anchor`. */
export function sameCertificate(anchor: X509Certificate, pem: string): boolean {
  try {
    return new X509Certificate(pem).raw.equals(anchor.raw);
  } catch {
    return false;
  }
}
