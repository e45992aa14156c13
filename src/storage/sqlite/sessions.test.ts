/**
 * What deleting STS sessions leaves on disk: nothing of their wrapped secrets or token hashes in
 * the database, WAL or shared-memory file once eraseDeleted() is done (as for deleted keys).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStorage } from '../index.js';
import type { SessionRecord } from '../session-types.js';

const root = mkdtempSync(join(tmpdir(), 'trent-sqlite-sessions-'));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

const T0 = new Date('2026-01-01T00:00:00Z');

function session(n: number, expiration: Date): SessionRecord {
  return {
    accessKeyId: `ASIA${String(n).padStart(16, '0')}`,
    accountId: '111122223333',
    wrappedSecret: randomBytes(72),
    tokenHash: randomBytes(32),
    principalType: 'AssumedRole',
    principalArn: `arn:aws:sts::111122223333:assumed-role/r/s${n}`,
    principalId: `AROAEXAMPLE:s${n}`,
    subjectId: 'AROAEXAMPLE',
    role: {
      arn: 'arn:aws:iam::111122223333:role/r',
      roleId: 'AROAEXAMPLE',
      name: 'r',
      path: '/',
      sessionName: `s${n}`,
    },
    sessionPolicies: [],
    policyArns: [],
    tags: {},
    transitiveTagKeys: [],
    mfaAuthenticated: false,
    issuedAt: T0,
    expiration,
  };
}

const filesOf = (dir: string): Buffer => Buffer.concat(readdirSync(dir).map((f) => readFileSync(join(dir, f))));

describe('deleted sessions at rest', () => {
  it('are erased from every database file, whether expired or deleted with their role', async () => {
    const dir = mkdtempSync(join(root, 'd-'));
    const storage = await openStorage({ sqlitePath: join(dir, 'trent.db') });
    const expired = session(1, T0);
    const ofRole = session(2, new Date(T0.getTime() + 3600_000));
    const kept = { ...session(3, new Date(T0.getTime() + 3600_000)), subjectId: 'AROAOTHER' };
    for (const s of [expired, ofRole, kept]) await storage.putSession(s);
    expect(filesOf(dir).includes(expired.wrappedSecret)).toBe(true);

    expect(await storage.deleteExpiredSessions(T0, 10)).toBe(1);
    expect(await storage.deleteSessionsOf('111122223333', 'AROAEXAMPLE')).toBe(1);
    expect(await storage.eraseDeleted()).toBe('done');
    const files = filesOf(dir);
    for (const gone of [expired, ofRole]) {
      expect(files.includes(gone.wrappedSecret)).toBe(false);
      expect(files.includes(gone.tokenHash)).toBe(false);
    }
    expect(files.includes(kept.wrappedSecret)).toBe(true);
    await storage.close();
  });
});
