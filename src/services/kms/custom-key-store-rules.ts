/**
 * What the six custom key store operations share: ids, the CloudHSM checks of a cluster, the
 * compare-and-set write of a store record, and the errors in AWS's words.
 *
 * AWS publishes each error's meaning (API Reference, "Errors" of CreateCustomKeyStore and the
 * others, and each exception's shape documentation) but not the message text KMS sends, and no
 * answer is recorded in a public issue thread; the messages below follow those descriptions and
 * are marked `// unconfirmed wording`.
 */
import { KmsError, type CustomKeyStoreRecord } from '../../domain/index.js';
import { sameCertificate } from '../../keystore/index.js';
import type { ConnectionStateType } from '../../model/index.js';
import type { Caller, Services } from './types.js';
import { untilWritten } from './update.js';

/** `cks-` and 17 lowercase hex digits, as AWS's ids (cks-1234567890abcdef0). */
export const newCustomKeyStoreId = (random: (n: number) => Buffer): string =>
  `cks-${random(9).toString('hex').slice(0, 17)}`;

/**
 * "For the CreateCustomKeyStore, UpdateCustomKeyStore, and CreateKey operations, the CloudHSM
 * cluster must have at least two active HSMs" (CloudHsmClusterInvalidConfigurationException).
 */
export const MIN_CLUSTER_HSMS = 2;

// unconfirmed wording
export const customKeyStoreNotFound = (idOrName: string): KmsError =>
  new KmsError('CustomKeyStoreNotFoundException', `Custom key store ${idOrName} does not exist.`);

// unconfirmed wording
export const customKeyStoreNameInUse = (name: string): KmsError =>
  new KmsError(
    'CustomKeyStoreNameInUseException',
    `The custom key store name ${name} is already assigned to another custom key store in the account.`,
  );

// unconfirmed wording
export const cloudHsmClusterInUse = (clusterId: string): KmsError =>
  new KmsError(
    'CloudHsmClusterInUseException',
    `The CloudHSM cluster ${clusterId} is already associated with a custom key store, or shares a backup history with a custom key store in the account.`,
  );

// unconfirmed wording
export const cloudHsmClusterNotFound = (clusterId: string): KmsError =>
  new KmsError(
    'CloudHsmClusterNotFoundException',
    `KMS cannot find the CloudHSM cluster with cluster ID ${clusterId}.`,
  );

// unconfirmed wording
export const cloudHsmClusterNotRelated = (clusterId: string, original: string): KmsError =>
  new KmsError(
    'CloudHsmClusterNotRelatedException',
    `The CloudHSM cluster ${clusterId} has a different cluster certificate than the original cluster ${original}.`,
  );

// unconfirmed wording
export const customKeyStoreInvalidState = (message: string): KmsError =>
  new KmsError('CustomKeyStoreInvalidStateException', message);

// unconfirmed wording
export const customKeyStoreQuotaExceeded = (limit: number, usage: number): KmsError =>
  new KmsError(
    'LimitExceededException',
    `Custom key stores quota for this account in this region is ${limit} but the current usage is ${usage}.`,
  );

/** External key stores (XKS) are not built: Trent has no external key store proxy client. */
export const externalKeyStoresUnsupported = (): KmsError =>
  new KmsError(
    'UnsupportedOperationException',
    'External key stores (CustomKeyStoreType EXTERNAL_KEY_STORE and the XksProxy* parameters) are not supported by this server; only AWS_CLOUDHSM custom key stores are.',
  );

/** Whether a request names anything of an external key store. */
export const namesExternalKeyStore = (input: object): boolean =>
  Object.entries(input).some(
    ([member, value]) =>
      (member === 'CustomKeyStoreType' && value === 'EXTERNAL_KEY_STORE') ||
      (member.startsWith('Xks') && value !== undefined),
  );

/**
 * The configured cluster `clusterId` (`--hsm-cluster`), checked as CreateCustomKeyStore and
 * UpdateCustomKeyStore check a CloudHSM cluster: it exists and has at least two HSMs.
 */
export function usableCluster(services: Services, clusterId: string) {
  const cluster = services.customKeyStores.cluster(clusterId);
  if (!cluster) throw cloudHsmClusterNotFound(clusterId);
  const hsms = cluster.spec.tokenLabels.length;
  if (hsms < MIN_CLUSTER_HSMS) {
    // unconfirmed wording
    throw new KmsError(
      'CloudHsmClusterInvalidConfigurationException',
      `The CloudHSM cluster ${clusterId} must contain at least ${MIN_CLUSTER_HSMS} active HSMs; it has ${hsms}.`,
    );
  }
  return cluster;
}

/**
 * Whether a store of the caller's account and Region other than `except` uses a cluster with the
 * trust anchor `anchor`: in Trent clusters are related exactly when they have the same trust
 * anchor certificate, which is how AWS tells clusters that share a backup history (they have the
 * same cluster certificate), and AWS refuses a cluster that "shares a backup history with an
 * CloudHSM key store in the account" (CloudHsmClusterInUseException).
 */
export async function relatedClusterInUse(
  services: Services,
  caller: Caller,
  anchor: Parameters<typeof sameCertificate>[0],
  except?: string,
): Promise<boolean> {
  let after: string | undefined;
  for (;;) {
    const page = await services.storage.listCustomKeyStores(caller.region, caller.principal.accountId, 1000, after);
    if (page.some((s) => s.customKeyStoreId !== except && sameCertificate(anchor, s.trustAnchorCertificate))) {
      return true;
    }
    if (page.length < 1000) return false;
    after = page.at(-1)?.customKeyStoreId;
  }
}

/** The caller's store `customKeyStoreId` (stores are not shared across accounts). */
export async function getCustomKeyStore(
  services: Services,
  caller: Caller,
  customKeyStoreId: string,
): Promise<CustomKeyStoreRecord> {
  const record = await services.storage.getCustomKeyStore(caller.region, caller.principal.accountId, customKeyStoreId);
  if (!record) throw customKeyStoreNotFound(customKeyStoreId);
  return record;
}

/**
 * CloudTrail's additionalEventData of the operations on one store (ct-connect-keystore,
 * ct-update-keystore): its name and cluster, as they are after the request.
 */
export function noteKeyStore(caller: Caller, record: CustomKeyStoreRecord): void {
  caller.additionalEventData = { customKeyStoreName: record.name, clusterId: record.cloudHsmClusterId };
}

/** The live connection state of a store (the runtime's view, not only what is stored). */
export const connectionState = (services: Services, record: CustomKeyStoreRecord): ConnectionStateType =>
  services.customKeyStores.status(record).state;

/**
 * Applies `change` to the freshest copy of the store and writes it with compare-and-set; `change`
 * runs again (with its checks) on each fresher copy after a conflict. Returns the record written.
 */
export async function changeCustomKeyStore(
  services: Services,
  caller: Caller,
  customKeyStoreId: string,
  change: (current: CustomKeyStoreRecord) => Promise<CustomKeyStoreRecord> | CustomKeyStoreRecord,
): Promise<CustomKeyStoreRecord> {
  return untilWritten(async () => {
    const current = await getCustomKeyStore(services, caller, customKeyStoreId);
    const next = await change(current);
    const result = await services.storage.updateCustomKeyStore(next);
    if (result === 'ok') return { value: { ...next, version: next.version + 1 } };
    if (result === 'name-in-use') throw customKeyStoreNameInUse(next.name);
    if (result === 'cluster-in-use') throw cloudHsmClusterInUse(next.cloudHsmClusterId);
    if (result === 'not-found') throw customKeyStoreNotFound(customKeyStoreId);
    return undefined;
  });
}
