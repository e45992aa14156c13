/** Applying `--seed` at start and after a dev reset, with a log line of what it created. */
import type { Services } from '../services/kms/index.js';
import { applySeed, type Seed } from '../seed/index.js';

export async function applySeedLogged(services: Services, seed: Seed): Promise<void> {
  const created = await applySeed(services, seed);
  services.logger.info({ file: seed.path, created }, 'seed file applied');
}
