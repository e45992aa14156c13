/**
 * HTTPS for the API port: the protocol settings, loading the certificate and key (again on
 * SIGHUP, without dropping connections), and a self-signed certificate for local use.
 */
import { execFile } from 'node:child_process';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import type https from 'node:https';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * TLS 1.2 and 1.3 only. For TLS 1.2, forward-secret ECDHE key exchange with AEAD ciphers only
 * (AES-GCM and ChaCha20-Poly1305, as in Mozilla's "intermediate" profile); TLS 1.3's suites are
 * all AEAD. The TLS 1.3 suites are listed because Node applies this one string to both versions.
 */
export const TLS_CIPHERS = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

export const SELF_SIGNED_CERT = 'tls/self-signed-cert.pem';
export const SELF_SIGNED_KEY = 'tls/self-signed-key.pem';
/** A self-signed certificate is made again when it has less than this left. */
const RENEW_BEFORE_MS = 30 * 24 * 3600 * 1000;
const SELF_SIGNED_DAYS = 365;

/** Reads and checks the certificate and key; the error names the file and what is wrong. */
export async function loadTls(files: TlsFiles): Promise<https.ServerOptions> {
  const read = async (file: string, what: string) => {
    try {
      return await readFile(file);
    } catch (err) {
      throw new Error(`cannot read the TLS ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  };
  const cert = await read(files.certFile, 'certificate');
  const key = await read(files.keyFile, 'key');
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch {
    throw new Error(`the TLS certificate ${files.certFile} is not a PEM certificate`);
  }
  try {
    if (!x509.checkPrivateKey(createPrivateKey(key))) throw new Error('mismatch');
  } catch {
    throw new Error(`the TLS key ${files.keyFile} is not the private key of the certificate ${files.certFile}`);
  }
  return tlsOptions(cert, key);
}

export function tlsOptions(cert: Buffer, key: Buffer): https.ServerOptions {
  return {
    cert,
    key,
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.3',
    ciphers: TLS_CIPHERS,
    honorCipherOrder: true,
  };
}

const execFileAsync = promisify(execFile);

/**
 * Returns the self-signed certificate and key in `<dataDir>/tls/`, making them (P-256, one year,
 * for localhost, 127.0.0.1 and ::1) when missing or near expiry. node:crypto has no X.509
 * builder, so this runs `openssl req -x509` with a configuration of its own, not the system's.
 */
export async function ensureSelfSigned(dataDir: string): Promise<TlsFiles> {
  const files = { certFile: join(dataDir, SELF_SIGNED_CERT), keyFile: join(dataDir, SELF_SIGNED_KEY) };
  try {
    const cert = new X509Certificate(await readFile(files.certFile));
    if (new Date(cert.validTo).getTime() - Date.now() > RENEW_BEFORE_MS) {
      await loadTls(files);
      return files;
    }
  } catch {
    // missing, unreadable or not matching its key: made again below
  }
  const dir = join(dataDir, 'tls');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const tmp = join(dir, `.new-${process.pid}`);
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { mode: 0o700 });
  try {
    const config = join(tmp, 'openssl.cnf');
    await writeFile(
      config,
      [
        '[req]',
        'distinguished_name = dn',
        'prompt = no',
        'x509_extensions = ext',
        '[dn]',
        'CN = localhost',
        'O = Trent (self-signed, for local use)',
        '[ext]',
        'basicConstraints = critical, CA:TRUE',
        'keyUsage = critical, digitalSignature, keyCertSign',
        'extendedKeyUsage = serverAuth',
        'subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1',
        'subjectKeyIdentifier = hash',
        'authorityKeyIdentifier = keyid:always',
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    const key = join(tmp, 'key.pem');
    const cert = join(tmp, 'cert.pem');
    try {
      await execFileAsync(
        'openssl',
        [
          'req',
          '-x509',
          '-config',
          config,
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:P-256',
          '-nodes',
          '-sha256',
          '-days',
          String(SELF_SIGNED_DAYS),
          '-keyout',
          key,
          '-out',
          cert,
        ],
        { timeout: 30_000, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', OPENSSL_CONF: config } },
      );
    } catch (err) {
      const e = err as NodeJS.ErrnoException & { stderr?: string };
      throw new Error(
        e.code === 'ENOENT'
          ? '--tls-self-signed needs the openssl command (Debian: apt-get install openssl); or give --tls-cert and --tls-key'
          : `openssl could not make a self-signed certificate: ${(e.stderr ?? e.message).trim()}`,
      );
    }
    await chmod(key, 0o600);
    await chmod(cert, 0o644);
    await rename(key, files.keyFile);
    await rename(cert, files.certFile);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  await loadTls(files);
  return files;
}
