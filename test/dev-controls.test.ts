/** The `--dev` test controls through real HTTP: virtual clock, fault injection, reset (docs/testing.md). */
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GenerateRandomCommand,
  ListAliasesCommand,
  ListKeyRotationsCommand,
  ListKeysCommand,
  ScheduleKeyDeletionCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from './helpers/front.js';
import { bytes, expectKmsError } from './helpers/kms.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const DAY_S = 24 * 60 * 60;

async function call(
  t: TestServer,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(t.server.url + path, {
    method,
    ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function auditEvents(t: TestServer): Promise<Record<string, unknown>[]> {
  const dir = join(t.dataDir, 'audit');
  const lines: string[] = [];
  for (const f of (await readdir(dir)).sort()) {
    lines.push(...(await readFile(join(dir, f), 'utf8')).split('\n').filter(Boolean));
  }
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('virtual clock', () => {
  let t: TestServer;
  let kms: KMSClient;
  beforeAll(async () => {
    t = await startTestServer({ dev: true, virtualClock: true });
    kms = t.client();
  });
  afterAll(async () => t.stop());

  it('reads the clock, starting at the real time', async () => {
    const res = await call(t, 'GET', '/_trent/clock');
    expect(res.status).toBe(200);
    expect(res.json.mode).toBe('virtual');
    expect(Math.abs(Date.parse(res.json.now as string) - Date.now())).toBeLessThan(60_000);
  });

  it('rotates a key automatically and ends a deletion window, in well under a second', async () => {
    const started = performance.now();
    const rotating = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    await kms.send(new EnableKeyRotationCommand({ KeyId: rotating.KeyId, RotationPeriodInDays: 90 }));
    const doomed = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: doomed.KeyId, PendingWindowInDays: 7 }));

    const week = await call(t, 'POST', '/_trent/clock', { advanceSeconds: 8 * DAY_S });
    expect(week.status).toBe(200);
    expect(week.json.deleted).toStrictEqual([doomed.Arn]);
    await expectKmsError(kms.send(new DescribeKeyCommand({ KeyId: doomed.KeyId })), 'NotFoundException');
    expect((await kms.send(new ListKeyRotationsCommand({ KeyId: rotating.KeyId }))).Rotations).toStrictEqual([]);

    const before = Date.parse((await call(t, 'GET', '/_trent/clock')).json.now as string);
    const later = await call(t, 'POST', '/_trent/clock', { advanceSeconds: 83 * DAY_S });
    expect(later.status).toBe(200);
    expect(Date.parse(later.json.now as string) - before).toBe(83 * DAY_S * 1000);
    expect(later.json.rotated).toStrictEqual([rotating.Arn]);
    // Signed with real time, 91 days before Trent's time: still accepted.
    const rotations = (await kms.send(new ListKeyRotationsCommand({ KeyId: rotating.KeyId }))).Rotations!;
    expect(rotations).toHaveLength(1);
    expect(rotations[0]!.RotationType).toBe('AUTOMATIC');
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('sets the clock forward, and refuses to move it back', async () => {
    const now = Date.parse((await call(t, 'GET', '/_trent/clock')).json.now as string);
    const target = new Date(now + 3_600_000).toISOString();
    const set = await call(t, 'POST', '/_trent/clock', { set: target });
    expect(set.status).toBe(200);
    expect(set.json.now).toBe(target);
    const back = await call(t, 'POST', '/_trent/clock', { set: new Date(now).toISOString() });
    expect(back.status).toBe(400);
    expect(back.json.__type).toBe('ValidationException');
    expect(back.json.message).toMatch(/only moves forward/);
    expect((await call(t, 'GET', '/_trent/clock')).json.now).toBe(target);
    for (const bad of [
      {},
      { advanceSeconds: -1 },
      { set: 'yesterday' },
      { advanceSeconds: 1, set: target },
      { x: 1 },
    ]) {
      const res = await call(t, 'POST', '/_trent/clock', bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.json.__type).toBe('ValidationException');
    }
  });

  it('refuses to move a real clock', async () => {
    const real = await startTestServer({ dev: true });
    try {
      expect((await call(real, 'GET', '/_trent/clock')).json.mode).toBe('real');
      const res = await call(real, 'POST', '/_trent/clock', { advanceSeconds: 60 });
      expect(res.status).toBe(400);
      expect(res.json.message).toMatch(/--clock virtual/);
    } finally {
      await real.stop();
    }
  });

  it('is refused without dev', async () => {
    await expect(startTestServer({ virtualClock: true })).rejects.toThrow(/--clock virtual needs --dev/);
  });
});

describe('fault injection', () => {
  let t: TestServer;
  let kms: KMSClient;
  let keyId: string;
  let otherKeyId: string;
  beforeAll(async () => {
    t = await startTestServer({ dev: true });
    kms = t.client();
    keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    otherKeyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
  });
  afterAll(async () => t.stop());
  const encrypt = (id: string) => kms.send(new EncryptCommand({ KeyId: id, Plaintext: bytes('x') }));

  it('fails exactly Count calls of the operation and key, with the AWS status, and audits them as injected', async () => {
    const set = await call(t, 'POST', '/_trent/faults', {
      Rules: [{ Operation: 'Encrypt', KeyId: keyId, Error: 'ThrottlingException', Count: 2 }],
    });
    expect(set.status).toBe(200);
    // Another key, and another operation on the key, are untouched.
    await encrypt(otherKeyId);
    await kms.send(new DescribeKeyCommand({ KeyId: keyId }));
    const err = await expectKmsError(
      encrypt(`arn:aws:kms:us-east-1:${t.server.accountId}:key/${keyId}`),
      'ThrottlingException',
      "Injected by Trent's fault rules (rule 1)",
    );
    expect(err.$metadata?.httpStatusCode).toBe(400);
    expect((await call(t, 'GET', '/_trent/faults')).json.Rules).toStrictEqual([
      { Operation: 'Encrypt', KeyId: keyId, Error: 'ThrottlingException', Count: 2, Remaining: 1 },
    ]);
    await expectKmsError(encrypt(keyId), 'ThrottlingException');
    await encrypt(keyId);
    expect(((await call(t, 'GET', '/_trent/faults')).json.Rules as { Remaining: number }[])[0]!.Remaining).toBe(0);

    let injected: Record<string, unknown>[] = [];
    await until(async () => {
      injected = (await auditEvents(t)).filter((e) => e.errorCode === 'ThrottlingException');
      return injected.length === 2;
    });
    expect(injected[0]).toMatchObject({
      eventName: 'Encrypt',
      errorMessage: "Injected by Trent's fault rules (rule 1)",
      additionalEventData: { injectedFault: true },
    });
  });

  it('answers a server fault with its status', async () => {
    await call(t, 'POST', '/_trent/faults', {
      Rules: [{ Operation: 'GenerateRandom', Error: 'KeyUnavailableException', Count: 1 }],
    });
    const err = await expectKmsError(
      kms.send(new GenerateRandomCommand({ NumberOfBytes: 8 })),
      'KeyUnavailableException',
    );
    expect(err.$metadata?.httpStatusCode).toBe(500);
    await kms.send(new GenerateRandomCommand({ NumberOfBytes: 8 }));
  });

  it('applies Probability 1 always and 0 never', async () => {
    await call(t, 'POST', '/_trent/faults', {
      Rules: [
        { Operation: 'Encrypt', KeyId: otherKeyId, Error: 'DependencyTimeoutException', Probability: 0 },
        { Operation: 'Encrypt', Error: 'KMSInternalException', Probability: 1 },
      ],
    });
    for (let i = 0; i < 5; i++) {
      const err = await expectKmsError(encrypt(otherKeyId), 'KMSInternalException', /rule 2/);
      expect(err.$metadata?.httpStatusCode).toBe(500);
    }
    await call(t, 'POST', '/_trent/faults', {
      Rules: [{ Operation: 'Encrypt', Error: 'KMSInternalException', Probability: 0 }],
    });
    for (let i = 0; i < 5; i++) await encrypt(keyId);
  });

  it('adds LatencyMs, with or without an error', async () => {
    await call(t, 'POST', '/_trent/faults', { Rules: [{ Operation: 'DescribeKey', LatencyMs: 150 }] });
    let started = performance.now();
    await kms.send(new DescribeKeyCommand({ KeyId: keyId }));
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
    await call(t, 'POST', '/_trent/faults', {
      Rules: [{ Operation: 'DescribeKey', LatencyMs: 100, Error: 'ThrottlingException', Count: 1 }],
    });
    started = performance.now();
    await expectKmsError(kms.send(new DescribeKeyCommand({ KeyId: keyId })), 'ThrottlingException');
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
  });

  it('DELETE removes every rule', async () => {
    await call(t, 'POST', '/_trent/faults', { Rules: [{ Operation: 'Encrypt', Error: 'ThrottlingException' }] });
    await expectKmsError(encrypt(keyId), 'ThrottlingException');
    const del = await call(t, 'DELETE', '/_trent/faults');
    expect(del.status).toBe(200);
    expect((await call(t, 'GET', '/_trent/faults')).json.Rules).toStrictEqual([]);
    await encrypt(keyId);
  });

  it('refuses invalid rules with a ValidationException naming the member, keeping the rules in force', async () => {
    await call(t, 'POST', '/_trent/faults', { Rules: [{ Operation: 'Decrypt', Error: 'ThrottlingException' }] });
    const cases: [unknown, RegExp][] = [
      [{}, /'Rules'/],
      [{ Rules: [{ Operation: 'Nope', Error: 'ThrottlingException' }] }, /'Rules\[0\]\.Operation'/],
      [{ Rules: [{ Operation: 'Encrypt', Error: 'NoSuchException' }] }, /'Rules\[0\]\.Error'/],
      [{ Rules: [{ Operation: 'Encrypt', Error: 'ThrottlingException', Count: 0 }] }, /'Rules\[0\]\.Count'/],
      [
        { Rules: [{ Operation: 'Encrypt', Error: 'ThrottlingException', Probability: 2 }] },
        /'Rules\[0\]\.Probability'/,
      ],
      [{ Rules: [{ Operation: 'Encrypt', Error: 'ThrottlingException', LatencyMs: -1 }] }, /'Rules\[0\]\.LatencyMs'/],
      [{ Rules: [{ Operation: 'Encrypt', Error: 'ThrottlingException', Count: 1, Probability: 1 }] }, /not both/],
      [{ Rules: [{ Operation: 'Encrypt' }] }, /needs 'Error', 'LatencyMs'/],
      [{ Rules: [{ Operation: 'Encrypt', Error: 'ThrottlingException', Colour: 'red' }] }, /'Rules\[0\]\.Colour'/],
    ];
    for (const [body, message] of cases) {
      const res = await call(t, 'POST', '/_trent/faults', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.__type).toBe('ValidationException');
      expect(res.json.message).toMatch(message);
    }
    const bad = await fetch(t.server.url + '/_trent/faults', { method: 'POST', body: '{' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { __type: string }).__type).toBe('SerializationException');
    expect((await call(t, 'GET', '/_trent/faults')).json.Rules).toHaveLength(1);
    await call(t, 'DELETE', '/_trent/faults');
  });
});

describe('reset', () => {
  let t: TestServer;
  let kms: KMSClient;
  beforeAll(async () => {
    t = await startTestServer({ dev: true });
    kms = t.client();
  });
  afterAll(async () => t.stop());

  for (const path of ['/_trent/reset', '/moto-api/reset']) {
    it(`${path} deletes every key and alias; the administrator credentials keep working`, async () => {
      const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
      await kms.send(new CreateAliasCommand({ AliasName: 'alias/app', TargetKeyId: key.KeyId }));
      await kms.send(new EncryptCommand({ KeyId: 'alias/app', Plaintext: bytes('x') }));
      const eu = t.client({ region: 'eu-west-1' });
      await eu.send(new CreateKeyCommand({}));

      const res = await call(t, 'POST', path);
      expect(res).toStrictEqual({ status: 200, json: { status: 'ok' } });

      expect((await kms.send(new ListKeysCommand({}))).Keys).toStrictEqual([]);
      expect((await eu.send(new ListKeysCommand({}))).Keys).toStrictEqual([]);
      expect((await kms.send(new ListAliasesCommand({}))).Aliases?.filter((a) => a.TargetKeyId)).toStrictEqual([]);
      await expectKmsError(kms.send(new DescribeKeyCommand({ KeyId: key.KeyId })), 'NotFoundException');
      await expectKmsError(
        kms.send(new EncryptCommand({ KeyId: 'alias/app', Plaintext: bytes('x') })),
        'NotFoundException',
      );
      // Work goes on as on a fresh server, the alias name free again.
      const fresh = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
      await kms.send(new CreateAliasCommand({ AliasName: 'alias/app', TargetKeyId: fresh.KeyId }));
      await call(t, 'POST', path);
    });
  }

  it('answers a GET of /moto-api/reset as moto does', async () => {
    expect(await call(t, 'GET', '/moto-api/reset')).toStrictEqual({
      status: 400,
      json: { Error: 'Need to POST to reset Moto' },
    });
  });
});

describe('a strict server', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t.stop());

  const answer = async (method: string, path: string) => {
    const res = await fetch(t.server.url + path, { method, ...(method === 'GET' ? {} : { body: '{}' }) });
    return { status: res.status, body: await res.text(), type: res.headers.get('content-type') };
  };

  it('answers every test control as an unknown path', async () => {
    for (const method of ['GET', 'POST', 'DELETE']) {
      const unknown = await answer(method, '/no/such/path');
      for (const path of ['/_trent/clock', '/_trent/faults', '/_trent/reset', '/_trent/other', '/moto-api/reset']) {
        expect(await answer(method, path), `${method} ${path}`).toStrictEqual(unknown);
      }
    }
  });
});
