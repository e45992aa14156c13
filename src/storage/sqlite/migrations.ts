/**
 * SQLite schema as numbered migrations: entry i is migration number i + 1. Applied migrations are
 * recorded in schema_migrations; an applied entry is never edited, a change is a new entry.
 *
 * Kept close to what PostgreSQL accepts so its migrations can mirror these: dates are integer epoch
 * milliseconds (BIGINT there), booleans are 0/1 (BOOLEAN there), blobs are BLOB (BYTEA there), and
 * ordering columns (key_id, alias_name) compare bytewise (BINARY here, COLLATE "C" there).
 */

export const SCHEMA_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS schema_migrations (
  version    INTEGER PRIMARY KEY,
  applied_at INTEGER NOT NULL
)`;

export const migrations: readonly string[] = [
  // 1: accounts, credentials, keys, key materials, aliases.
  `
CREATE TABLE accounts (
  account_id TEXT    PRIMARY KEY,
  created_at INTEGER NOT NULL
);

CREATE TABLE access_keys (
  access_key_id  TEXT    PRIMARY KEY,
  account_id     TEXT    NOT NULL,
  principal_arn  TEXT    NOT NULL,
  wrapped_secret BLOB    NOT NULL,
  status         TEXT    NOT NULL CHECK (status IN ('Active', 'Inactive')),
  created_at     INTEGER NOT NULL
);

CREATE TABLE keys (
  region                          TEXT    NOT NULL,
  account_id                      TEXT    NOT NULL,
  key_id                          TEXT    NOT NULL,
  arn                             TEXT    NOT NULL UNIQUE,
  description                     TEXT    NOT NULL,
  key_spec                        TEXT    NOT NULL,
  key_usage                       TEXT    NOT NULL,
  origin                          TEXT    NOT NULL,
  key_manager                     TEXT    NOT NULL,
  key_state                       TEXT    NOT NULL,
  creation_date                   INTEGER NOT NULL,
  deletion_date                   INTEGER,
  pending_deletion_window_in_days INTEGER,
  policy                          TEXT    NOT NULL,
  tags                            TEXT    NOT NULL,
  rotation_enabled                INTEGER NOT NULL CHECK (rotation_enabled IN (0, 1)),
  rotation_period_in_days         INTEGER,
  next_rotation_date              INTEGER,
  on_demand_rotation_start_date   INTEGER,
  current_material_id             TEXT    NOT NULL,
  multi_region                    INTEGER NOT NULL CHECK (multi_region IN (0, 1)),
  custom_key_store_id             TEXT,
  version                         INTEGER NOT NULL,
  -- The primary key is also the index for lookups and listing by (region, account_id, key_id).
  PRIMARY KEY (region, account_id, key_id),
  -- One current material per key, and it must be one of the key's materials. Deferred because a
  -- key and its first material are inserted in the same transaction.
  FOREIGN KEY (arn, current_material_id) REFERENCES key_materials (key_arn, material_id)
    DEFERRABLE INITIALLY DEFERRED
);

CREATE INDEX keys_due_for_deletion ON keys (key_state, deletion_date, arn);
CREATE INDEX keys_due_for_rotation ON keys (key_state, next_rotation_date, arn);

CREATE TABLE key_materials (
  key_arn       TEXT    NOT NULL REFERENCES keys (arn) ON DELETE CASCADE,
  material_id   TEXT    NOT NULL,
  -- Order in which materials were added to the key (1, 2, ...): creation dates can tie.
  seq           INTEGER NOT NULL,
  wrapped       BLOB    NOT NULL,
  created_at    INTEGER NOT NULL,
  rotation_type TEXT    CHECK (rotation_type IN ('AUTOMATIC', 'ON_DEMAND')),
  PRIMARY KEY (key_arn, material_id),
  UNIQUE (key_arn, seq)
);

