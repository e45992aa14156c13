/**
 * Conformance suite for SessionStorage (storage/session-types.ts), run by every backend's test file
 * beside describeStorageConformance. `open` must return a fresh, empty, migrated storage each time.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionRecord } from './session-types.js';
import type { Storage } from './types.js';

const ACCOUNT = '111122223333';
const OTHER_ACCOUNT = '444455556666';
const T0 = new Date('2026-03-04T05:06:07.891Z');
const at = (msAfterT0: number): Date => new Date(T0.getTime() + msAfterT0);
const HOUR = 60 * 60 * 1000;

const ROLE_ID = 'AROAEXAMPLEROLEID000';
const USER_ID = 'AIDAEXAMPLEUSERID000';

let counter = 0;
const accessKeyIdOf = (n: number): string => `ASIA${n.toString().padStart(16, '0')}`;

function roleSession(overrides: Partial<SessionRecord> = {}): SessionRecord {
  const n = ++counter;
  return {
    accessKeyId: accessKeyIdOf(n),
    accountId: ACCOUNT,
    wrappedSecret: Buffer.from(`wrapped-${n}`),
    tokenHash: Buffer.alloc(32, n),
    principalType: 'AssumedRole',
    principalArn: `arn:aws:sts::${ACCOUNT}:assumed-role/deployer/s-${n}`,
    principalId: `${ROLE_ID}:s-${n}`,
    subjectId: ROLE_ID,
    role: {
      arn: `arn:aws:iam::${ACCOUNT}:role/ops/deployer`,
      roleId: ROLE_ID,
      name: 'deployer',
      path: '/ops/',
      sessionName: `s-${n}`,
    },
    sessionPolicies: ['{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}'],
    policyArns: [`arn:aws:iam::${ACCOUNT}:policy/narrow`],
    tags: { team: 'blue', Project: 'x' },
    transitiveTagKeys: ['team'],
    sourceIdentity: 'alice',
    mfaAuthenticated: false,
    issuedAt: T0,
    expiration: at(HOUR),
    ...overrides,
  };
}

function userSession(overrides: Partial<SessionRecord> = {}): SessionRecord {
  const n = ++counter;
  return {
    accessKeyId: accessKeyIdOf(n),
    accountId: ACCOUNT,
    wrappedSecret: Buffer.from(`wrapped-${n}`),
    tokenHash: Buffer.alloc(32, n),
    principalType: 'IAMUser',
    principalArn: `arn:aws:iam::${ACCOUNT}:user/alice`,
    principalId: USER_ID,
    subjectId: USER_ID,
    userName: 'alice',
    sessionPolicies: [],
    policyArns: [],
    tags: {},
    transitiveTagKeys: [],
    mfaAuthenticated: false,
    issuedAt: T0,
    expiration: at(12 * HOUR),
    ...overrides,
  };
}

export function describeSessionStorageConformance(name: string, open: () => Promise<Storage>): void {
  describe(`SessionStorage conformance: ${name}`, () => {
    let s: Storage;

    beforeEach(async () => {
      s = await open();
    });
    afterEach(async () => {
      await s.close();
    });

    it('reads back a role session as written', async () => {
      const session = roleSession();
      await s.putSession(session);
      expect(await s.getSession(session.accessKeyId)).toEqual(session);
    });

    it('reads back absent optional fields as absent', async () => {
      const session = userSession();
      await s.putSession(session);
      const read = await s.getSession(session.accessKeyId);
      expect(read).toEqual(session);
      expect(read).not.toHaveProperty('role');
      expect(read).not.toHaveProperty('sourceIdentity');
      expect(read?.tokenHash).toBeInstanceOf(Buffer);
      expect(read?.expiration.getTime()).toBe(session.expiration.getTime());
    });

    it('answers undefined for an unknown access key id', async () => {
      expect(await s.getSession(accessKeyIdOf(999_999))).toBeUndefined();
    });

    it('refuses a second session with the same access key id and keeps the first', async () => {
      const session = roleSession();
      await s.putSession(session);
      await expect(s.putSession({ ...session, principalArn: 'other' })).rejects.toThrow();
      expect((await s.getSession(session.accessKeyId))?.principalArn).toBe(session.principalArn);
    });

    it('deletes sessions expired at or before the given time, at most limit of them', async () => {
      const early = roleSession({ expiration: at(HOUR) });
      const exact = roleSession({ expiration: at(2 * HOUR) });
      const later = roleSession({ expiration: at(2 * HOUR + 1) });
      const other = userSession({ accountId: OTHER_ACCOUNT, expiration: at(HOUR) });
      for (const session of [early, exact, later, other]) await s.putSession(session);

      expect(await s.deleteExpiredSessions(at(2 * HOUR), 2)).toBe(2);
      expect(await s.deleteExpiredSessions(at(2 * HOUR), 10)).toBe(1);
      expect(await s.deleteExpiredSessions(at(2 * HOUR), 10)).toBe(0);
      expect(await s.getSession(later.accessKeyId)).toEqual(later);
      for (const gone of [early, exact, other]) expect(await s.getSession(gone.accessKeyId)).toBeUndefined();
    });

    it('rejects a limit that is not a positive integer', async () => {
      await expect(s.deleteExpiredSessions(T0, 0)).rejects.toThrow();
    });

    it("deletes every session of one role or user in its account, and nobody else's", async () => {
      const a = roleSession();
      const b = roleSession();
      const user = userSession();
      const sameIdElsewhere = roleSession({ accountId: OTHER_ACCOUNT });
      for (const session of [a, b, user, sameIdElsewhere]) await s.putSession(session);

      expect(await s.deleteSessionsOf(ACCOUNT, ROLE_ID)).toBe(2);
      expect(await s.getSession(a.accessKeyId)).toBeUndefined();
      expect(await s.getSession(b.accessKeyId)).toBeUndefined();
      expect(await s.getSession(user.accessKeyId)).toEqual(user);
      expect(await s.getSession(sameIdElsewhere.accessKeyId)).toEqual(sameIdElsewhere);

      expect(await s.deleteSessionsOf(ACCOUNT, USER_ID)).toBe(1);
      expect(await s.deleteSessionsOf(ACCOUNT, USER_ID)).toBe(0);
    });

    it('keeps sessions across resetAll, as access keys', async () => {
      const session = roleSession();
      await s.putSession(session);
      await s.resetAll();
      expect(await s.getSession(session.accessKeyId)).toEqual(session);
    });
  });
}
