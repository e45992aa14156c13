import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DirectoryDestination, MAX_KEY_PREFIX_LENGTH, normalizeKeyPrefix } from './destination.js';
import { DIRECTORY_BUCKET } from './delivery-layout.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trent-destination-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

describe('normalizeKeyPrefix', () => {
  it('gives the prefix with one trailing slash, or nothing', () => {
    expect(normalizeKeyPrefix(undefined)).toBe('');
    expect(normalizeKeyPrefix('')).toBe('');
    expect(normalizeKeyPrefix('/')).toBe('');
    expect(normalizeKeyPrefix('logs')).toBe('logs/');
    expect(normalizeKeyPrefix('/org/trent/')).toBe('org/trent/');
  });

  it('refuses empty, dot and dot-dot parts and one longer than CloudTrail allows', () => {
    expect(() => normalizeKeyPrefix('a//b')).toThrow(/empty, '.' or '..' part/);
    expect(() => normalizeKeyPrefix('a/../b')).toThrow(/empty, '.' or '..' part/);
    expect(normalizeKeyPrefix('p'.repeat(MAX_KEY_PREFIX_LENGTH))).toHaveLength(MAX_KEY_PREFIX_LENGTH + 1);
    expect(() => normalizeKeyPrefix('p'.repeat(MAX_KEY_PREFIX_LENGTH + 1))).toThrow(/at most 200 characters/);
  });
});

describe('DirectoryDestination', () => {
  it('stores objects by key, metadata in the .sig file beside them as the directory layout has it', async () => {
    const d = new DirectoryDestination(dir);
    expect(d.bucket).toBe(DIRECTORY_BUCKET);
    expect(d.keyPrefix).toBe('');
    await d.put('AWSLogs/1/a.json.gz', Buffer.from('a'));
    await d.put('AWSLogs/1/b.json.gz', 'b', { signature: 'ab12', 'signature-algorithm': 'SHA256withRSA' });
    await d.put('other.pem', 'pem');
    expect(JSON.parse(await readFile(join(dir, 'AWSLogs/1/b.json.gz.sig'), 'utf8'))).toEqual({
      signature: 'ab12',
      signatureAlgorithm: 'SHA256withRSA',
    });
    expect(await d.get('AWSLogs/1/b.json.gz')).toEqual({
      body: Buffer.from('b'),
      metadata: { signature: 'ab12', 'signature-algorithm': 'SHA256withRSA' },
    });
    expect(await d.get('AWSLogs/1/a.json.gz')).toEqual({ body: Buffer.from('a'), metadata: {} });
    expect(await d.get('AWSLogs/1/none.json.gz')).toBeUndefined();
    expect(await d.get('AWSLogs/1/a.json.gz/below')).toBeUndefined();
    // The .sig files are metadata, not objects.
    expect(await d.list('AWSLogs/')).toEqual(['AWSLogs/1/a.json.gz', 'AWSLogs/1/b.json.gz']);
    expect(await d.list('AWSLogs/1/b')).toEqual(['AWSLogs/1/b.json.gz']);
    expect(await d.list('')).toEqual(['AWSLogs/1/a.json.gz', 'AWSLogs/1/b.json.gz', 'other.pem']);
    expect(await d.list('missing/')).toEqual([]);
  });

  it('refuses a key outside its directory', async () => {
    const d = new DirectoryDestination(dir);
    await expect(d.put('../escape', 'x')).rejects.toThrow(/outside the directory/);
    await expect(d.get('a/../../escape')).rejects.toThrow(/outside the directory/);
  });
});
