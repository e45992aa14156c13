/**
 * Parameter Store at rest: every parameter, version, label and tag survives a restart on the same
 * data directory, and no value (String, StringList, SecureString Standard and Advanced) is
 * anywhere in the data directory in plaintext: not in the database, its WAL, nor the audit log.
 */
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import {
  AddTagsToResourceCommand,
  GetParameterCommand,
  GetParameterHistoryCommand,
  LabelParameterVersionCommand,
  ListTagsForResourceCommand,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/server/index.js';
import { silentLogger, startTestServer, type Credentials, type TestServer } from './helpers/server.js';

const REGION = 'us-east-1';

const ssmClient = (url: string, credentials: Credentials): SSMClient =>
  new SSMClient({ endpoint: url, region: REGION, credentials, maxAttempts: 1 });

/** Every file below `dir`, concatenated. */
async function everyFileBytes(dir: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) parts.push(await readFile(join(entry.parentPath, entry.name)));
  }
  return Buffer.concat(parts);
}

/** A value as it could appear in a file: raw UTF-8, UTF-16, hex and base64. */
const encodings = (value: string): Buffer[] => [
  Buffer.from(value, 'utf8'),
  Buffer.from(value, 'utf16le'),
  Buffer.from(Buffer.from(value).toString('hex')),
  Buffer.from(Buffer.from(value).toString('base64')),
];

const unique = (what: string): string => `${what}-${randomBytes(12).toString('hex')}`;

describe('Parameter Store at rest and across a restart', () => {
  let dataDir: string;
  let t: TestServer;
  let credentials: Credentials;
  let keyId: string;
  const values = {
    string1: unique('string-one'),
    string2: unique('string-two'),
    list: `${unique('a')},${unique('b')}`,
    secure: unique('database-password'),
    advanced: unique('advanced').padEnd(5000, 'z'),
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'trent-ssm-restart-'));
    t = await startTestServer({ dataDir, logger: silentLogger });
    credentials = t.credentials;
    keyId = (await t.client().send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    const ssm = ssmClient(t.server.url, credentials);
    await ssm.send(
      new PutParameterCommand({
        Name: '/svc/config',
        Value: values.string1,
        Type: 'String',
        Description: 'config',
        Tags: [{ Key: 'team', Value: 'core' }],
      }),
    );
    await ssm.send(new PutParameterCommand({ Name: '/svc/config', Value: values.string2, Overwrite: true }));
    await ssm.send(new LabelParameterVersionCommand({ Name: '/svc/config', ParameterVersion: 1, Labels: ['old'] }));
    await ssm.send(new LabelParameterVersionCommand({ Name: '/svc/config', Labels: ['current', 'blue'] }));
    await ssm.send(new PutParameterCommand({ Name: 'hosts', Value: values.list, Type: 'StringList' }));
    await ssm.send(
      new PutParameterCommand({ Name: '/svc/db/password', Value: values.secure, Type: 'SecureString', KeyId: keyId }),
    );
    await ssm.send(
      new AddTagsToResourceCommand({
        ResourceType: 'Parameter',
        ResourceId: '/svc/db/password',
        Tags: [{ Key: 'secret', Value: 'yes' }],
      }),
    );
    await ssm.send(
      new PutParameterCommand({
        Name: '/svc/big',
        Value: values.advanced,
        Type: 'SecureString',
        KeyId: keyId,
        Tier: 'Advanced',
      }),
    );
    ssm.destroy();
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('stores no parameter value in plaintext anywhere in the data directory', async () => {
    // While the server runs (WAL and audit log as they are) and after it stopped.
    const running = await everyFileBytes(dataDir);
    await t.stop();
    const stopped = await everyFileBytes(dataDir);
    for (const [what, value] of Object.entries(values)) {
      const pieces = what === 'list' ? value.split(',') : [value];
      for (const piece of pieces)
        for (const form of encodings(piece)) {
          expect(running.includes(form), `${what} in the running server's files`).toBe(false);
          expect(stopped.includes(form), `${what} in the files`).toBe(false);
        }
    }
    // The scan sees what is there: the parameter names are in the database.
    expect(stopped.includes(Buffer.from('/svc/db/password'))).toBe(true);
  });

  it('keeps every parameter, version, label and tag across a restart', async () => {
    const server: RunningServer = await startServer({ dataDir, port: 0, schedulerIntervalMs: 0, logger: silentLogger });
    const ssm = ssmClient(server.url, credentials);
    try {
      const history = (await ssm.send(new GetParameterHistoryCommand({ Name: '/svc/config' }))).Parameters!;
      expect(history.map((h) => [h.Version, h.Value, h.Labels, h.Description])).toEqual([
        [1, values.string1, ['old'], 'config'],
        [2, values.string2, ['current', 'blue'], 'config'],
      ]);
      expect((await ssm.send(new GetParameterCommand({ Name: '/svc/config:old' }))).Parameter!.Value).toBe(
        values.string1,
      );
      expect((await ssm.send(new GetParameterCommand({ Name: 'hosts' }))).Parameter).toMatchObject({
        Type: 'StringList',
        Value: values.list,
      });
      const secure = await ssm.send(new GetParameterCommand({ Name: '/svc/db/password', WithDecryption: true }));
      expect(secure.Parameter).toMatchObject({ Type: 'SecureString', Value: values.secure, Version: 1 });
      const big = await ssm.send(new GetParameterCommand({ Name: '/svc/big', WithDecryption: true }));
      expect(big.Parameter!.Value).toBe(values.advanced);
      const tags = async (id: string) =>
        (await ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: id }))).TagList;
      expect(await tags('/svc/config')).toEqual([{ Key: 'team', Value: 'core' }]);
      expect(await tags('/svc/db/password')).toEqual([{ Key: 'secret', Value: 'yes' }]);
      expect((await ssm.send(new GetParameterHistoryCommand({ Name: '/svc/big' }))).Parameters![0]).toMatchObject({
        Tier: 'Advanced',
        KeyId: keyId,
      });
    } finally {
      ssm.destroy();
      await server.close();
    }
  });
});
