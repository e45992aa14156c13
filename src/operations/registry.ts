/**
 * The registry: every operation of the model, typed against the generated list so a missing one is
 * a compile error. Operations not built yet answer UnsupportedOperationException.
 */
import { CancelKeyDeletion } from './cancel-key-deletion.js';
import { CreateAlias } from './create-alias.js';
import { CreateKey } from './create-key.js';
import { Decapsulate } from './decapsulate.js';
import { Decrypt } from './decrypt.js';
import { DeleteAlias } from './delete-alias.js';
import { DeriveSharedSecret } from './derive-shared-secret.js';
import { DescribeKey } from './describe-key.js';
import { DisableKey } from './disable-key.js';
import { DisableKeyRotation } from './disable-key-rotation.js';
import { EnableKey } from './enable-key.js';
import { EnableKeyRotation } from './enable-key-rotation.js';
import { Encapsulate } from './encapsulate.js';
import { Encrypt } from './encrypt.js';
import { GenerateDataKey } from './generate-data-key.js';
import { GenerateDataKeyPair } from './generate-data-key-pair.js';
import { GenerateDataKeyPairWithoutPlaintext } from './generate-data-key-pair-without-plaintext.js';
import { GenerateDataKeyWithoutPlaintext } from './generate-data-key-without-plaintext.js';
import { GenerateMac } from './generate-mac.js';
import { GenerateRandom } from './generate-random.js';
import { GetKeyLastUsage } from './get-key-last-usage.js';
import { GetKeyPolicy } from './get-key-policy.js';
import { GetPublicKey } from './get-public-key.js';
import { GetKeyRotationStatus } from './get-key-rotation-status.js';
import { ListAliases } from './list-aliases.js';
import { ListKeyPolicies } from './list-key-policies.js';
import { ListKeyRotations } from './list-key-rotations.js';
import { ListKeys } from './list-keys.js';
import { ListResourceTags } from './list-resource-tags.js';
import { PutKeyPolicy } from './put-key-policy.js';
import { ReEncrypt } from './re-encrypt.js';
import { RotateKeyOnDemand } from './rotate-key-on-demand.js';
import { ScheduleKeyDeletion } from './schedule-key-deletion.js';
import { Sign } from './sign.js';
import { TagResource } from './tag-resource.js';
import { UntagResource } from './untag-resource.js';
import { UpdateAlias } from './update-alias.js';
import { UpdateKeyDescription } from './update-key-description.js';
import { Verify } from './verify.js';
import { VerifyMac } from './verify-mac.js';
import type { OperationName } from '../model/index.js';
import type { Operation } from './types.js';

export const NOT_YET = 'unsupported' as const;

export const REGISTRY: { [O in OperationName]: Operation<O> | typeof NOT_YET } = {
  CancelKeyDeletion,
  ConnectCustomKeyStore: NOT_YET,
  CreateAlias,
  CreateCustomKeyStore: NOT_YET,
  CreateGrant: NOT_YET,
  CreateKey,
  Decapsulate,
  Decrypt,
  DeleteAlias,
  DeleteCustomKeyStore: NOT_YET,
  DeleteImportedKeyMaterial: NOT_YET,
  DeriveSharedSecret,
  DescribeCustomKeyStores: NOT_YET,
  DescribeKey,
  DisableKey,
  DisableKeyRotation,
  DisconnectCustomKeyStore: NOT_YET,
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
  GetParametersForImport: NOT_YET,
  GetPublicKey,
  ImportKeyMaterial: NOT_YET,
  ListAliases,
  ListGrants: NOT_YET,
  ListKeyPolicies,
  ListKeyRotations,
  ListKeys,
  ListResourceTags,
  ListRetirableGrants: NOT_YET,
  PutKeyPolicy,
  ReEncrypt,
  ReplicateKey: NOT_YET,
  RetireGrant: NOT_YET,
  RevokeGrant: NOT_YET,
  RotateKeyOnDemand,
  ScheduleKeyDeletion,
  Sign,
  TagResource,
  UntagResource,
  UpdateAlias,
  UpdateCustomKeyStore: NOT_YET,
  UpdateKeyDescription,
  UpdatePrimaryRegion: NOT_YET,
  Verify,
  VerifyMac,
};
