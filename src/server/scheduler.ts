/**
 * Scheduled work (DESIGN: reads never write): deletion of keys whose waiting period has ended,
 * of imported key material at its ValidTo and of unused import parameters, of STS sessions long
 * expired, Parameter Store's parameter policies, and automatic rotation of keys that are due. Time comes from the injected clock, so tests move it
 * forward and call `runScheduledWork` instead of sleeping.
 */
import { keyHoursAtDeletion } from '../metering/index.js';
import {
  deleteImportedMaterial,
  destroyInStore,
  finishReplicaDeletions,
  finishTransitions,
  rotateKey,
  type Services,
} from '../services/kms/index.js';
import { expireParameters } from '../services/ssm/index.js';
import type { KeyRecord } from '../domain/index.js';
import { sweepExpiredSessions } from './credentials.js';

const BATCH = 100;

export interface ScheduledWorkResult {
  deleted: string[];
  rotated: string[];
  /** Keys whose imported material expired (ValidTo) and was deleted. */
  expired: string[];
  /** Parameters deleted by their Expiration policy. */
  expiredParameters: string[];
}

export async function runScheduledWork(services: Services): Promise<ScheduledWorkResult> {
  const now = services.clock.now();
  const { storage } = services;
  const deleted: string[] = [];
  const rotated: string[] = [];
  const expired: string[] = [];

  for (;;) {
    const due = await storage.keysDueForDeletion(now, BATCH);
    let progressed = false;
    for (const key of due) {
      // Its charged hours outlive it: the bill of its months still counts them.
      const keyHours = keyHoursAtDeletion(key, await storage.listKeyMaterials(key.arn), now);
      // A key of a custom key store: its materials live in the HSMs (the rows hold nothing).
      const hsmMaterials = key.customKeyStoreId ? await materialIdsOf(services, key) : [];
      if ((await storage.deleteKey(key, keyHours)) === 'ok') {
        services.materials.forget(key.arn);
        deleted.push(key.arn);
        progressed = true;
        services.logger.info({ keyArn: key.arn }, 'deleted key after its waiting period');
        if (key.customKeyStoreId) await destroyInCluster(services, key, key.customKeyStoreId, hsmMaterials);
        // The deletion is done; an audit failure cannot undo it, so it is logged loudly instead.
        await services.events.record({ eventName: 'DeleteKey', keyArn: key.arn, time: now }).catch((err: unknown) => {
          services.logger.error({ keyArn: key.arn, err }, 'audit of a key deletion failed');
        });
      }
    }
    if (due.length < BATCH || !progressed) break;
  }
  // Multi-Region keys (@multi-region-scheduler): a primary key whose replicas are all deleted
  // begins its own waiting period; replicas done Creating and keys done Updating take their state.
  const waitingPrimaries = await finishReplicaDeletions(services, now);
  for (const keyArn of waitingPrimaries) {
    services.logger.info({ keyArn }, 'multi-Region primary key pending deletion: its replicas are deleted');
  }
  await finishTransitions(services, now);
  // Imported material at its ValidTo (ImportKeyMaterial): deleted, the key pending import.
  for (;;) {
    const due = await storage.expiredKeyMaterials(now, BATCH);
    let progressed = false;
    for (const { key, materialId } of due) {
      try {
        const done = await deleteImportedMaterial(
          services,
          key,
          'DeleteImportedKeyMaterial',
          materialId,
          (material) => material.validTo !== undefined && material.validTo <= now,
        );
        if (!done) continue;
        expired.push(key.arn);
        progressed = true;
        services.logger.info({ keyArn: key.arn }, 'deleted expired imported key material');
        await services.events
          .record({
            eventName: 'DeleteExpiredKeyMaterial',
            keyArn: key.arn,
            time: now,
            // ct-deleteexpiredkeymaterial (2025): the key id and the material's; material ids are
            // shown for symmetric keys only.
            ...(key.keySpec === 'SYMMETRIC_DEFAULT' ? { details: { keyMaterialId: materialId } } : {}),
          })
          .catch((err: unknown) => {
            services.logger.error({ keyArn: key.arn, err }, 'audit of an expired key material deletion failed');
          });
      } catch (err) {
        services.logger.warn({ keyArn: key.arn, err }, 'deletion of expired imported key material failed');
      }
    }
    if (due.length < BATCH || !progressed) break;
  }
  // Wrapping keys of import tokens past their ParametersValidTo.
  while ((await storage.deleteExpiredImportParameters(now, BATCH)) === BATCH);
  // Temporary credentials a day past their expiry (until then they answer ExpiredToken).
  const sessionsSwept = await sweepExpiredSessions(storage, now);
  if (sessionsSwept > 0) services.logger.info({ sessions: sessionsSwept }, 'deleted expired STS sessions');
  // Parameter policies (Parameter Store): deletion at an Expiration, notifications that came due;
  // before the erasure below, so an expired parameter's rows go with it.
  const parameters = await expireParameters(services, now);
  // Deleted material must not survive in the database's files (issue 15); a busy erasure is
  // retried at every run (and at the next start).
  if ((await storage.eraseDeleted()) === 'busy') {
    services.logger.warn(
      { deletedKeys: deleted.length },
      'deleted key material may remain in the database WAL until a later run: another connection holds an old snapshot',
    );
  }

  for (;;) {
    const due = await storage.keysDueForRotation(now, BATCH);
    let progressed = false;
    for (const key of due) {
      try {
        // Still due on the freshest record: another writer may have rotated or disabled it.
        const done = await rotateKey(services, key, now, 'AUTOMATIC', async (current) =>
          Boolean(
            // A replica rotates with its primary key (multi-Region keys share their material).
            current.multiRegionKeyType !== 'REPLICA' &&
            current.keyState === 'Enabled' &&
            current.rotationEnabled &&
            current.nextRotationDate &&
            current.nextRotationDate <= now,
          ),
        );
        if (!done) continue;
        rotated.push(key.arn);
        progressed = true;
        services.logger.info({ keyArn: key.arn }, 'rotated key material');
      } catch (err) {
        services.logger.warn({ keyArn: key.arn, err }, 'scheduled rotation, or its audit event, failed');
      }
    }
    if (due.length < BATCH || !progressed) break;
  }
  return { deleted, rotated, expired, expiredParameters: parameters.deleted };
}

