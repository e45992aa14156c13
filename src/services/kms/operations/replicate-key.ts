import {
  checkKeyState,
  KmsError,
  keyArn,
  keyQuotaExceeded,
  partitionOf,
  regionSet,
  type KeyRecord,
} from '../../../domain/index.js';
import { defaultKeyPolicy } from '../../../policy/index.js';
import { authorizeAccount } from '../authorize.js';
import { checkKeyPolicy } from '../key-policy.js';
import { keyMetadata } from '../metadata.js';
import {
  finishTransitionsSoon,
  relatedKeys,
  replicaMaterials,
  requirePrimary,
  sharedRotation,
  TRANSITION_MS,
} from '../multi-region.js';
import { checkNewTags } from '../tags.js';
import { defineOperation } from '../types.js';

const KMS_REGIONS = regionSet();

/**
 * A replica of a multi-Region primary key in another Region of its partition: the same key id,
 * materials (copies wrapped for the replica's ARN) and shared properties; its own policy,
 * description and tags. It starts Creating and becomes Enabled, or PendingImport for imported
 * material, when the scheduler ends the transition (multi-region.ts).
 */
export const ReplicateKey = defineOperation({
  name: 'ReplicateKey',
  action: 'kms:ReplicateKey',
  readOnly: false,
  key: { member: 'KeyId', aliases: false, crossAccount: false },
  auditDefaults: () => ({ BypassPolicyLockoutSafetyCheck: false }),
  async run({ input, key, caller, services, now }) {
    requirePrimary(key);
    const region = input.ReplicaRegion;
    // Trent's wording for these three (the error names are AWS's documented ones).
    if (region === key.region) {
      throw new KmsError('ValidationException', `The replica Region ${region} is the Region of the primary key.`);
    }
    if (!KMS_REGIONS.has(region) || partitionOf(region) !== partitionOf(key.region)) {
      throw new KmsError(
        'UnsupportedOperationException',
        `${region} is not a Region of the ${partitionOf(key.region)} partition where KMS is available.`,
      );
    }
    const existing = (await relatedKeys(services, key)).find((k) => k.region === region);
    if (existing) throw alreadyReplicated(key, region);

    // kms:CreateKey (and kms:TagResource for Tags) in an IAM policy of the replica Region.
    const there = { ...caller, region };
    const access = { operation: 'ReplicateKey', input: { ...input }, caller: there, services };
    await authorizeAccount({ ...access, action: 'kms:CreateKey' });
    if (input.Tags !== undefined) await authorizeAccount({ ...access, action: 'kms:TagResource' });

    let policy = defaultKeyPolicy(key.accountId, partitionOf(region));
    if (input.Policy !== undefined) {
      checkKeyPolicy(input.Policy, caller, services, input.BypassPolicyLockoutSafetyCheck);
      policy = input.Policy;
    }
    const tags = checkNewTags([], input.Tags ?? [], services.quotas.tagsPerKey);
    const arn = keyArn(region, key.accountId, key.keyId);
    const due = new Date(now.getTime() + TRANSITION_MS);
    const maxKeys = services.quotas.keysPerRegion;
    // The replica's materials are read from the primary's version they are written with: a
    // rotation meanwhile makes the write conflict, and the copy is made again from the fresh key.
    let source = key;
    let replica: KeyRecord | undefined;
    for (let attempt = 0; !replica; attempt++) {
      const candidate: KeyRecord = {
        arn,
        keyId: key.keyId,
        accountId: key.accountId,
        region,
        description: input.Description ?? '',
        keySpec: source.keySpec,
        keyUsage: source.keyUsage,
        origin: source.origin,
        keyManager: source.keyManager,
        keyState: 'Creating',
        creationDate: now,
        policy,
        tags,
        ...sharedRotation(source),
        // Imported material: the same id, absent until the same material is imported.
        currentMaterialId: source.currentMaterialId,
        multiRegion: true,
        multiRegionKeyType: 'REPLICA',
        transitionDue: due,
        stateAfterTransition: source.origin === 'EXTERNAL' ? 'PendingImport' : 'Enabled',
        version: 0,
      };
      const materials = await replicaMaterials(services, source, arn);
      const created = await services.storage.createReplicaKey(candidate, materials, source, maxKeys);
      if (created === 'ok') replica = candidate;
      else if (created === 'exists') throw alreadyReplicated(key, region);
      else if (typeof created === 'object') throw keyQuotaExceeded(maxKeys, created.usage);
      else {
        const fresh = await services.storage.getKey(key.region, key.accountId, key.keyId);
        if (!fresh || attempt >= 20) throw new KmsError('NotFoundException', `Key '${key.arn}' does not exist`);
        checkKeyState('ReplicateKey', fresh);
        requirePrimary(fresh);
        source = fresh;
      }
    }
    finishTransitionsSoon(services, due);
    return {
      ReplicaKeyMetadata: keyMetadata(replica, await relatedKeys(services, key)),
      ReplicaPolicy: policy,
      ReplicaTags: tags,
    };
  },
});

// "If the Region already includes a replica of the key you're trying to replicate, ReplicateKey
// returns an AlreadyExistsException error" (ReplicateKey); moto's message.
const alreadyReplicated = (key: KeyRecord, region: string): KmsError =>
  new KmsError(
    'AlreadyExistsException',
    `Unable to replicate key ${key.keyId} to region ${region}, as the key already exist there`,
  );
