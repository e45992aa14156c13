/**
 * The registry: every operation of the model, typed against the generated list so a missing one is
 * a compile error. Operations not built yet answer UnsupportedOperationException.
 */
import { CancelKeyDeletion } from './operations/cancel-key-deletion.js';
import { ConnectCustomKeyStore } from './operations/connect-custom-key-store.js';
import { CreateAlias } from './operations/create-alias.js';
import { CreateCustomKeyStore } from './operations/create-custom-key-store.js';
import { CreateKey } from './operations/create-key.js';
import { CreateGrant } from './operations/create-grant.js';
import { DisconnectCustomKeyStore } from './operations/disconnect-custom-key-store.js';
import { DescribeCustomKeyStores } from './operations/describe-custom-key-stores.js';
import { DeleteCustomKeyStore } from './operations/delete-custom-key-store.js';
import { ListGrants } from './operations/list-grants.js';
import { ListRetirableGrants } from './operations/list-retirable-grants.js';
import { RetireGrant } from './operations/retire-grant.js';
import { RevokeGrant } from './operations/revoke-grant.js';
import { Decapsulate } from './operations/decapsulate.js';
import { DeleteImportedKeyMaterial } from './operations/delete-imported-key-material.js';
import { Decrypt } from './operations/decrypt.js';
import { DeleteAlias } from './operations/delete-alias.js';
import { DeriveSharedSecret } from './operations/derive-shared-secret.js';
import { DescribeKey } from './operations/describe-key.js';
import { DisableKey } from './operations/disable-key.js';
import { DisableKeyRotation } from './operations/disable-key-rotation.js';
import { EnableKey } from './operations/enable-key.js';
import { EnableKeyRotation } from './operations/enable-key-rotation.js';
import { Encapsulate } from './operations/encapsulate.js';
import { Encrypt } from './operations/encrypt.js';
import { GenerateDataKey } from './operations/generate-data-key.js';
import { GenerateDataKeyPair } from './operations/generate-data-key-pair.js';
import { GenerateDataKeyPairWithoutPlaintext } from './operations/generate-data-key-pair-without-plaintext.js';
import { GenerateDataKeyWithoutPlaintext } from './operations/generate-data-key-without-plaintext.js';
import { GenerateMac } from './operations/generate-mac.js';
import { GenerateRandom } from './operations/generate-random.js';
import { GetKeyLastUsage } from './operations/get-key-last-usage.js';
import { GetKeyPolicy } from './operations/get-key-policy.js';
import { GetParametersForImport } from './operations/get-parameters-for-import.js';
import { GetPublicKey } from './operations/get-public-key.js';
import { GetKeyRotationStatus } from './operations/get-key-rotation-status.js';
import { ImportKeyMaterial } from './operations/import-key-material.js';
import { ListAliases } from './operations/list-aliases.js';
import { ListKeyPolicies } from './operations/list-key-policies.js';
import { ListKeyRotations } from './operations/list-key-rotations.js';
import { ListKeys } from './operations/list-keys.js';
import { ListResourceTags } from './operations/list-resource-tags.js';
import { PutKeyPolicy } from './operations/put-key-policy.js';
import { ReEncrypt } from './operations/re-encrypt.js';
import { ReplicateKey } from './operations/replicate-key.js';
import { RotateKeyOnDemand } from './operations/rotate-key-on-demand.js';
import { ScheduleKeyDeletion } from './operations/schedule-key-deletion.js';
import { Sign } from './operations/sign.js';
import { TagResource } from './operations/tag-resource.js';
import { UntagResource } from './operations/untag-resource.js';
import { UpdateAlias } from './operations/update-alias.js';
import { UpdateCustomKeyStore } from './operations/update-custom-key-store.js';
import { UpdateKeyDescription } from './operations/update-key-description.js';
import { UpdatePrimaryRegion } from './operations/update-primary-region.js';
import { Verify } from './operations/verify.js';
import { VerifyMac } from './operations/verify-mac.js';
import type { OperationName } from '../../model/index.js';
import type { Operation } from './types.js';

export const NOT_YET = 'unsupported' as const;

export const REGISTRY: { [O in OperationName]: Operation<O> | typeof NOT_YET } = {
  CancelKeyDeletion,
  ConnectCustomKeyStore,
  CreateAlias,
  CreateCustomKeyStore,
  CreateGrant,
  CreateKey,
  Decapsulate,
  Decrypt,
  DeleteAlias,
  DeleteCustomKeyStore,
  DeleteImportedKeyMaterial,
  DeriveSharedSecret,
  DescribeCustomKeyStores,
  DescribeKey,
  DisableKey,
  DisableKeyRotation,
  DisconnectCustomKeyStore,
  EnableKey,
  EnableKeyRotation,
  Encapsulate,
  Encrypt,
  GenerateDataKey,
  GenerateDataKeyPair,
  GenerateDataKeyPairWithoutPlaintext,
  GenerateDataKeyWithoutPlaintext,
  GenerateMac,
  GenerateRandom,
  GetKeyLastUsage,
  GetKeyPolicy,
  GetKeyRotationStatus,
  GetParametersForImport,
  GetPublicKey,
  ImportKeyMaterial,
  ListAliases,
  ListGrants,
  ListKeyPolicies,
  ListKeyRotations,
  ListKeys,
  ListResourceTags,
  ListRetirableGrants,
  PutKeyPolicy,
  ReEncrypt,
  ReplicateKey,
  RetireGrant,
  RevokeGrant,
  RotateKeyOnDemand,
  ScheduleKeyDeletion,
  Sign,
  TagResource,
  UntagResource,
  UpdateAlias,
  UpdateCustomKeyStore,
  UpdateKeyDescription,
  UpdatePrimaryRegion,
  Verify,
  VerifyMac,
};