CREATE TABLE aliases (
  region            TEXT    NOT NULL,
  account_id        TEXT    NOT NULL,
  alias_name        TEXT    NOT NULL,
  alias_arn         TEXT    NOT NULL,
  target_key_id     TEXT    NOT NULL,
  creation_date     INTEGER NOT NULL,
  last_updated_date INTEGER NOT NULL,
  PRIMARY KEY (region, account_id, alias_name),
  -- An alias always names a key of its own account and region, and goes when the key goes.
  FOREIGN KEY (region, account_id, target_key_id) REFERENCES keys (region, account_id, key_id)
    ON DELETE CASCADE
);

CREATE INDEX aliases_by_target ON aliases (region, account_id, target_key_id, alias_name);
`,
  // 2: server settings (the root key check value).
  `
CREATE TABLE settings (
  name  TEXT PRIMARY KEY,
  value BLOB NOT NULL
);
`,
  // 3: last successful cryptographic use of each key (GetKeyLastUsage).
  `
CREATE TABLE key_last_usage (
  key_arn    TEXT    PRIMARY KEY REFERENCES keys (arn) ON DELETE CASCADE,
  operation  TEXT    NOT NULL,
  used_at    INTEGER NOT NULL,
  event_id   TEXT    NOT NULL,
  request_id TEXT    NOT NULL
);
`,
  // 4: the keys quota counts customer managed keys of an account and region; this index lets
  // CreateKey count them without reading every key row.
  `
CREATE INDEX customer_keys ON keys (region, account_id) WHERE key_manager = 'CUSTOMER';
`,
  // @identity-migration (5: IAM users, groups, roles, policies, access keys, STS sessions)
  `
CREATE TABLE iam_users (
  account_id            TEXT    NOT NULL,
  -- Names are unique without regard to case: name_key is the lowercased name.
  name_key              TEXT    NOT NULL,
  user_name             TEXT    NOT NULL,
  user_id               TEXT    NOT NULL UNIQUE,
  path                  TEXT    NOT NULL,
  arn                   TEXT    NOT NULL,
  create_date           INTEGER NOT NULL,
  permissions_boundary  TEXT,
  tags                  TEXT    NOT NULL,
  PRIMARY KEY (account_id, name_key)
);

CREATE TABLE iam_groups (
  account_id  TEXT    NOT NULL,
  name_key    TEXT    NOT NULL,
  group_name  TEXT    NOT NULL,
  group_id    TEXT    NOT NULL UNIQUE,
  path        TEXT    NOT NULL,
  arn         TEXT    NOT NULL,
  create_date INTEGER NOT NULL,
  PRIMARY KEY (account_id, name_key)
);

CREATE TABLE iam_group_members (
  account_id TEXT NOT NULL,
  group_key  TEXT NOT NULL,
  user_key   TEXT NOT NULL,
  PRIMARY KEY (account_id, group_key, user_key),
  FOREIGN KEY (account_id, group_key) REFERENCES iam_groups (account_id, name_key),
  FOREIGN KEY (account_id, user_key) REFERENCES iam_users (account_id, name_key)
);

CREATE INDEX iam_group_members_by_user ON iam_group_members (account_id, user_key, group_key);

CREATE TABLE iam_roles (
  account_id                  TEXT    NOT NULL,
  name_key                    TEXT    NOT NULL,
  role_name                   TEXT    NOT NULL,
  role_id                     TEXT    NOT NULL UNIQUE,
  path                        TEXT    NOT NULL,
  arn                         TEXT    NOT NULL,
  create_date                 INTEGER NOT NULL,
  assume_role_policy_document TEXT    NOT NULL,
  description                 TEXT,
  max_session_duration        INTEGER NOT NULL,
  permissions_boundary        TEXT,
  tags                        TEXT    NOT NULL,
  PRIMARY KEY (account_id, name_key)
);

CREATE TABLE iam_policies (
  account_id         TEXT    NOT NULL,
  name_key           TEXT    NOT NULL,
  policy_name        TEXT    NOT NULL,
  policy_id          TEXT    NOT NULL UNIQUE,
  path               TEXT    NOT NULL,
  arn                TEXT    NOT NULL UNIQUE,
  description        TEXT,
  default_version_id TEXT    NOT NULL,
  -- Highest version number ever used: version ids are never reused.
  last_version       INTEGER NOT NULL,
  create_date        INTEGER NOT NULL,
  update_date        INTEGER NOT NULL,
  tags               TEXT    NOT NULL,
  PRIMARY KEY (account_id, name_key)
);

