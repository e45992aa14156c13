/**
 * Row shapes of the SQLite schema and their mapping to domain records. Dates are integer epoch
 * milliseconds, booleans 0/1, tags JSON text; NULL columns become absent optional fields.
 */
import type {
  AccessKeyRecord,
  AccountRecord,
  AliasRecord,
  KeyMaterialRecord,
  KeyRecord,
  KeyState,
  RotationType,
  Tag,
} from '../../domain/index.js';

export interface AccountRow {
  account_id: string;
  created_at: number;
}

export interface AccessKeyRow {
  access_key_id: string;
  account_id: string;
  principal_arn: string;
  wrapped_secret: Buffer;
  status: string;
  created_at: number;
}

export interface KeyRow {
  region: string;
  account_id: string;
  key_id: string;
  arn: string;
  description: string;
  key_spec: string;
  key_usage: string;
  origin: string;
  key_manager: string;
  key_state: string;
  creation_date: number;
  deletion_date: number | null;
  pending_deletion_window_in_days: number | null;
  policy: string;
  tags: string;
  rotation_enabled: number;
  rotation_period_in_days: number | null;
  next_rotation_date: number | null;
  on_demand_rotation_start_date: number | null;
  current_material_id: string;
  multi_region: number;
  custom_key_store_id: string | null;
  version: number;
  expiration_model: string | null;
  valid_to: number | null;
  multi_region_key_type: string | null;
  transition_due: number | null;
  state_after_transition: string | null;
}

export interface KeyMaterialRow {
  key_arn: string;
  material_id: string;
  wrapped: Buffer;
  created_at: number;
  rotation_type: string | null;
  expiration_model: string | null;
  valid_to: number | null;
  description: string | null;
}

export interface AliasRow {
  region: string;
  account_id: string;
  alias_name: string;
  alias_arn: string;
  target_key_id: string;
  creation_date: number;
  last_updated_date: number;
}

/** Epoch milliseconds of a date; an invalid Date is a programmer error, not a NULL. */
export function toMillis(d: Date): number {
  const ms = d.getTime();
  if (!Number.isFinite(ms)) throw new Error('storage: invalid Date');
  return ms;
}

const optionalMillis = (d: Date | undefined): number | null => (d === undefined ? null : toMillis(d));
const optional = <T>(v: T | undefined): T | null => (v === undefined ? null : v);

/** Named parameters for the keys table, every column. */
export function keyParams(k: KeyRecord): KeyRow {
  return {
    region: k.region,
    account_id: k.accountId,
    key_id: k.keyId,
    arn: k.arn,
    description: k.description,
    key_spec: k.keySpec,
    key_usage: k.keyUsage,
    origin: k.origin,
    key_manager: k.keyManager,
    key_state: k.keyState,
    creation_date: toMillis(k.creationDate),
    deletion_date: optionalMillis(k.deletionDate),
    pending_deletion_window_in_days: optional(k.pendingDeletionWindowInDays),
    policy: k.policy,
    tags: JSON.stringify(k.tags.map((t): Tag => ({ TagKey: t.TagKey, TagValue: t.TagValue }))),
    rotation_enabled: k.rotationEnabled ? 1 : 0,
    rotation_period_in_days: optional(k.rotationPeriodInDays),
    next_rotation_date: optionalMillis(k.nextRotationDate),
    on_demand_rotation_start_date: optionalMillis(k.onDemandRotationStartDate),
    current_material_id: k.currentMaterialId,
    multi_region: k.multiRegion ? 1 : 0,
    custom_key_store_id: optional(k.customKeyStoreId),
    version: k.version,
    expiration_model: optional(k.expirationModel),
    valid_to: optionalMillis(k.validTo),
    multi_region_key_type: optional(k.multiRegionKeyType),
    transition_due: optionalMillis(k.transitionDue),
    state_after_transition: optional(k.stateAfterTransition),
  };
}

