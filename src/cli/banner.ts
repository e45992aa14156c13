/**
 * What `trent serve` prints on a terminal once it is ready: where it listens, in which mode, where
 * its data and the administrator's credentials are, and how to point the AWS CLI at it. A pure
 * function of those facts; the same facts are in the JSON log line for everyone else.
 */
import { join, resolve } from 'node:path';
import { ADMIN_CREDENTIALS_FILE } from '../server/index.js';
import { shellQuote } from './env.js';
import { DEFAULT_ENDPOINT } from './kms-client.js';

/** The data directory `trent serve` and `trent env` use without --data-dir. */
export const DEFAULT_DATA_DIR = './.trent';

export interface BannerFacts {
  url: string;
  dev: boolean;
  accountId: string;
  /** Absolute. */
  dataDir: string;
  /** Absolute path of admin-credentials.json. */
  credentialsFile: string;
  /** This start created the account and wrote the file. */
  createdCredentials: boolean;
  /** The data directory `trent env` uses without --data-dir (`./.trent` of the working directory),
   * absolute; when dataDir is this one the command needs no --data-dir. */
  defaultDataDir: string;
  /** With --tls-self-signed: the certificate to trust. */
  caBundle?: string;
  /** --ephemeral: no data directory and no credentials file; any credentials are accepted. */
  ephemeral?: boolean;
}

/** Credentials for an ephemeral server, which (in dev mode) accepts any. */
const EPHEMERAL_CREDENTIALS = 'AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test';

/** The AWS CLI's variables for an ephemeral server: there is no file for `trent env` to read. */
export function ephemeralEnvCommand(url: string): string {
  return `export AWS_ENDPOINT_URL=${shellQuote(url)} ${EPHEMERAL_CREDENTIALS} AWS_REGION=us-east-1`;
}

/** `npx trent env` with the flags that make it name this server and data directory. */
export function envCommand(facts: Pick<BannerFacts, 'url' | 'dataDir' | 'defaultDataDir'>): string {
  const words = ['npx', 'trent', 'env'];
  if (facts.dataDir !== facts.defaultDataDir) words.push('--data-dir', shellQuote(facts.dataDir));
  if (facts.url !== DEFAULT_ENDPOINT) words.push('--endpoint-url', shellQuote(facts.url));
  return `eval "$(${words.join(' ')})"`;
}

export function renderBanner(facts: BannerFacts): string {
  const mode = facts.dev
    ? `dev: DEV MODE, signatures are NOT checked and every caller is the root of account ${facts.accountId}. Never use it for real keys.`
    : `strict: every request needs a valid SigV4 signature from a known access key (account ${facts.accountId})`;
  const credentials = facts.ephemeral
    ? `any (dev mode), e.g. ${EPHEMERAL_CREDENTIALS}`
    : facts.createdCredentials
      ? `${facts.credentialsFile} (created now, mode 0600; the secret is only there)`
      : facts.credentialsFile;
  const data = facts.ephemeral ? 'ephemeral: nothing is written to disk; everything is lost on stop' : facts.dataDir;
  const lines = [
    '',
    `  Trent is ready at ${facts.url}`,
    '',
    `  mode         ${mode}`,
    `  data         ${data}`,
    `  credentials  ${credentials}`,
    '',
    '  Use it with the AWS CLI, in another terminal:',
    '',
    `    ${facts.ephemeral ? ephemeralEnvCommand(facts.url) : envCommand(facts)}`,
  ];
  if (facts.caBundle !== undefined) lines.push(`    export AWS_CA_BUNDLE=${shellQuote(facts.caBundle)}`);
  lines.push(
    '    aws kms create-key --description "my first key"',
    '    aws kms list-keys',
    '',
    '  The AWS CLI before 2.13 ignores AWS_ENDPOINT_URL: add --endpoint-url "$AWS_ENDPOINT_URL" to each',
    '  aws command. SDKs read it too, or take the endpoint in their client configuration.',
    '',
  );
  return lines.map((line) => `${line}\n`).join('');
}

/** What a started server and its flags say, as banner facts (cwd: where `trent env` will run). */
export function bannerFacts(
  server: { url: string; accountId: string; createdCredentials?: unknown; tlsFiles?: { certFile: string } },
  opts: { dataDir: string; dev: boolean; tlsSelfSigned?: boolean; ephemeral?: boolean },
  cwd = process.cwd(),
): BannerFacts {
  const dataDir = resolve(cwd, opts.dataDir);
  return {
    url: server.url,
    dev: opts.dev,
    accountId: server.accountId,
    dataDir,
    credentialsFile: join(dataDir, ADMIN_CREDENTIALS_FILE),
    createdCredentials: server.createdCredentials !== undefined,
    defaultDataDir: resolve(cwd, DEFAULT_DATA_DIR),
    ...(opts.tlsSelfSigned && server.tlsFiles ? { caBundle: server.tlsFiles.certFile } : {}),
    ...(opts.ephemeral ? { ephemeral: true } : {}),
  };
}

/** The banner's facts for the JSON log line that stands in for it off a terminal. */
export function readyLogFields(facts: BannerFacts): Record<string, string> {
  if (facts.ephemeral) {
    return {
      url: facts.url,
      mode: facts.dev ? 'dev' : 'strict',
      data: 'ephemeral: nothing is written to disk',
      accountId: facts.accountId,
      awsCli: ephemeralEnvCommand(facts.url),
    };
  }
  return {
    url: facts.url,
    mode: facts.dev ? 'dev' : 'strict',
    dataDir: facts.dataDir,
    accountId: facts.accountId,
    credentialsFile: facts.credentialsFile,
    awsCli: envCommand(facts),
  };
}
