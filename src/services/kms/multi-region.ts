/**
 * Multi-Region keys (KMS Developer Guide, "Multi-Region keys in AWS KMS"): a primary key and its
 * replicas are keys of one account with one key id (mrk-...) in several Regions of a partition.
 * They share the key material (each Region holds its own copies, wrapped for its own ARN), key
 * spec, key usage, origin and automatic rotation; policy, description, tags, aliases, grants and
 * enabled state are their own. This module holds what ReplicateKey, UpdatePrimaryRegion, the
 * rotation operations, Decrypt and the scheduler share: the related keys, copies of the material,
 * writes of shared properties to every related key at once, and the end of the transient states.
 */
import { randomBytes } from 'node:crypto';
import {
  checkKeyState,
  DAY_MS,
  KmsError,
  partitionOf,
  type KeyMaterialRecord,
  type KeyRecord,
} from '../../domain/index.js';
import type { RelatedKeyWrite } from '../../storage/index.js';
import type { Services } from './types.js';
import { untilWritten } from './update.js';

/** "mrk- followed by 32 hexadecimal digits" (CreateKey, MultiRegion). */
export function newMultiRegionKeyId(): string {
  return `mrk-${randomBytes(16).toString('hex')}`;
}

/**
 * How long Creating (ReplicateKey) and Updating (UpdatePrimaryRegion) last: "a few seconds" at
 * AWS. The scheduler ends them once this has passed on the injected clock, so tests decide when.
 */
export const TRANSITION_MS = 2000;

/** The key's multi-Region set (itself included), ordered by Region; [key] for a single-Region key. */
export async function relatedKeys(services: Services, key: KeyRecord): Promise<KeyRecord[]> {
  if (!key.multiRegion) return [key];
  const related = await services.storage.relatedKeys(key.accountId, key.keyId);
  return related.some((k) => k.arn === key.arn) ? related : [key, ...related];
}

/**
 * Whether `arn` names a key related to `key` in another Region: the same partition, account and
 * multi-Region key id. A ciphertext or signature made with one works with the other ("you can
 * encrypt data in one AWS Region and decrypt it in a different AWS Region", ReplicateKey).
 */
export function isRelatedArn(arn: string, key: KeyRecord): boolean {
  if (!key.multiRegion || arn === key.arn) return arn === key.arn;
  const [prefix, partition, service, region, accountId, resource] = arn.split(':');
  return (
    prefix === 'arn' &&
    service === 'kms' &&
    region !== undefined &&
    partition === partitionOf(key.region) &&
    partitionOf(region) === partition &&
    accountId === key.accountId &&
    resource === `key/${key.keyId}`
  );
}

/** UnsupportedOperationException unless `key` is a multi-Region primary key. */
export function requirePrimary(key: KeyRecord): void {
  if (!key.multiRegion || key.multiRegionKeyType !== 'PRIMARY') {
    // Trent's wording (the error name is AWS's: "It's the only key that can be replicated").
    throw new KmsError('UnsupportedOperationException', `${key.arn} is not a multi-Region primary key.`);
  }
}

/**
 * Rotation is a shared property managed on the primary key ("To enable or disable automatic
 * rotation of a set of related multi-Region keys, set the property on the primary key").
 */
export function refuseReplicaRotation(key: KeyRecord): void {
  if (key.multiRegion && key.multiRegionKeyType === 'REPLICA') {
    // Trent's wording; AWS's error name for an operation a replica key does not support.
    throw new KmsError(
      'UnsupportedOperationException',
      `${key.arn} is a multi-Region replica key. Manage the rotation of its primary key.`,
    );
  }
}

/**
 * The replica's materials: copies of every material of the primary key, wrapped for the
 * replica's ARN under the same ids (a ciphertext's header names the material). Imported material
 * is not copied ("the replica key is created with no key material. You must import the same key
 * material that you imported into the primary key"): its ids are kept as absent material, so the
 * import into the replica takes the same material only.
 */
export async function replicaMaterials(
  services: Services,
  primary: KeyRecord,
  replicaArn: string,
): Promise<KeyMaterialRecord[]> {
  if (primary.origin === 'EXTERNAL') {
    const known = await services.storage.listImportedKeyMaterials(primary.arn);
    const placeholders = known.map((m): KeyMaterialRecord => ({
      keyArn: replicaArn,
      materialId: m.materialId,
      wrapped: Buffer.alloc(0),
      createdAt: m.createdAt,
      rotationType: m.rotationType,
      expirationModel: m.expirationModel,
    }));
    // A key never imported into names the empty placeholder '' as its current material.
    if (primary.currentMaterialId === '') {
      placeholders.unshift({
        keyArn: replicaArn,
        materialId: '',
        wrapped: Buffer.alloc(0),
        createdAt: primary.creationDate,
      });
    }
    return placeholders;
  }
  const copies: KeyMaterialRecord[] = [];
  for (const m of await services.storage.listKeyMaterials(primary.arn)) {
    copies.push(await copyMaterial(services, primary.arn, m, replicaArn));
  }
  return copies;
}

/** `material` of `fromArn`, wrapped again for `toArn` under the same id. */
export async function copyMaterial(
  services: Services,
  fromArn: string,
  material: KeyMaterialRecord,
  toArn: string,
): Promise<KeyMaterialRecord> {
  const plaintext = await services.materials.plaintext(fromArn, material.materialId);
  if (!plaintext) throw new Error(`material ${material.materialId} of ${fromArn} is missing`);
  const copy = await services.materials.wrap(
    toArn,
    material.materialId,
    plaintext,
    material.createdAt,
    material.rotationType,
  );
  return {
    ...copy,
    expirationModel: material.expirationModel,
    validTo: material.validTo,
    description: material.description,
  };
}

