/**
 * Finding and running the real AWS CLI v2 in an isolated environment (no config files, no
 * profile, no pager, one attempt). Suites skip with a message when it is absent, except in CI
 * (CI=true), where its absence fails them.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The first `aws` on PATH (or in /usr/local/bin, /usr/bin) that is version 2. */
export function findAwsCliV2(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/bin', '/usr/bin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = join(dir, 'aws');
    if (!existsSync(candidate)) continue;
    const r = spawnSync(candidate, ['--version'], {
      encoding: 'utf8',
      timeout: 30_000,
      env: { PATH: process.env.PATH ?? '', HOME: tmpdir() },
    });
    if (r.status === 0 && /^aws-cli\/2\./.test(`${r.stdout}${r.stderr}`.trim())) return candidate;
  }
  return undefined;
}

/** The AWS CLI v2, or undefined after warning that `suite` is skipped; throws in CI. */
export function awsCliOrSkip(suite: string): string | undefined {
  const aws = findAwsCliV2();
  if (!aws) {
    if (process.env.CI === 'true') throw new Error('AWS CLI v2 (`aws`) is required in CI but was not found');
    console.warn(`${suite} skipped: no AWS CLI v2 (\`aws --version\` = aws-cli/2.x) found on this machine`);
  }
  return aws;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliTarget {
  aws: string;
  endpoint: string;
  home: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * Runs `aws kms <args>` against `endpoint` with the given credentials and nothing from the user's
 * set-up; `overrides` replaces or adds environment variables.
 */
export function runAwsKms(
  target: CliTarget,
  args: readonly string[],
  overrides: Record<string, string> = {},
): Promise<CliResult> {
  return runAws(target, 'kms', args, overrides);
}

/** Runs `aws <service> <args>` as runAwsKms does. */
export function runAws(
  target: CliTarget & { sessionToken?: string | undefined },
  service: string,
  args: readonly string[],
  overrides: Record<string, string> = {},
): Promise<CliResult> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: target.home,
    AWS_CONFIG_FILE: join(target.home, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(target.home, 'no-credentials'),
    AWS_ACCESS_KEY_ID: target.accessKeyId,
    AWS_SECRET_ACCESS_KEY: target.secretAccessKey,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_PAGER: '',
    AWS_MAX_ATTEMPTS: '1',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...(target.sessionToken !== undefined ? { AWS_SESSION_TOKEN: target.sessionToken } : {}),
    ...overrides,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(target.aws, [service, ...args, '--endpoint-url', target.endpoint, '--output', 'json'], {
      env,
      cwd: target.home,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The CLI's wording of a service error; newer CLIs add the retry count after the operation name. */
export function cliServiceError(code: string, operation: string, message: string): RegExp {
  return new RegExp(
    `An error occurred \\(${code}\\) when calling the ${operation} operation(?: \\(reached max retries: \\d+\\))?: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`,
  );
}
