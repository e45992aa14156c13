/** Limits and defaults AWS KMS documents, in one place; resource quotas are in quotas.ts. */
export const LIMITS = {
  /** ScheduleKeyDeletion PendingWindowInDays. */
  pendingWindowMinDays: 7,
  pendingWindowMaxDays: 30,
  pendingWindowDefaultDays: 30,
  /** EnableKeyRotation RotationPeriodInDays. */
  rotationPeriodMinDays: 90,
  rotationPeriodMaxDays: 2560,
  rotationPeriodDefaultDays: 365,
  /** ListResourceTags: "between 1 and 50, inclusive ... defaults to 50" (API reference). */
  tagListDefault: 50,
  /** ListKeys, ListKeyPolicies, ListKeyRotations default page size. */
  defaultListLimit: 100,
  /** ListAliases: "between 1 and 100, inclusive ... defaults to 50" (API reference). */
  aliasListDefault: 50,
  aliasListMax: 100,
  /** Symmetric Encrypt plaintext. */
  maxPlaintextBytes: 4096,
  /** GetParametersForImport: "Each public key and import token set is valid for 24 hours." */
  importParametersValidHours: 24,
  /** ImportKeyMaterial ValidTo: "The maximum value is 365 days from the request date." */
  importedMaterialMaxValidDays: 365,
} as const;
