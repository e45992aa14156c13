/** The HSM settings: `rootKey pkcs11:...`, the secret `rootKeyPin`, and repeatable `--hsm-cluster`. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  ConfigError,
  formatProblem,
  configAsJson,
  configAsYaml,
  resolveConfig,
  toServerOptions,
  TRENT_SCHEMA,
  type ConfigInputs,
} from './index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trent-config-hsm-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const inputs = (over: Partial<ConfigInputs> = {}): ConfigInputs => ({
  env: {},
  flags: {},
  context: { logsToTerminal: false },
  cwd: '/srv/trent',
  ...over,
});

async function problems(given: ConfigInputs): Promise<string[]> {
  try {
    await resolveConfig(TRENT_SCHEMA, given);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map(formatProblem);
    throw err;
  }
  return [];
}

const PIN = 'the-user-pin-8831';
const CLUSTER_A = 'cluster-2a23b4cdefg=/usr/lib/softhsm/libsofthsm2.so:hsm-1,hsm-2:/etc/trent/customerCA.crt';
const CLUSTER_B = 'cluster-XYZ23456723=/opt/hsm/lib.so:b1,b2,b3:ca-b.pem';

describe('rootKey pkcs11: and rootKeyPin', () => {
  it('accepts pkcs11:<module>:<label> with the PIN from the variable, which is never printed', async () => {
    const c = await resolveConfig(
      TRENT_SCHEMA,
      inputs({
        flags: { rootKey: 'pkcs11:/usr/lib/softhsm/libsofthsm2.so:trent-root' },
        env: { TRENT_ROOT_KEY_PIN: PIN },
      }),
    );
    expect(c.values.rootKey).toBe('pkcs11:/usr/lib/softhsm/libsofthsm2.so:trent-root');
    expect(c.values.rootKeyPin).toBe(PIN);
    for (const out of [configAsYaml(TRENT_SCHEMA, c), configAsJson(TRENT_SCHEMA, c)]) {
      expect(out).not.toContain(PIN);
      expect(out).toContain('(redacted)');
    }
    expect(toServerOptions(c.values)).toMatchObject({ rootKey: c.values.rootKey, rootKeyPin: PIN });
  });

  it('resolves the module path of a file against the file', async () => {
    const path = join(dir, 'trent.yaml');
    await writeFile(path, `rootKey: pkcs11:lib/p11.so:root\nrootKeyPin: "${PIN}"\n`);
    const c = await resolveConfig(TRENT_SCHEMA, inputs({ file: { path, source: { kind: 'flag', flag: '--config' } } }));
    expect(c.values.rootKey).toBe(`pkcs11:${join(dir, 'lib/p11.so')}:root`);
  });

  it('needs the PIN with a pkcs11: root key, and the PIN only with one; malformed specs are named', async () => {
    expect(await problems(inputs({ flags: { rootKey: 'pkcs11:/m.so:root' } }))).toEqual([
      expect.stringContaining('a pkcs11: root key needs rootKeyPin (TRENT_ROOT_KEY_PIN)'),
    ]);
    const pinAlone = await problems(inputs({ env: { TRENT_ROOT_KEY_PIN: PIN } }));
    expect(pinAlone).toEqual([expect.stringContaining('rootKeyPin is for a pkcs11: root key only')]);
    expect(pinAlone.join('\n')).not.toContain(PIN);
    const bad = await problems(inputs({ flags: { rootKey: 'pkcs11:/m.so' }, env: { TRENT_ROOT_KEY_PIN: PIN } }));
    expect(bad.join('\n')).toContain('must be pkcs11:<module-path>:<token-label>');
  });
});

describe('--hsm-cluster', () => {
  it('is repeatable as a flag, `;`-separated in a variable, a list in a file', async () => {
    const fromFlags = await resolveConfig(TRENT_SCHEMA, inputs({ flags: { hsmClusters: [CLUSTER_A, CLUSTER_B] } }));
    expect(fromFlags.values.hsmClusters).toEqual([
      {
        clusterId: 'cluster-2a23b4cdefg',
        modulePath: '/usr/lib/softhsm/libsofthsm2.so',
        tokenLabels: ['hsm-1', 'hsm-2'],
        trustAnchorPath: '/etc/trent/customerCA.crt',
      },
      {
        clusterId: 'cluster-XYZ23456723',
        modulePath: '/opt/hsm/lib.so',
        tokenLabels: ['b1', 'b2', 'b3'],
        trustAnchorPath: '/srv/trent/ca-b.pem',
      },
    ]);
    const fromEnv = await resolveConfig(
      TRENT_SCHEMA,
      inputs({ env: { TRENT_HSM_CLUSTERS: `${CLUSTER_A};${CLUSTER_B}` } }),
    );
    expect(fromEnv.values.hsmClusters).toEqual(fromFlags.values.hsmClusters);
    const path = join(dir, 'clusters.yaml');
    await writeFile(path, `hsmClusters:\n  - ${CLUSTER_B}\n`);
    const fromFile = await resolveConfig(
      TRENT_SCHEMA,
      inputs({ file: { path, source: { kind: 'flag', flag: '--config' } } }),
    );
    expect(fromFile.values.hsmClusters[0]).toMatchObject({
      modulePath: '/opt/hsm/lib.so',
      trustAnchorPath: join(dir, 'ca-b.pem'),
    });
    expect(toServerOptions(fromFlags.values).hsmClusters).toEqual(fromFlags.values.hsmClusters);
    // Printed as a file holds it: the printed configuration reads back as the same clusters.
    const printed = parse(configAsYaml(TRENT_SCHEMA, fromFlags)) as { hsmClusters: string[] };
    expect(printed.hsmClusters).toEqual([CLUSTER_A, CLUSTER_B.replace('ca-b.pem', '/srv/trent/ca-b.pem')]);
  });

  it('names what is wrong', async () => {
    const cases: [string, string][] = [
      [
        'cluster-short=/m.so:a,b:/ca.pem',
        'cluster id cluster-short must be cluster- followed by 11 to 16 letters and digits',
      ],
      // The model's CloudHsmClusterIdType: base32, so no 0, 1, 8 or 9.
      ['cluster-1a23b4cdefg=/m.so:a,b:/ca.pem', 'cluster id cluster-1a23b4cdefg must be cluster- followed by'],
      ['cluster-2a23b4cdefg=/m.so:a,b', 'must be <cluster-id>=<module-path>:<token-label>'],
      ['cluster-2a23b4cdefg=/m.so:a,,b:/ca.pem', 'a token label is empty'],
      ['cluster-2a23b4cdefg=/m.so:a,a:/ca.pem', 'token label a is given twice'],
      [`cluster-2a23b4cdefg=/m.so:${'x'.repeat(33)}:/ca.pem`, 'is longer than 32 bytes'],
      ['/m.so:a,b:/ca.pem', 'must be <cluster-id>='],
      [`${CLUSTER_A}`.replace('hsm-1,hsm-2', 'hsm-1'), ''],
    ];
    for (const [given, message] of cases) {
      const found = await problems(inputs({ flags: { hsmClusters: [given] } }));
      if (message === '') expect(found).toEqual([]);
      else expect(found.join('\n'), given).toContain(message);
    }
    const twice = await problems(
      inputs({ flags: { hsmClusters: [CLUSTER_A, CLUSTER_A.replace('hsm-1,hsm-2', 'c,d')] } }),
    );
    expect(twice.join('\n')).toContain('cluster cluster-2a23b4cdefg is given twice');
    const shared = await problems(
      inputs({
        flags: {
          hsmClusters: [
            CLUSTER_A,
            CLUSTER_A.replace('cluster-2a23b4cdefg', 'cluster-22222222223').replace('hsm-1', 'hsm-9'),
          ],
        },
      }),
    );
    expect(shared.join('\n')).toContain('names a token of cluster-2a23b4cdefg: an HSM belongs to one cluster');
    const rootInCluster = await problems(
      inputs({
        flags: { hsmClusters: [CLUSTER_A], rootKey: 'pkcs11:/usr/lib/softhsm/libsofthsm2.so:hsm-2' },
        env: { TRENT_ROOT_KEY_PIN: PIN },
      }),
    );
    expect(rootInCluster.join('\n')).toContain(
      "the root key's token hsm-2 is an HSM of cluster-2a23b4cdefg: keep the root key in a token of its own",
    );
  });
});
