/**
 * Conformance suite for Parameter Store storage (ParameterStorage), run by every backend's test
 * file. `open` must return a fresh, empty, migrated storage each time.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ParameterRecord, ParameterVersionRecord } from './parameter-types.js';
import type { Storage } from './types.js';

const A = '111122223333';
const B = '444455556666';
const R = 'us-east-1';
const T0 = new Date('2026-03-01T00:00:00Z');

const version = (n: number, extra: Partial<ParameterVersionRecord> = {}): ParameterVersionRecord => ({
  version: n,
  type: 'String',
  value: Buffer.from(`sealed value ${n}`),
  tier: 'Standard',
  dataType: 'text',
  labels: [],
  lastModifiedDate: new Date(T0.getTime() + n * 1000),
  lastModifiedUser: `arn:aws:iam::${A}:root`,
  ...extra,
});

const parameter = (name: string, versions = [version(1)], accountId = A, region = R): ParameterRecord => ({
  accountId,
  region,
  name,
  arn: `arn:aws:ssm:${region}:${accountId}:parameter/${name.replace(/^\//, '')}`,
  versions,
  tags: [],
  revision: 0,
});

export function describeParameterStorageConformance(name: string, open: () => Promise<Storage>): void {
  describe(`parameter storage conformance: ${name}`, () => {
    let s: Storage;
    beforeEach(async () => {
      s = await open();
    });
    afterEach(async () => {
      await s.close();
    });

    it('stores a parameter and reads every field back', async () => {
      const v = version(1, {
        type: 'SecureString',
        keyId: 'alias/aws/ssm',
        description: 'the database password',
        allowedPattern: '^[a-z]+$',
        tier: 'Advanced',
        policies: '[{"Type":"Expiration"}]',
        dataType: 'text',
        labels: ['prod', 'blue'],
      });
      const p = { ...parameter('/app/db/password', [v]), tags: [{ Key: 'team', Value: 'core' }] };
      expect(await s.putParameter(p)).toBe('ok');
      const got = await s.getParameter(A, R, '/app/db/password');
      expect(got).toEqual({ ...p, revision: 1 });
      expect(got!.versions[0]!.value).toEqual(v.value);
    });

    it('returns undefined for a parameter that is absent, in another account or region', async () => {
      await s.putParameter(parameter('/a'));
      expect(await s.getParameter(A, R, '/b')).toBeUndefined();
      expect(await s.getParameter(B, R, '/a')).toBeUndefined();
      expect(await s.getParameter(A, 'eu-west-1', '/a')).toBeUndefined();
      // Names are case-sensitive.
      expect(await s.getParameter(A, R, '/A')).toBeUndefined();
    });

    it('refuses a second insert of the same name', async () => {
      expect(await s.putParameter(parameter('/a'))).toBe('ok');
      expect(await s.putParameter(parameter('/a', [version(1), version(2)]))).toBe('conflict');
      expect((await s.getParameter(A, R, '/a'))!.versions).toHaveLength(1);
    });

    it('replaces with compare-and-set on the revision', async () => {
      await s.putParameter(parameter('/a'));
      const read = (await s.getParameter(A, R, '/a'))!;
      const next = { ...read, versions: [...read.versions, version(2)], tags: [{ Key: 'k', Value: 'v' }] };
      expect(await s.putParameter(next, read.revision)).toBe('ok');
      // The same revision again lost the race.
      expect(await s.putParameter({ ...next, versions: [version(3)] }, read.revision)).toBe('conflict');
      const after = (await s.getParameter(A, R, '/a'))!;
      expect(after.revision).toBe(read.revision + 1);
      expect(after.versions.map((v) => v.version)).toEqual([1, 2]);
      expect(after.tags).toEqual([{ Key: 'k', Value: 'v' }]);
      // A replace of a parameter that is gone is a conflict too.
      await s.deleteParameter(A, R, '/a');
      expect(await s.putParameter(next, after.revision)).toBe('conflict');
    });

    it('drops the versions a record no longer holds and rewrites changed ones', async () => {
      await s.putParameter(parameter('/a', [version(1), version(2), version(3)]));
      const read = (await s.getParameter(A, R, '/a'))!;
      const moved = [version(2, { labels: ['x'] }), version(3)];
      expect(await s.putParameter({ ...read, versions: moved }, read.revision)).toBe('ok');
      const after = (await s.getParameter(A, R, '/a'))!;
      expect(after.versions.map((v) => [v.version, v.labels])).toEqual([
        [2, ['x']],
        [3, []],
      ]);
    });

    it('lists an account and region by name, with a prefix', async () => {
      await s.putParameter(parameter('/b/x'));
      await s.putParameter(parameter('/a/y', [version(1), version(2)]));
      await s.putParameter(parameter('/a/x'));
      await s.putParameter(parameter('plain'));
      await s.putParameter(parameter('/a/z', [version(1)], B));
      await s.putParameter(parameter('/a/w', [version(1)], A, 'eu-west-1'));
      const all = await s.listParameters(A, R);
      expect(all.map((p) => p.name)).toEqual(['/a/x', '/a/y', '/b/x', 'plain']);
      expect(all[1]!.versions.map((v) => v.version)).toEqual([1, 2]);
      expect((await s.listParameters(A, R, '/a/')).map((p) => p.name)).toEqual(['/a/x', '/a/y']);
      expect(await s.listParameters(A, R, '/c')).toEqual([]);
    });

    it('deletes a parameter with its versions', async () => {
      await s.putParameter(parameter('/a', [version(1), version(2)]));
      expect(await s.deleteParameter(A, R, '/a')).toBe('ok');
      expect(await s.deleteParameter(A, R, '/a')).toBe('absent');
      expect(await s.getParameter(A, R, '/a')).toBeUndefined();
      // The name is free again, from version 1.
      expect(await s.putParameter(parameter('/a'))).toBe('ok');
      expect((await s.getParameter(A, R, '/a'))!.versions.map((v) => v.version)).toEqual([1]);
    });

    it('counts parameters by the tier of their newest version', async () => {
      await s.putParameter(parameter('/s'));
      await s.putParameter(parameter('/adv', [version(1), version(2, { tier: 'Advanced' })]));
      await s.putParameter(parameter('/other', [version(1)], B));
      expect(await s.countParameters(A, R)).toBe(2);
      expect(await s.countParameters(A, R, 'Advanced')).toBe(1);
      expect(await s.countParameters(A, R, 'Standard')).toBe(1);
      expect(await s.countParameters(B, R)).toBe(1);
    });

    it('finds the parameters with policies across accounts and regions, in pages', async () => {
      const policies = '[{"Type":"Expiration","Version":"1.0","Attributes":{"Timestamp":"2027-01-01T00:00:00Z"}}]';
      await s.putParameter(parameter('/none'));
      await s.putParameter(parameter('/b', [version(1, { tier: 'Advanced', policies })]));
      await s.putParameter(parameter('/a', [version(1, { tier: 'Advanced', policies }), version(2)]));
      await s.putParameter(parameter('/c', [version(1, { tier: 'Advanced', policies })], B));
      await s.putParameter(parameter('/d', [version(1, { tier: 'Advanced', policies })], A, 'eu-west-1'));
      const names = (list: ParameterRecord[]) => list.map((p) => `${p.accountId}/${p.region}${p.name}`);
      expect(names(await s.parametersWithPolicies(10))).toEqual([
        `${A}/eu-west-1/d`,
        `${A}/${R}/a`,
        `${A}/${R}/b`,
        `${B}/${R}/c`,
      ]);
      const first = await s.parametersWithPolicies(2);
      expect(first[0]!.versions.map((v) => v.version)).toEqual([1]);
      const last = first.at(-1)!;
      expect(names(await s.parametersWithPolicies(10, last))).toEqual([`${A}/${R}/b`, `${B}/${R}/c`]);
    });

    it('resetAll removes every parameter', async () => {
      await s.putParameter(parameter('/a'));
      await s.resetAll();
      expect(await s.listParameters(A, R)).toEqual([]);
    });
  });
}
