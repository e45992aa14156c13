/**
 * Every setting of `trent serve`, one row each (STYLE rule 3): its type, default, what is allowed
 * and what it does. The flags, the TRENT_* variables, the file keys, the validation messages,
 * `trent config print` and docs/configuration.md all come from this table; a new setting is one
 * new row (and, if the server needs it, a line in server-options.ts).
 */
import { availableParallelism } from 'node:os';
import { DEFAULT_MIN_FREE_BYTES, normalizeKeyPrefix } from '../audit/index.js';
import { QUOTA_NAMES, RESOURCE_QUOTAS, regionSet } from '../domain/index.js';
import { parseRootKeySpec, type HsmClusterSpec } from '../keystore/index.js';
import { REQUEST_QUOTA_NAMES } from '../quotas/index.js';
import { setting, type ConfigValues, type Schema } from './setting.js';
import {
  accountId,
  boolean,
  filePath,
  hsmClusterList,
  keyStoreSpec,
  listOf,
  mapOfKinds,
  nonEmptyString,
  nonNegativeInteger,
  oneOf,
  portNumber,
  positiveInteger,
  positiveNumber,
  type ValueType,
} from './values.js';

/** pino's levels, least severe first (as server/logger.ts has them); `silent` logs nothing. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export const LOG_FORMATS = ['pretty', 'json'] as const;
export const CLOCK_MODES = ['real', 'virtual'] as const;

/** A region the operator adds must have the form of AWS's region names (domain/regions.ts). */
const regionName: ValueType<string> = {
  ...nonEmptyString,
  allowed: "a region name of AWS's form (e.g. us-east-7, eu-south-3, cn-north-2)",
  fromText: (text) => regionName.fromFile(text),
  fromFile: (value) => {
    if (typeof value !== 'string') return { ok: false };
    try {
      regionSet([value]);
      return { ok: true, value };
    } catch {
      return { ok: false };
    }
  },
};

/** A string of the given form (S3 bucket names, endpoints, key prefixes). */
const formed = (allowed: string, valid: (s: string) => boolean): ValueType<string> => ({
  ...nonEmptyString,
  allowed,
  fromText: (text) => (valid(text) ? { ok: true, value: text } : { ok: false }),
  fromFile: (value) => (typeof value === 'string' && valid(value) ? { ok: true, value } : { ok: false }),
});
const bucketName = formed('an S3 bucket name (3 to 63 of a-z, 0-9, . and -)', (s) =>
  /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(s),
);
const endpointUrl = formed('an http:// or https:// URL', (s) => {
  try {
    return ['http:', 'https:'].includes(new URL(s).protocol);
  } catch {
    return false;
  }
});
const keyPrefix = formed('an S3 key prefix of at most 200 characters', (s) => {
  try {
    normalizeKeyPrefix(s);
    return s.replace(/^\/+|\/+$/g, '') !== '';
  } catch {
    return false;
  }
});

/** The request quotas, as the `quotas` setting's description names them. */
const REQUEST_QUOTAS_TEXT =
  'and request quotas in requests per second per account and Region, AWS\'s defaults unless set (under `--dev`, none unless one is set; README, "Request quotas"): `symmetric`, `rsa`, `ecc`, `ml-dsa`, `GenerateDataKeyPair-<KeyPairSpec>`, an operation\'s name (`CreateKey`, ...), `LookupEvents`.';