CREATE TABLE iam_policy_versions (
  policy_arn  TEXT    NOT NULL REFERENCES iam_policies (arn) ON DELETE CASCADE,
  version_no  INTEGER NOT NULL,
  document    TEXT    NOT NULL,
  create_date INTEGER NOT NULL,
  PRIMARY KEY (policy_arn, version_no)
);

-- Inline policies and attachments belong to a user, group or role (entity_kind, entity_key).
CREATE TABLE iam_inline_policies (
  account_id  TEXT    NOT NULL,
  entity_kind TEXT    NOT NULL CHECK (entity_kind IN ('user', 'group', 'role')),
  entity_key  TEXT    NOT NULL,
  policy_key  TEXT    NOT NULL,
  policy_name TEXT    NOT NULL,
  document    TEXT    NOT NULL,
  size        INTEGER NOT NULL,
  PRIMARY KEY (account_id, entity_kind, entity_key, policy_key)
);

CREATE TABLE iam_attachments (
  account_id  TEXT    NOT NULL,
  entity_kind TEXT    NOT NULL CHECK (entity_kind IN ('user', 'group', 'role')),
  entity_key  TEXT    NOT NULL,
  policy_arn  TEXT    NOT NULL,
  seq         INTEGER NOT NULL,
  PRIMARY KEY (account_id, entity_kind, entity_key, policy_arn)
);

CREATE INDEX iam_attachments_by_policy ON iam_attachments (policy_arn);

-- An IAM user's access keys are rows of access_keys with the user's name key; root keys have none.
ALTER TABLE access_keys ADD COLUMN user_key TEXT;
CREATE INDEX access_keys_by_user ON access_keys (account_id, user_key, created_at) WHERE user_key IS NOT NULL;
`,
  // @sessions-migration (6: STS temporary credentials)
  `
CREATE TABLE sts_sessions (
  access_key_id       TEXT    PRIMARY KEY,
  account_id          TEXT    NOT NULL,
  -- The role id, user id or (root) account id whose session this is (deleteSessionsOf).
  subject_id          TEXT    NOT NULL,
  wrapped_secret      BLOB    NOT NULL,
  -- SHA-256 of the session token; the token itself is never stored.
  token_hash          BLOB    NOT NULL,
  principal_type      TEXT    NOT NULL CHECK (principal_type IN ('AssumedRole', 'IAMUser', 'Root')),
  principal_arn       TEXT    NOT NULL,
  principal_id        TEXT    NOT NULL,
  role_arn            TEXT,
  role_id             TEXT,
  role_name           TEXT,
  role_path           TEXT,
  session_name        TEXT,
  user_name           TEXT,
  session_policies    TEXT    NOT NULL,
  policy_arns         TEXT    NOT NULL,
  tags                TEXT    NOT NULL,
  transitive_tag_keys TEXT    NOT NULL,
  source_identity     TEXT,
  mfa_authenticated   INTEGER NOT NULL CHECK (mfa_authenticated IN (0, 1)),
  issued_at           INTEGER NOT NULL,
  expiration          INTEGER NOT NULL
);

CREATE INDEX sts_sessions_by_expiration ON sts_sessions (expiration, access_key_id);
CREATE INDEX sts_sessions_by_subject ON sts_sessions (account_id, subject_id);
`,
  // @grants-migration (7: KMS grants)
  `
CREATE TABLE grants (
  -- Creation order (ListGrants pages follow it); BIGSERIAL in PostgreSQL.
  seq                        INTEGER PRIMARY KEY AUTOINCREMENT,
  grant_id                   TEXT    NOT NULL UNIQUE,
  -- A grant goes when its key goes (deleteKey, resetAll).
  key_arn                    TEXT    NOT NULL REFERENCES keys (arn) ON DELETE CASCADE,
  region                     TEXT    NOT NULL,
  name                       TEXT,
  grantee_principal          TEXT,
  grantee_service_principal  TEXT,
  retiring_principal         TEXT,
  retiring_service_principal TEXT,
  issuing_account            TEXT    NOT NULL,
  operations                 TEXT    NOT NULL,
  constraints                TEXT,
  creation_date              INTEGER NOT NULL,
  CHECK ((grantee_principal IS NULL) <> (grantee_service_principal IS NULL)),
  CHECK (retiring_principal IS NULL OR retiring_service_principal IS NULL)
);

