import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeKeyStoreConformance, describeMaterialStoreConformance } from './conformance.js';
import { SoftwareKeyStore, SoftwareMaterialStore } from './index.js';

describeKeyStoreConformance('software root key file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'trent-ks-conf-'));
  const path = join(dir, 'root-key');
  const store = await SoftwareKeyStore.open(path);
  return {
    store,
    reopen: () => SoftwareKeyStore.open(path),
    other: () => SoftwareKeyStore.open(join(dir, 'other-root-key')),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

describeMaterialStoreConformance('software materials', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'trent-ms-conf-'));
  const path = join(dir, 'root-key');
  const opened = [await SoftwareKeyStore.open(path)];
  return {
    store: new SoftwareMaterialStore(opened[0]!),
    async reopen() {
      const again = await SoftwareKeyStore.open(path);
      opened.push(again);
      return new SoftwareMaterialStore(again);
    },
    async cleanup() {
      for (const s of opened) await s.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