export const SETTINGS = {
  port: setting({
    type: portNumber,
    default: 4599,
    arg: '<port>',
    description: 'Port to listen on; 0 picks a free one.',
  }),
  host: setting({
    type: nonEmptyString,
    default: '127.0.0.1',
    arg: '<host>',
    description:
      'Address to listen on. Plain HTTP is served only on loopback addresses; any other needs TLS or `insecureHttp`.',
  }),
  dataDir: setting({
    type: filePath,
    default: './.trent',
    arg: '<dir>',
    description: 'Data directory: database, root key, administrator credentials, audit log.',
  }),
  dev: setting({
    type: boolean,
    default: false,
    description:
      'Accept any well-formed credentials without checking signatures; a caller whose access key Trent does not know is the account root, while IAM users and STS sessions Trent issued keep their identities and policies (development only).',
  }),
  devAllowRemote: setting({
    type: boolean,
    default: false,
    description: 'Allow `dev` on an address that is not loopback.',
  }),
  clock: setting({
    type: oneOf(CLOCK_MODES),
    default: 'real',
    arg: '<mode>',
    description:
      "Trent's time: `real`, or `virtual` (needs `dev`), which starts at the real time and moves only by `POST /_trent/clock` (docs/testing.md). SigV4 signatures are always checked against real time.",
  }),
  ephemeral: setting({
    type: boolean,
    default: false,
    description:
      'Keep everything in memory and write nothing to disk (needs `dev`): the database, the root key and the last 10,000 audit events, none of them durable; `dataDir` is not touched. Any credentials are accepted, e.g. `AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test`. Everything is lost when the server stops.',
  }),
  seed: setting({
    type: filePath,
    defaultText: 'none',
    arg: '<file>',
    description:
      'A seed file, YAML or JSON (needs `dev`): accounts, keys with fixed ids and known material, and aliases, created at start where missing and again after `POST /_trent/reset` (docs/seed-files.md).',
  }),
  accountId: setting({
    type: accountId,
    default: '111122223333',
    arg: '<id>',
    description: 'The account created on first start.',
  }),
  rootKey: setting({
    type: keyStoreSpec,
    defaultText: '`file:<dataDir>/root-key`',
    arg: '<spec>',
    description:
      'Where the root key is: `file:PATH` (created on first start; back it up apart from the database), or `pkcs11:<module-path>:<token-label>`, a non-extractable AES-256 key inside that PKCS#11 token, generated there on first start (needs `rootKeyPin`; docs/hsm.md).',
  }),
  rootKeyPin: setting({
    type: nonEmptyString,
    secret: true,
    arg: '<pin>',
    description:
      "The user PIN of the token of a `pkcs11:` `rootKey`. Give it in the variable or the file, not as a flag (other users can see a process's arguments).",
  }),
  hsmClusters: setting({
    type: hsmClusterList,
    default: [] as HsmClusterSpec[],
    flag: '--hsm-cluster',
    arg: '<cluster-id>=<module-path>:<label>[,<label>...]:<trust-anchor-pem-path>',
    description:
      'An HSM cluster for custom key stores, as a CloudHSM cluster: its id (`cluster-` and 11 to 16 letters and digits 2 to 7, as CloudHsmClusterId), the PKCS#11 module, one token label per HSM, and the trust anchor certificate (PEM) CreateCustomKeyStore must be given. In a variable, clusters are separated by `;` (docs/hsm.md).',
  }),
  tlsCert: setting({
    type: filePath,
    section: 'tls',
    defaultText: 'none (plain HTTP)',
    arg: '<file>',
    description: 'Serve HTTPS with this PEM certificate (chain); reloaded on SIGHUP. Needs `tlsKey`.',
  }),
  tlsKey: setting({
    type: filePath,
    section: 'tls',
    defaultText: 'none',
    arg: '<file>',
    description: 'The PEM private key of `tlsCert`; reloaded on SIGHUP.',
  }),
  tlsSelfSigned: setting({
    type: boolean,
    section: 'tls',
    default: false,
    description: 'Serve HTTPS with a self-signed certificate kept in `<dataDir>/tls/`.',
  }),
  insecureHttp: setting({
    type: boolean,
    default: false,
    description: 'Allow plain HTTP on an address that is not loopback (TLS terminated in front).',
  }),
  metricsHost: setting({
    type: nonEmptyString,
    section: 'metrics',
    defaultText: '`127.0.0.1` when `metricsPort` is set',
    arg: '<host>',
    description: 'Address of the separate /metrics listener. Needs `metricsPort`.',
  }),
  metricsPort: setting({
    type: portNumber,
    section: 'metrics',
    defaultText: 'none (/metrics is served on the API port)',
    arg: '<port>',
    description: 'Serve /metrics on a listener of its own at this port, and not on the API port.',
  }),
  maxConnections: setting({
    type: positiveInteger,
    default: 1024,
    arg: '<n>',
    description: 'Open connections at most; more are closed as soon as they are accepted.',
  }),
  maxInflightBodyBytes: setting({
    type: positiveInteger,
    default: 64 * 1024 * 1024,
    arg: '<n>',
    description:
      'Bytes of request bodies held before authentication, all requests together; beyond, 503 ServiceUnavailable.',
  }),
  headersTimeoutMs: setting({
    type: positiveInteger,
    default: 10_000,
    arg: '<ms>',
    description: "Time to receive a request's headers, in milliseconds; at most `requestTimeoutMs`.",
  }),
  requestTimeoutMs: setting({
    type: positiveInteger,
    default: 30_000,
    arg: '<ms>',
    description: 'Time to receive a whole request, in milliseconds.',
  }),
  bodyIdleTimeoutMs: setting({
    type: positiveInteger,
    default: 10_000,
    arg: '<ms>',
    description: 'Longest pause within a request body, in milliseconds.',
  }),
  extraRegions: setting({
    type: listOf(regionName),
    default: [] as string[],
    flag: '--extra-region',
    arg: '<region>',
    description: "Regions accepted besides AWS's own.",
  }),
  quotas: setting({
    type: mapOfKinds('quota', [
      { names: QUOTA_NAMES, item: nonNegativeInteger, label: 'resource quotas' },
      {
        names: REQUEST_QUOTA_NAMES,
        item: { ...positiveNumber, allowed: 'a positive number of requests per second' },
        label: 'request quotas',
        shown:
          'symmetric, rsa, ecc, ml-dsa, GenerateDataKeyPair-<KeyPairSpec>, LookupEvents and the KMS operations with a quota of their own (CreateKey, DescribeKey, ...; README, "Request quotas")',
      },
    ]),
    default: Object.fromEntries(QUOTA_NAMES.map((name) => [name, RESOURCE_QUOTAS[name].default])) as Record<
      string,
      number
    >,
    flag: '--quota',
    arg: '<name=value>',
    description: `Resource quotas, AWS's defaults unless set (docs/operations.md, "Resource quotas"): ${QUOTA_NAMES.map(
      (name) => `\`${name}\` (${RESOURCE_QUOTAS[name].description})`,
    ).join(', ')}; ${REQUEST_QUOTAS_TEXT}`,
  }),
  rejectReplays: setting({
    type: boolean,
    default: false,
    description:
      'Refuse a state-changing request whose signed form was already received, until its signature expires (beyond what TLS gives; works across processes sharing a database).',
  }),
  auditRetentionDays: setting({
    type: nonNegativeInteger,
    section: 'audit',
    default: 90,
    arg: '<days>',
    description: 'Days an hourly audit file is kept; 0 keeps them forever.',
  }),
  auditMinFreeBytes: setting({
    type: nonNegativeInteger,
    section: 'audit',
    default: DEFAULT_MIN_FREE_BYTES,
    arg: '<bytes>',
    description: 'Requests are refused while the audit directory has less free space than this; 0 never refuses.',
  }),
  auditDir: setting({
    type: filePath,
    section: 'audit',
    defaultText: '`<dataDir>/cloudtrail`',
    arg: '<dir>',
    description:
      'Directory CloudTrail log files and signed digests are delivered to (`AWSLogs/<account>/CloudTrail/...`; docs/operations.md).',
  }),
  auditS3Bucket: setting({
    type: bucketName,
    section: 'audit',
    arg: '<name>',
    description:
      'S3 bucket CloudTrail log files and signed digests are delivered to instead of a directory; credentials and region from the usual AWS variables (docs/operations.md).',
  }),
  auditS3Endpoint: setting({
    type: endpointUrl,
    section: 'audit',
    arg: '<url>',
    description: 'Endpoint of an S3-compatible server holding `auditS3Bucket` (path-style requests).',
  }),
  auditS3Prefix: setting({
    type: keyPrefix,
    section: 'audit',
    arg: '<prefix>',
    description: "Key prefix in `auditS3Bucket`, as CloudTrail's S3 key prefix: objects go to `<prefix>/AWSLogs/...`.",
  }),
  auditInterval: setting({
    type: positiveInteger,
    section: 'audit',
    default: 300,
    arg: '<seconds>',
    description: 'Seconds between deliveries of the events recorded since the last one as CloudTrail log files.',
  }),
  digestInterval: setting({
    type: positiveInteger,
    default: 3600,
    arg: '<seconds>',
    description:
      'Seconds between signed digest files (one per account and region, also when no log file was delivered).',
  }),
  priceTable: setting({
    type: filePath,
    defaultText: "AWS's list prices",
    arg: '<file>',
    description:
      'A price table, JSON or YAML, replacing any part of the default prices `trent usage` applies (docs/operations.md, "Usage and prices"); checked at start.',
  }),
  keygenThreads: setting({
    type: positiveInteger,
    section: 'keygen',
    default: () => Math.max(1, Math.floor(availableParallelism() / 2)),
    defaultText: 'half the cores, at least 1',
    arg: '<n>',
    description: 'Threads generating RSA keys.',
  }),
  keygenQueue: setting({
    type: nonNegativeInteger,
    section: 'keygen',
    default: 32,
    arg: '<n>',
    description: 'Key generations waiting for a thread; beyond, ThrottlingException.',
  }),
  logLevel: setting({
    type: oneOf(LOG_LEVELS),
    section: 'log',
    default: 'info',
    arg: '<level>',
    description: 'Least severe level logged.',
  }),
  logFormat: setting({
    type: oneOf(LOG_FORMATS),
    section: 'log',
    default: ({ logsToTerminal }) => (logsToTerminal ? 'pretty' : 'json'),
    defaultText: '`pretty` when the log stream (standard error) is a terminal, else `json`',
    arg: '<format>',
    description: 'Human-readable lines (`pretty`) or JSON lines (`json`, pino).',
  }),
};

export type TrentSettings = typeof SETTINGS;
export type TrentConfig = ConfigValues<TrentSettings>;
export type SettingName = keyof TrentSettings;

/** The variable that names the configuration file, as `--config` does. */
export const CONFIG_FILE_VARIABLE = 'TRENT_CONFIG';

export const TRENT_SCHEMA: Schema<TrentSettings> = {
  settings: SETTINGS,
  rules: [
    {
      settings: ['tlsCert', 'tlsKey'],
      check: (c) =>
        (c.tlsCert === undefined) !== (c.tlsKey === undefined) ? 'go together: give both or neither' : undefined,
    },
    {
      settings: ['tlsSelfSigned', 'tlsCert'],
      check: (c) =>
        c.tlsSelfSigned && c.tlsCert !== undefined ? 'exclude each other: give one or the other' : undefined,
    },
    {
      settings: ['seed', 'dev'],
      check: (c) =>
        c.seed !== undefined && !c.dev
          ? 'seed needs dev (--seed needs --dev): seed files are for tests and development only'
          : undefined,
    },
    {
      settings: ['ephemeral', 'dev'],
      check: (c) =>
        c.ephemeral && !c.dev
          ? 'ephemeral needs dev (--ephemeral needs --dev): ephemeral mode is for tests and development only'
          : undefined,
    },
    {
      settings: ['ephemeral', 'tlsSelfSigned'],
      check: (c) =>
        c.ephemeral && c.tlsSelfSigned
          ? 'exclude each other: the self-signed certificate is kept in the data directory'
          : undefined,
    },
    {
      settings: ['ephemeral', 'rootKey'],
      check: (c) =>
        c.ephemeral && c.rootKey !== undefined
          ? 'exclude each other: ephemeral mode generates its root key in memory'
          : undefined,
    },
    {
      settings: ['rootKey', 'rootKeyPin'],
      check: (c) =>
        c.rootKey?.startsWith('pkcs11:') && c.rootKeyPin === undefined
          ? 'a pkcs11: root key needs rootKeyPin (TRENT_ROOT_KEY_PIN), the user PIN of its token'
          : c.rootKeyPin !== undefined && !c.rootKey?.startsWith('pkcs11:')
            ? 'rootKeyPin is for a pkcs11: root key only'
            : undefined,
    },
    {
      settings: ['rootKey', 'hsmClusters'],
      check: (c) => {
        const root = c.rootKey !== undefined ? parseRootKeySpec(c.rootKey) : undefined;
        if (!root?.ok) return undefined;
        const cluster = c.hsmClusters.find(
          (h) => h.modulePath === root.value.modulePath && h.tokenLabels.includes(root.value.tokenLabel),
        );
        return cluster
          ? `the root key's token ${root.value.tokenLabel} is an HSM of ${cluster.clusterId}: keep the root key in a token of its own`
          : undefined;
      },
    },
    {
      settings: ['auditDir', 'auditS3Bucket'],
      check: (c) =>
        c.auditDir !== undefined && c.auditS3Bucket !== undefined
          ? 'exclude each other: log files go to a directory or to a bucket'
          : undefined,
    },
    {
      settings: ['auditS3Endpoint', 'auditS3Bucket'],
      check: (c) =>
        c.auditS3Endpoint !== undefined && c.auditS3Bucket === undefined
          ? 'auditS3Endpoint needs auditS3Bucket'
          : undefined,
    },
    {
      settings: ['auditS3Prefix', 'auditS3Bucket'],
      check: (c) =>
        c.auditS3Prefix !== undefined && c.auditS3Bucket === undefined
          ? 'auditS3Prefix needs auditS3Bucket'
          : undefined,
    },
    {
      settings: ['ephemeral', 'auditS3Bucket'],
      check: (c) =>
        c.ephemeral && c.auditS3Bucket !== undefined
          ? 'exclude each other: nothing is delivered, the trail stays in memory'
          : undefined,
    },
    {
      settings: ['clock', 'dev'],
      check: (c) =>
        c.clock === 'virtual' && !c.dev
          ? 'clock virtual needs dev (--clock virtual needs --dev): a virtual clock is for tests and development only'
          : undefined,
    },
    {
      settings: ['metricsHost', 'metricsPort'],
      check: (c) =>
        c.metricsHost !== undefined && c.metricsPort === undefined ? 'metricsHost needs metricsPort' : undefined,
    },
    {
      settings: ['headersTimeoutMs', 'requestTimeoutMs'],
      check: (c) =>
        c.headersTimeoutMs > c.requestTimeoutMs
          ? 'the headers timeout must not be longer than the request timeout'
          : undefined,
    },
  ],
  // TRENT_BUILD_COMMIT: the build's commit, for `trent version` (cli/version.ts).
  otherVariables: [CONFIG_FILE_VARIABLE, 'TRENT_BUILD_COMMIT'],
};