/** Every material id of a key (its rows, whatever they hold, and its current material). */
async function materialIdsOf(services: Services, key: KeyRecord): Promise<string[]> {
  const rows = await services.storage.listImportedKeyMaterials(key.arn);
  return [...new Set([key.currentMaterialId, ...rows.map((m) => m.materialId)])].filter((id) => id !== '');
}

/**
 * After the key is deleted, "AWS KMS makes a best effort to delete the key material from the
 * associated AWS CloudHSM cluster. If AWS KMS cannot delete the key material, such as when the key
 * store is disconnected from AWS KMS, you might need to manually delete the orphaned key material
 * from the cluster" (Developer Guide, "Scheduling deletion of KMS keys from a custom key store").
 */
async function destroyInCluster(
  services: Services,
  key: KeyRecord,
  customKeyStoreId: string,
  materialIds: readonly string[],
): Promise<void> {
  const store = await services.storage
    .getCustomKeyStore(key.region, key.accountId, customKeyStoreId)
    .catch(() => undefined);
  await destroyInStore(
    services,
    { customKeyStoreId, cloudHsmClusterId: store?.cloudHsmClusterId },
    key.arn,
    materialIds,
    'deleted key: its key material is left in the HSMs of its custom key store (delete the orphaned key objects labelled with the key ARN)',
  );
}

/**
 * Runs the work once right away, so what came due while the server was down is caught up at start,
 * then every `intervalMs` until stopped. One run at a time: a tick that finds a run still going is
 * skipped rather than queued, so a slow run (a large backlog) never piles up runs behind it.
 */
export function startScheduler(services: Services, intervalMs: number): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const tick = () => {
    running ??= runScheduledWork(services)
      .then(
        () => undefined,
        (err: unknown) => services.logger.error({ err }, 'scheduled work failed'),
      )
      .finally(() => {
        running = undefined;
      });
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
