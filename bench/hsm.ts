/**
 * The HSM section of `npm run bench` (issue 9): SoftHSM2 tokens in a temporary directory of the
 * bench's own (SOFTHSM2_CONF), one cluster of two tokens given to the server with --hsm-cluster,
 * a custom key store connected to it, and one HSM-backed key beside one software key, so that
 * Encrypt and GenerateDataKey under each can be measured in the same server and the same run.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SigV4JsonClient, type Credentials } from './sigv4-client.js';

/** Where Debian, Ubuntu, Fedora and a source build put SoftHSM2's PKCS#11 module. */
const MODULE_CANDIDATES = [
  '/usr/lib/softhsm/libsofthsm2.so',
  '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/lib64/pkcs11/libsofthsm2.so',
  '/usr/local/lib/softhsm/libsofthsm2.so',
];

const CLUSTER_ID = 'cluster-benchhsmtwo';
const TOKENS = ['bench-hsm-1', 'bench-hsm-2'];
const SO_PIN = 'bench-so-pin';
/** The kmsuser password, that is the tokens' user PIN (7 to 32 characters, KeyStorePasswordType). */
const KEY_STORE_PASSWORD = 'bench-kmsuser-pw';

export interface HsmCluster {
  /** `--hsm-cluster` for `trent serve`. */
  serveArgs: string[];
  /** SOFTHSM2_CONF for the server's environment. */
  env: { SOFTHSM2_CONF: string };
  trustAnchorPem: string;
}

/**
 * SoftHSM2 tokens and a trust anchor in `dir`, or the reason the section cannot run (no
 * libsofthsm2.so, no softhsm2-util, no openssl).
 */
export function makeCluster(dir: string): HsmCluster | { skip: string } {
  const modulePath = process.env.BENCH_SOFTHSM_MODULE ?? MODULE_CANDIDATES.find((p) => existsSync(p));
  if (modulePath === undefined || !existsSync(modulePath))
    return {
      skip: `libsofthsm2.so not found (looked in ${MODULE_CANDIDATES.join(', ')}; set BENCH_SOFTHSM_MODULE, or install softhsm2)`,
    };
  for (const [tool, versionArg] of [
    ['softhsm2-util', '--version'],
    ['openssl', 'version'],
  ] as const)
    try {
      execFileSync(tool, [versionArg], { stdio: 'ignore' });
    } catch {
      return { skip: `${tool} not found on PATH (install softhsm2 and openssl)` };
    }
  const tokens = join(dir, 'tokens');
  mkdirSync(tokens, { recursive: true });
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  const env = { SOFTHSM2_CONF: conf };
  for (const label of TOKENS)
    execFileSync(
      'softhsm2-util',
      ['--init-token', '--free', '--label', label, '--so-pin', SO_PIN, '--pin', KEY_STORE_PASSWORD],
      { env: { ...process.env, ...env }, stdio: 'ignore' },
    );
  // node:crypto parses X.509 but does not make certificates: openssl makes the self-signed one.
  const trustAnchor = join(dir, 'customerCA.crt');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'].concat([
      '-keyout',
      join(dir, 'customerCA.key'),
      '-out',
      trustAnchor,
      '-days',
      '2',
      '-subj',
      '/CN=Trent bench trust anchor',
    ]),
    { stdio: 'ignore' },
  );
  return {
    serveArgs: ['--hsm-cluster', `${CLUSTER_ID}=${modulePath}:${TOKENS.join(',')}:${trustAnchor}`],
    env,
    trustAnchorPem: readFileSync(trustAnchor, 'utf8'),
  };
}

export interface HsmKeys {
  customKeyStoreId: string;
  hsmKeyId: string;
  softwareKeyId: string;
}

/** Polls DescribeCustomKeyStores until the store is CONNECTED (or FAILED, or `timeoutMs` passes). */
async function waitConnected(client: SigV4JsonClient, customKeyStoreId: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const { CustomKeyStores } = await client.json<{
      CustomKeyStores: { ConnectionState: string; ConnectionErrorCode?: string }[];
    }>('DescribeCustomKeyStores', { CustomKeyStoreId: customKeyStoreId });
    const store = CustomKeyStores[0];
    last = `${store?.ConnectionState ?? '?'}${store?.ConnectionErrorCode ? ` (${store.ConnectionErrorCode})` : ''}`;
    if (store?.ConnectionState === 'CONNECTED') return;
    if (store?.ConnectionState === 'FAILED') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`custom key store ${customKeyStoreId} did not connect: ${last}`);
}

/** CreateCustomKeyStore, ConnectCustomKeyStore, then one key in the store and one software key. */
export async function setUpHsmKeys(port: number, credentials: Credentials, cluster: HsmCluster): Promise<HsmKeys> {
  const client = new SigV4JsonClient(port, credentials, 1);
  try {
    const { CustomKeyStoreId } = await client.json<{ CustomKeyStoreId: string }>('CreateCustomKeyStore', {
      CustomKeyStoreName: 'bench-store',
      CloudHsmClusterId: CLUSTER_ID,
      TrustAnchorCertificate: cluster.trustAnchorPem,
      KeyStorePassword: KEY_STORE_PASSWORD,
    });
    await client.json('ConnectCustomKeyStore', { CustomKeyStoreId });
    await waitConnected(client, CustomKeyStoreId, 60_000);
    const hsm = await client.json<{ KeyMetadata: { KeyId: string } }>('CreateKey', {
      Description: 'bench HSM key',
      CustomKeyStoreId,
      Origin: 'AWS_CLOUDHSM',
    });
    const software = await client.json<{ KeyMetadata: { KeyId: string } }>('CreateKey', {
      Description: 'bench software key',
    });
    return {
      customKeyStoreId: CustomKeyStoreId,
      hsmKeyId: hsm.KeyMetadata.KeyId,
      softwareKeyId: software.KeyMetadata.KeyId,
    };
  } finally {
    client.close();
  }
}