export function keyFromRow(r: KeyRow): KeyRecord {
  const key: KeyRecord = {
    arn: r.arn,
    keyId: r.key_id,
    accountId: r.account_id,
    region: r.region,
    description: r.description,
    keySpec: r.key_spec,
    keyUsage: r.key_usage,
    origin: r.origin,
    keyManager: r.key_manager,
    keyState: r.key_state as KeyState,
    creationDate: new Date(r.creation_date),
    policy: r.policy,
    tags: JSON.parse(r.tags) as Tag[],
    rotationEnabled: r.rotation_enabled === 1,
    currentMaterialId: r.current_material_id,
    multiRegion: r.multi_region === 1,
    version: r.version,
  };
  // Absent optional fields stay absent (not null, not an own property set to undefined).
  if (r.deletion_date !== null) key.deletionDate = new Date(r.deletion_date);
  if (r.pending_deletion_window_in_days !== null) {
    key.pendingDeletionWindowInDays = r.pending_deletion_window_in_days;
  }
  if (r.rotation_period_in_days !== null) key.rotationPeriodInDays = r.rotation_period_in_days;
  if (r.next_rotation_date !== null) key.nextRotationDate = new Date(r.next_rotation_date);
  if (r.on_demand_rotation_start_date !== null) {
    key.onDemandRotationStartDate = new Date(r.on_demand_rotation_start_date);
  }
  if (r.custom_key_store_id !== null) key.customKeyStoreId = r.custom_key_store_id;
  if (r.expiration_model !== null) key.expirationModel = r.expiration_model;
  if (r.valid_to !== null) key.validTo = new Date(r.valid_to);
  if (r.multi_region_key_type !== null) {
    key.multiRegionKeyType = r.multi_region_key_type as KeyRecord['multiRegionKeyType'];
  }
  if (r.transition_due !== null) key.transitionDue = new Date(r.transition_due);
  if (r.state_after_transition !== null) key.stateAfterTransition = r.state_after_transition as KeyState;
  return key;
}

export function materialParams(m: KeyMaterialRecord): KeyMaterialRow {
  return {
    key_arn: m.keyArn,
    material_id: m.materialId,
    wrapped: m.wrapped,
    created_at: toMillis(m.createdAt),
    rotation_type: optional(m.rotationType),
    expiration_model: optional(m.expirationModel),
    valid_to: optionalMillis(m.validTo),
    description: optional(m.description),
  };
}

export function materialFromRow(r: KeyMaterialRow): KeyMaterialRecord {
  const m: KeyMaterialRecord = {
    keyArn: r.key_arn,
    materialId: r.material_id,
    wrapped: r.wrapped,
    createdAt: new Date(r.created_at),
  };
  if (r.rotation_type !== null) m.rotationType = r.rotation_type as RotationType;
  if (r.expiration_model !== null) m.expirationModel = r.expiration_model;
  if (r.valid_to !== null) m.validTo = new Date(r.valid_to);
  if (r.description !== null) m.description = r.description;
  return m;
}

export function aliasParams(a: AliasRecord): AliasRow {
  return {
    region: a.region,
    account_id: a.accountId,
    alias_name: a.aliasName,
    alias_arn: a.aliasArn,
    target_key_id: a.targetKeyId,
    creation_date: toMillis(a.creationDate),
    last_updated_date: toMillis(a.lastUpdatedDate),
  };
}

export function aliasFromRow(r: AliasRow): AliasRecord {
  return {
    accountId: r.account_id,
    region: r.region,
    aliasName: r.alias_name,
    aliasArn: r.alias_arn,
    targetKeyId: r.target_key_id,
    creationDate: new Date(r.creation_date),
    lastUpdatedDate: new Date(r.last_updated_date),
  };
}

export function accountParams(a: AccountRecord): AccountRow {
  return { account_id: a.accountId, created_at: toMillis(a.createdAt) };
}

export function accountFromRow(r: AccountRow): AccountRecord {
  return { accountId: r.account_id, createdAt: new Date(r.created_at) };
}

export function accessKeyParams(k: AccessKeyRecord): AccessKeyRow {
  return {
    access_key_id: k.accessKeyId,
    account_id: k.accountId,
    principal_arn: k.principalArn,
    wrapped_secret: k.wrappedSecret,
    status: k.status,
    created_at: toMillis(k.createdAt),
  };
}

export function accessKeyFromRow(r: AccessKeyRow): AccessKeyRecord {
  return {
    accessKeyId: r.access_key_id,
    accountId: r.account_id,
    principalArn: r.principal_arn,
    wrappedSecret: r.wrapped_secret,
    status: r.status as AccessKeyRecord['status'],
    createdAt: new Date(r.created_at),
  };
}