CREATE INDEX grants_of_key ON grants (key_arn, seq);
CREATE INDEX grants_of_grantee ON grants (key_arn, grantee_principal, grantee_service_principal);
CREATE INDEX grants_by_name ON grants (key_arn, name) WHERE name IS NOT NULL;
CREATE INDEX grants_by_retiring_principal ON grants (region, retiring_principal, seq)
  WHERE retiring_principal IS NOT NULL;
CREATE INDEX grants_by_retiring_service_principal ON grants (region, retiring_service_principal, seq)
  WHERE retiring_service_principal IS NOT NULL;
`,
  // 8: signed requests already served (--reject-replays), until their signature expires.
  `
CREATE TABLE seen_requests (
  digest     BLOB    PRIMARY KEY,
  expires_at INTEGER NOT NULL
);

CREATE INDEX seen_requests_by_expiry ON seen_requests (expires_at);
`,
  // 9: usage counters (metering): requests per month, account, region, key, operation and price class.
  `
CREATE TABLE usage (
  period      TEXT    NOT NULL,
  account_id  TEXT    NOT NULL,
  region      TEXT    NOT NULL,
  key_arn     TEXT    NOT NULL,
  operation   TEXT    NOT NULL,
  price_class TEXT    NOT NULL,
  requests    INTEGER NOT NULL CHECK (requests >= 0),
  PRIMARY KEY (period, account_id, region, key_arn, operation, price_class)
) WITHOUT ROWID;
`,
  // 10: the charged hours of deleted keys, per month, written when the key is deleted (the key
  // record, from which the hours of live keys are computed, is gone after that).
  `
CREATE TABLE deleted_key_hours (
  period      TEXT    NOT NULL,
  account_id  TEXT    NOT NULL,
  region      TEXT    NOT NULL,
  key_arn     TEXT    NOT NULL,
  hours       INTEGER NOT NULL CHECK (hours >= 0),
  PRIMARY KEY (period, key_arn)
) WITHOUT ROWID;
`,
  // 11: imported key material (Origin EXTERNAL). Each material's expiry and description are on
  // its row (the scheduler finds what expired by valid_to); the key holds a copy of its current
  // material's expiry (DescribeKey's ExpirationModel and ValidTo). A key before its first import
  // has current_material_id '' and, to satisfy the foreign key of migration 1, an empty
  // placeholder material of that id; deleted imported material keeps its row with an empty
  // wrapped blob (the id stays known for the import of the same material).
  // import_parameters: the wrapping key pairs of GetParametersForImport, one per import token.
  `
ALTER TABLE keys ADD COLUMN expiration_model TEXT
  CHECK (expiration_model IN ('KEY_MATERIAL_EXPIRES', 'KEY_MATERIAL_DOES_NOT_EXPIRE'));
ALTER TABLE keys ADD COLUMN valid_to INTEGER;

ALTER TABLE key_materials ADD COLUMN expiration_model TEXT
  CHECK (expiration_model IN ('KEY_MATERIAL_EXPIRES', 'KEY_MATERIAL_DOES_NOT_EXPIRE'));
ALTER TABLE key_materials ADD COLUMN valid_to INTEGER;
ALTER TABLE key_materials ADD COLUMN description TEXT;

CREATE INDEX key_materials_by_expiry ON key_materials (valid_to, key_arn) WHERE valid_to IS NOT NULL;

CREATE TABLE import_parameters (
  token_id            TEXT    PRIMARY KEY,
  key_arn             TEXT    NOT NULL REFERENCES keys (arn) ON DELETE CASCADE,
  wrapping_algorithm  TEXT    NOT NULL,
  wrapping_key_spec   TEXT    NOT NULL,
  wrapped_private_key BLOB    NOT NULL,
  created_at          INTEGER NOT NULL,
  valid_to            INTEGER NOT NULL
);