/**
 * Writes `change` of every key of `key`'s multi-Region set in one transaction (shared
 * properties: rotation settings, new material), retrying against fresh records on a conflict;
 * `recheck` vets the fresh copy of `key` (the operation's key-state rule). Returns the records as
 * written, `key`'s first.
 */
export async function writeRelated(
  services: Services,
  key: KeyRecord,
  change: (current: KeyRecord, related: readonly KeyRecord[]) => Promise<RelatedKeyWrite[]>,
  recheck: (fresh: KeyRecord) => void,
): Promise<KeyRecord[]> {
  let current = key;
  return untilWritten(async (attempt) => {
    const related = await relatedKeys(services, current);
    const fresh = related.find((k) => k.arn === key.arn);
    if (!fresh) throw new KmsError('NotFoundException', `Key '${key.arn}' does not exist`);
    if (attempt > 0) recheck(fresh);
    current = fresh;
    const writes = await change(fresh, related);
    if ((await services.storage.updateRelatedKeys(writes)) !== 'ok') return undefined;
    return { value: writes.map((w) => ({ ...w.key, version: w.key.version + 1 })) };
  });
}

/** The rotation settings a replica copies from its primary key. */
export function sharedRotation(
  primary: KeyRecord,
): Pick<KeyRecord, 'rotationEnabled' | 'rotationPeriodInDays' | 'nextRotationDate'> {
  return {
    rotationEnabled: primary.rotationEnabled,
    rotationPeriodInDays: primary.rotationPeriodInDays,
    nextRotationDate: primary.nextRotationDate,
  };
}

/** Applies `change` to `key` and copies the rotation settings it leaves to every replica. */
export function updateRotationSettings(
  services: Services,
  operation: string,
  key: KeyRecord,
  change: (current: KeyRecord) => KeyRecord,
): Promise<KeyRecord[]> {
  return writeRelated(
    services,
    key,
    async (current, related) => {
      const next = change(current);
      const replicas = related.filter((k) => k.arn !== current.arn);
      return [{ key: next }, ...replicas.map((r) => ({ key: { ...r, ...sharedRotation(next) } }))];
    },
    (fresh) => checkKeyState(operation, fresh),
  );
}

/**
 * Ends the transient states that are due: a replica Creating becomes Enabled (PendingImport for
 * imported material), a key Updating gets back the state it had. Returns the keys changed.
 */
export async function finishTransitions(services: Services, now: Date): Promise<string[]> {
  const done: string[] = [];
  for (;;) {
    const due = await services.storage.keysDueForTransition(now, 100);
    let progressed = false;
    for (const key of due) {
      const next: KeyRecord = {
        ...key,
        keyState: key.stateAfterTransition ?? 'Enabled',
        transitionDue: undefined,
        stateAfterTransition: undefined,
      };
      // A conflict leaves it to the next run, which reads the fresher record.
      if ((await services.storage.updateKey(next)) === 'ok') {
        done.push(key.arn);
        progressed = true;
      }
    }
    if (due.length < 100 || !progressed) return done;
  }
}

/**
 * Runs finishTransitions once `due` has come on the server's clock as a real timer sees it, so a
 * replica becomes Enabled seconds after ReplicateKey without waiting for the scheduler's minute.
 * Under a virtual clock the timer finds nothing due: only moving the clock ends the state.
 */
export function finishTransitionsSoon(services: Services, due: Date): void {
  const delay = Math.max(0, due.getTime() - services.clock.now().getTime()) + 50;
  const timer = setTimeout(() => {
    finishTransitions(services, services.clock.now()).catch((err: unknown) => {
      services.logger.warn({ err }, 'ending a multi-Region transient key state failed; the scheduler will retry');
    });
  }, delay);
  timer.unref();
}

/**
 * A primary key in PendingReplicaDeletion whose replicas are all deleted (not just scheduled)
 * becomes PendingDeletion, and its waiting period begins (ScheduleKeyDeletion). Returns the keys
 * changed.
 */
export async function finishReplicaDeletions(services: Services, now: Date): Promise<string[]> {
  const done: string[] = [];
  for (const key of await services.storage.keysPendingReplicaDeletion(100)) {
    const related = await relatedKeys(services, key);
    if (related.some((k) => k.arn !== key.arn)) continue;
    const days = key.pendingDeletionWindowInDays ?? 30;
    const next: KeyRecord = {
      ...key,
      keyState: 'PendingDeletion',
      deletionDate: new Date(now.getTime() + days * DAY_MS),
    };
    if ((await services.storage.updateKey(next)) === 'ok') done.push(key.arn);
  }
  return done;
}

/**
 * Imported material of a multi-Region key must be the material of its related keys ("You must
 * import the same key material that you imported into the primary key"): once its related keys
 * know material ids, an import into a replica must bring one of them. Trent's message, the error
 * ImportKeyMaterial answers for material that is not the key's.
 */
export async function checkSharedMaterial(services: Services, key: KeyRecord, materialId: string): Promise<void> {
  if (!key.multiRegion || key.multiRegionKeyType !== 'REPLICA') return;
  const known = new Set<string>();
  for (const peer of await relatedKeys(services, key)) {
    if (peer.arn === key.arn) continue;
    for (const m of await services.storage.listImportedKeyMaterials(peer.arn)) known.add(m.materialId);
  }
  if (known.size > 0 && !known.has(materialId)) {
    throw new KmsError(
      'IncorrectKeyMaterialException',
      'The key material in the request is not the key material of the related multi-Region keys.',
    );
  }
}
