/**
 * Parameter policies at work, through @aws-sdk/client-ssm and the scheduler with an injected
 * clock: an Advanced parameter is deleted at its Expiration, its ExpirationNotification comes
 * before, and each action is in the audit trail as a ParameterPolicyAction service event that
 * names the parameter and never carries its value.
 */
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journalEvents } from './helpers/audit.js';
import { followClock } from './helpers/kms.js';
import { ManualClock, startTestServer, type TestServer } from './helpers/server.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const clock = new ManualClock(new Date('2026-06-01T00:00:00Z'));
let t: TestServer;
let ssm: SSMClient;

beforeAll(async () => {
  t = await startTestServer({ clock });
  // Signatures on the server's clock, as it moves.
  ssm = followClock(
    new SSMClient({ endpoint: t.server.url, region: 'us-east-1', credentials: t.credentials, maxAttempts: 1 }),
    clock,
  );
});
afterAll(async () => {
  await t?.stop();
});

describe('parameter policies', () => {
  it('notify before the expiration, delete the parameter at it, and record both', async () => {
    const expires = new Date(clock.now().getTime() + 3 * DAY);
    await ssm.send(
      new PutParameterCommand({
        Name: '/policies/temporary-token',
        Type: 'SecureString',
        Value: 'never-in-the-trail',
        Tier: 'Advanced',
        Policies: JSON.stringify([
          { Type: 'Expiration', Version: '1.0', Attributes: { Timestamp: expires.toISOString() } },
          { Type: 'ExpirationNotification', Version: '1.0', Attributes: { Before: '1', Unit: 'Days' } },
        ]),
      }),
    );
    clock.advance(DAY);
    await t.server.runScheduledWork();
    let events = (await journalEvents(t.dataDir)).filter((e) => e.eventName === 'ParameterPolicyAction');
    expect(events).toEqual([]);

    clock.advance(DAY);
    await t.server.runScheduledWork();
    events = (await journalEvents(t.dataDir)).filter((e) => e.eventName === 'ParameterPolicyAction');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      eventSource: 'ssm.amazonaws.com',
      eventType: 'AwsServiceEvent',
      awsRegion: 'us-east-1',
      resources: [
        { type: 'AWS::SSM::Parameter', ARN: expect.stringMatching(/:parameter\/policies\/temporary-token$/) },
      ],
      serviceEventDetails: {
        'parameter-name': '/policies/temporary-token',
        'parameter-type': 'SecureString',
        'policy-type': 'ExpirationNotification',
        'action-status': 'Finished',
      },
    });
    // Still there until the expiration.
    expect((await ssm.send(new GetParameterCommand({ Name: '/policies/temporary-token' }))).Parameter).toBeDefined();

    clock.advance(DAY);
    const work = await t.server.runScheduledWork();
    expect(work.expiredParameters).toEqual([expect.stringMatching(/:parameter\/policies\/temporary-token$/)]);
    await expect(ssm.send(new GetParameterCommand({ Name: '/policies/temporary-token' }))).rejects.toMatchObject({
      name: 'ParameterNotFound',
    });
    events = (await journalEvents(t.dataDir)).filter((e) => e.eventName === 'ParameterPolicyAction');
    expect(events.map((e) => (e.serviceEventDetails as Record<string, string>)['action-status'])).toEqual([
      'Finished',
      'Deleted',
    ]);
    const trail = JSON.stringify(await journalEvents(t.dataDir));
    expect(trail).not.toContain('never-in-the-trail');
  });
});