CREATE INDEX import_parameters_by_expiry ON import_parameters (valid_to);
CREATE INDEX import_parameters_of_key ON import_parameters (key_arn);
`,
  // @ssm-migration (12: Parameter Store). One row per parameter (tags as JSON, revision for
  // compare-and-set) and one per version (at most 100 kept); a value is never plaintext: String
  // and StringList sealed by the AWS owned key, SecureString as KMS returned it.
  `
CREATE TABLE parameters (
  account_id TEXT    NOT NULL,
  region     TEXT    NOT NULL,
  name       TEXT    NOT NULL,
  arn        TEXT    NOT NULL,
  tags       TEXT    NOT NULL,
  revision   INTEGER NOT NULL CHECK (revision >= 1),
  PRIMARY KEY (account_id, region, name)
) WITHOUT ROWID;

CREATE TABLE parameter_versions (
  account_id         TEXT    NOT NULL,
  region             TEXT    NOT NULL,
  name               TEXT    NOT NULL,
  version            INTEGER NOT NULL CHECK (version >= 1),
  type               TEXT    NOT NULL CHECK (type IN ('String', 'StringList', 'SecureString')),
  value              BLOB    NOT NULL,
  key_id             TEXT,
  description        TEXT,
  allowed_pattern    TEXT,
  tier               TEXT    NOT NULL CHECK (tier IN ('Standard', 'Advanced')),
  policies           TEXT,
  data_type          TEXT    NOT NULL,
  labels             TEXT    NOT NULL,
  last_modified_date INTEGER NOT NULL,
  last_modified_user TEXT    NOT NULL,
  PRIMARY KEY (account_id, region, name, version),
  FOREIGN KEY (account_id, region, name) REFERENCES parameters (account_id, region, name) ON DELETE CASCADE
);
`,
  // @multi-region-migration (13: multi-Region keys). Related keys are rows of `keys` in several
  // regions with one account and key id (mrk-...); each is PRIMARY or REPLICA. A key in a
  // transient state (Creating, Updating) holds when it ends and the state it ends in.
  `
ALTER TABLE keys ADD COLUMN multi_region_key_type TEXT CHECK (multi_region_key_type IN ('PRIMARY', 'REPLICA'));
ALTER TABLE keys ADD COLUMN transition_due INTEGER;
ALTER TABLE keys ADD COLUMN state_after_transition TEXT;

CREATE INDEX keys_related ON keys (account_id, key_id, region) WHERE multi_region = 1;
CREATE INDEX keys_due_for_transition ON keys (transition_due, arn) WHERE transition_due IS NOT NULL;
`,
  // @custom-key-store-migration (14: custom key stores). One row per AWS_CLOUDHSM key store: its
  // name is unique in its account and Region, its cluster over the whole server; the kmsuser
  // password is wrapped under the root key; connect_requested is what the last Connect or
  // Disconnect asked for (the live connection state is the process's own). Keys name their store
  // by keys.custom_key_store_id (migration 1); a store with keys cannot be deleted.
  `
CREATE TABLE custom_key_stores (
  custom_key_store_id      TEXT    PRIMARY KEY,
  account_id               TEXT    NOT NULL,
  region                   TEXT    NOT NULL,
  name                     TEXT    NOT NULL,
  custom_key_store_type    TEXT    NOT NULL CHECK (custom_key_store_type IN ('AWS_CLOUDHSM')),
  cloud_hsm_cluster_id     TEXT    NOT NULL UNIQUE,
  trust_anchor_certificate TEXT    NOT NULL,
  wrapped_password         BLOB    NOT NULL,
  creation_date            INTEGER NOT NULL,
  connect_requested        INTEGER NOT NULL CHECK (connect_requested IN (0, 1)),
  version                  INTEGER NOT NULL,
  UNIQUE (account_id, region, name)
);

CREATE INDEX custom_key_stores_of_scope ON custom_key_stores (account_id, region, custom_key_store_id);
CREATE INDEX keys_in_custom_key_store ON keys (custom_key_store_id) WHERE custom_key_store_id IS NOT NULL;
`,
];
