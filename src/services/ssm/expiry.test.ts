/** Parameter policies enforced by the scheduler, on real SQLite storage with an injected time. */
import { beforeEach, describe, expect, it } from 'vitest';
import type { ParameterPolicyEvent, Services } from '../../pipeline/types.js';
import type { ParameterRecord, ParameterVersionRecord } from '../../storage/parameter-types.js';
import { SqliteStorage } from '../../storage/sqlite/index.js';
import { expireParameters } from './expiry.js';
import { policiesView } from './policies.js';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const DAY = 86_400_000;
const T0 = new Date('2026-03-01T00:00:00Z');

let storage: SqliteStorage;
let services: Services;
let recorded: ParameterPolicyEvent[];

beforeEach(async () => {
  storage = SqliteStorage.open(':memory:');
  await storage.migrate();
  await storage.putAccount({ accountId: ACCOUNT, createdAt: T0 });
  recorded = [];
  services = {
    storage,
    logger: { info() {}, warn() {}, error() {} },
    events: {
      parameterPolicy: (event: ParameterPolicyEvent) => {
        recorded.push(event);
        return Promise.resolve();
      },
    },
  } as unknown as Services;
});

const version = (n: number, policies?: unknown[], modified = T0): ParameterVersionRecord => ({
  version: n,
  type: 'String',
  value: Buffer.from('sealed'),
  tier: policies ? 'Advanced' : 'Standard',
  ...(policies ? { policies: JSON.stringify(policies) } : {}),
  dataType: 'text',
  labels: [],
  lastModifiedDate: modified,
  lastModifiedUser: `arn:aws:iam::${ACCOUNT}:root`,
});

async function put(name: string, versions: ParameterVersionRecord[]): Promise<void> {
  const record: ParameterRecord = {
    accountId: ACCOUNT,
    region: REGION,
    name,
    arn: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/${name.replace(/^\//, '')}`,
    versions,
    tags: [],
    revision: 0,
  };
  expect(await storage.putParameter(record)).toBe('ok');
}

const expiration = (at: Date) => ({ Type: 'Expiration', Version: '1.0', Attributes: { Timestamp: at.toISOString() } });

describe('expireParameters', () => {
  it('deletes a parameter at its Expiration, not before', async () => {
    await put('/temp/token', [version(1, [expiration(new Date(T0.getTime() + DAY))])]);
    await put('/keep', [version(1)]);
    expect((await expireParameters(services, new Date(T0.getTime() + DAY - 1))).deleted).toEqual([]);
    const result = await expireParameters(services, new Date(T0.getTime() + DAY));
    expect(result.deleted).toEqual([`arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/temp/token`]);
    expect(result.events).toEqual([
      expect.objectContaining({ policyType: 'Expiration', actionStatus: 'Deleted', parameterName: '/temp/token' }),
    ]);
    expect(await storage.getParameter(ACCOUNT, REGION, '/temp/token')).toBeUndefined();
    expect(await storage.getParameter(ACCOUNT, REGION, '/keep')).toBeDefined();
    // Recorded as a service event, with the parameter's name, ARN and type, never its value.
    expect(recorded).toEqual([
      {
        policyType: 'Expiration',
        parameterArn: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/temp/token`,
        parameterName: '/temp/token',
        parameterType: 'String',
        actionStatus: 'Deleted',
        time: new Date(T0.getTime() + DAY),
      },
    ]);
  });

  it('sends an ExpirationNotification once, Before the expiration', async () => {
    await put('/p', [
      version(1, [
        expiration(new Date(T0.getTime() + 10 * DAY)),
        { Type: 'ExpirationNotification', Version: '1.0', Attributes: { Before: '2', Unit: 'Days' } },
      ]),
    ]);
    expect((await expireParameters(services, new Date(T0.getTime() + 7 * DAY))).events).toEqual([]);
    const due = await expireParameters(services, new Date(T0.getTime() + 8 * DAY));
    expect(due.events).toEqual([
      expect.objectContaining({ policyType: 'ExpirationNotification', actionStatus: 'Finished' }),
    ]);
    expect((await expireParameters(services, new Date(T0.getTime() + 9 * DAY))).events).toEqual([]);
    const stored = (await storage.getParameter(ACCOUNT, REGION, '/p'))!.versions[0]!;
    expect(policiesView(stored.policies, 1).map((p) => [p.PolicyType, p.PolicyStatus])).toEqual([
      ['Expiration', 'Pending'],
      ['ExpirationNotification', 'Finished'],
    ]);
  });

  it('sends a NoChangeNotification once per version, After the last change', async () => {
    const policy = [{ Type: 'NoChangeNotification', Version: '1.0', Attributes: { After: '3', Unit: 'Hours' } }];
    await put('/stale', [version(1, policy)]);
    const at = (h: number) => new Date(T0.getTime() + h * 3_600_000);
    expect((await expireParameters(services, at(2))).events).toEqual([]);
    expect((await expireParameters(services, at(3))).events).toHaveLength(1);
    expect((await expireParameters(services, at(4))).events).toHaveLength(0);
    // A new version (policies carried over with their status) starts the period again.
    const current = (await storage.getParameter(ACCOUNT, REGION, '/stale'))!;
    const next = { ...version(2, [], at(5)), policies: current.versions[0]!.policies };
    expect(await storage.putParameter({ ...current, versions: [...current.versions, next] }, current.revision)).toBe(
      'ok',
    );
    expect((await expireParameters(services, at(7))).events).toHaveLength(0);
    expect((await expireParameters(services, at(8))).events).toEqual([
      expect.objectContaining({ policyType: 'NoChangeNotification', parameterName: '/stale' }),
    ]);
  });
});
