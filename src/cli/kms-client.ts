// KMS client configuration for client-side commands (encrypt, decrypt) that talk to a running Trent.

import type { KMSClientConfig } from '@aws-sdk/client-kms';

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:4599';
export const DEFAULT_REGION = 'us-east-1';

export interface KmsClientFlags {
  endpoint?: string;
  region?: string;
  profile?: string;
}

/**
 * Builds the SDK client configuration from command-line flags, then the environment, then defaults.
 * Endpoint precedence follows the SDK's service-specific endpoint settings (AWS_ENDPOINT_URL_KMS,
 * then AWS_ENDPOINT_URL); region also honours AWS_DEFAULT_REGION, which SDK v3 alone ignores.
 * Credentials are deliberately absent: the SDK's default provider chain resolves them (environment,
 * shared config and credentials files, SSO, process, ...) for the chosen profile.
 */
export function kmsClientConfigFromEnv(opts: KmsClientFlags, env: NodeJS.ProcessEnv = process.env): KMSClientConfig {
  const endpoint =
    nonEmpty(opts.endpoint) ?? nonEmpty(env.AWS_ENDPOINT_URL_KMS) ?? nonEmpty(env.AWS_ENDPOINT_URL) ?? DEFAULT_ENDPOINT;
  if (!URL.canParse(endpoint)) throw new Error(`KMS endpoint is not a URL: ${endpoint}`);
  const region =
    nonEmpty(opts.region) ?? nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION) ?? DEFAULT_REGION;
  const profile = nonEmpty(opts.profile);
  return profile === undefined ? { endpoint, region } : { endpoint, region, profile };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
