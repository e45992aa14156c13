import { randomUUID } from 'node:crypto';
import { IMPORTABLE_KEY_SPECS } from '../../../crypto/index.js';
import {
  KEY_SPECS,
  keyArn,
  KmsError,
  keyQuotaExceeded,
  offeredIn,
  partitionOf,
  type KeyRecord,
} from '../../../domain/index.js';
import { defaultKeyPolicy } from '../../../policy/index.js';
import { getCustomKeyStore } from '../custom-key-store-rules.js';
import { checkCustomKeyStoreKey, createInStore, destroyInStore, requireConnected } from '../hsm-keys.js';
import { checkKeyPolicy } from '../key-policy.js';
import { newMultiRegionKeyId } from '../multi-region.js';
import { keyMetadata } from '../metadata.js';
import { checkNewTags } from '../tags.js';
import { defineOperation } from '../types.js';

const NOT_STORED = 'key material of a key that was not created is left in the cluster';

export const CreateKey = defineOperation({
  name: 'CreateKey',
  action: 'kms:CreateKey',
  readOnly: false,
  // ct-createkey shows every defaulted member, the key spec under both of its names.
  auditDefaults: (input) => {
    const keySpec = input.KeySpec ?? input.CustomerMasterKeySpec ?? 'SYMMETRIC_DEFAULT';
    return {
      Description: '',
      Origin: 'AWS_KMS',
      BypassPolicyLockoutSafetyCheck: false,
      KeySpec: keySpec,
      CustomerMasterKeySpec: keySpec,
      ...(keySpec === 'SYMMETRIC_DEFAULT' ? { KeyUsage: 'ENCRYPT_DECRYPT' } : {}),
    };
  },
  async run({ input, caller, services, now }) {
    const { region } = caller;
    const { accountId } = caller.principal;
    // Refused whenever both are present, even when they agree (AWS's answer).
    if (input.KeySpec !== undefined && input.CustomerMasterKeySpec !== undefined) {
      throw new KmsError(
        'ValidationException',
        'You cannot specify KeySpec and CustomerMasterKeySpec in the same request. CustomerMasterKeySpec is deprecated.',
      );
    }
    const keySpec = input.KeySpec ?? input.CustomerMasterKeySpec ?? 'SYMMETRIC_DEFAULT';
    const row = KEY_SPECS[keySpec];
    if (!row) throw new KmsError('ValidationException', `KeySpec ${keySpec} is not supported`);
    if (!offeredIn(row, partitionOf(region))) {
      throw new KmsError('UnsupportedOperationException', `KeySpec ${keySpec} is not supported in this Region`);
    }
    if (!input.KeyUsage && keySpec !== 'SYMMETRIC_DEFAULT') {
      throw new KmsError(
        'ValidationException',
        'You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.',
      );
    }
    const keyUsage = input.KeyUsage ?? 'ENCRYPT_DECRYPT';
    if (!row.usages.includes(keyUsage)) {
      throw new KmsError('ValidationException', `KeyUsage ${keyUsage} is not compatible with KeySpec ${keySpec}`);
    }
    if (!row.available) {
      throw new KmsError('UnsupportedOperationException', `KeySpec ${keySpec} is not supported by this server yet.`);
    }
    const origin = input.Origin ?? 'AWS_KMS';
    if (origin !== 'AWS_KMS' && origin !== 'EXTERNAL' && origin !== 'AWS_CLOUDHSM') {
      throw new KmsError('UnsupportedOperationException', `Origin ${origin} is not supported by this server yet.`);
    }
    const customKeyStoreId = input.CustomKeyStoreId;
    if (origin === 'AWS_CLOUDHSM' || customKeyStoreId !== undefined) {
      checkCustomKeyStoreKey(origin, customKeyStoreId, keySpec, input.MultiRegion === true);
    }
    // EXTERNAL: no material until ImportKeyMaterial; only the specs whose material can be imported.
    const external = origin === 'EXTERNAL';
    if (external && !IMPORTABLE_KEY_SPECS[keySpec]) {
      throw new KmsError(
        'UnsupportedOperationException',
        `KeySpec ${keySpec} is not supported for KMS keys with imported key material (Origin EXTERNAL).`,
      );
    }
    // The store must exist and be connected before anything is created (CreateKey's
    // CustomKeyStoreNotFoundException and CustomKeyStoreInvalidStateException).
    const store =
      customKeyStoreId === undefined ? undefined : await getCustomKeyStore(services, caller, customKeyStoreId);
    if (store) requireConnected(services, store);
    let policy = defaultKeyPolicy(accountId, partitionOf(region));
    if (input.Policy !== undefined) {
      checkKeyPolicy(input.Policy, caller, services, input.BypassPolicyLockoutSafetyCheck);
      policy = input.Policy;
    }
    const tags = checkNewTags([], input.Tags ?? [], services.quotas.tagsPerKey);

    // A multi-Region primary key: mrk- and 32 hex digits, the id its replicas share (ReplicateKey).
    const multiRegion = input.MultiRegion === true;
    const keyId = multiRegion ? newMultiRegionKeyId() : randomUUID();
    const arn = keyArn(region, accountId, keyId);
    const material = store
      ? await createInStore(services, store, arn, now)
      : external
        ? undefined
        : await services.materials.create(arn, keySpec, now);
    const key: KeyRecord = {
      arn,
      keyId,
      accountId,
      region,
      description: input.Description ?? '',
      keySpec,
      keyUsage,
      origin,
      keyManager: 'CUSTOMER',
      keyState: external ? 'PendingImport' : 'Enabled',
      creationDate: now,
      policy,
      tags,
      rotationEnabled: false,
      currentMaterialId: material?.materialId ?? '',
      multiRegion,
      ...(multiRegion ? { multiRegionKeyType: 'PRIMARY' as const } : {}),
      ...(store ? { customKeyStoreId: store.customKeyStoreId } : {}),
      version: 0,
    };
    const maxKeys = services.quotas.keysPerRegion;
    const created = await services.storage.createKey(key, material, maxKeys).catch((err: unknown) => {
      if (store && material) void destroyInStore(services, store, arn, [material.materialId], NOT_STORED);
      throw err;
    });
    if (created !== 'ok') {
      // The key was not stored: its objects in the HSMs would be orphans.
      if (store && material) await destroyInStore(services, store, arn, [material.materialId], NOT_STORED);
      throw keyQuotaExceeded(maxKeys, created.usage);
    }
    // The new key is the event's resource (ct-createkey).
    caller.keyArns.push(arn);
    return {
      KeyMetadata: keyMetadata(store ? { ...key, cloudHsmClusterId: store.cloudHsmClusterId } : key),
    };
  },
});
