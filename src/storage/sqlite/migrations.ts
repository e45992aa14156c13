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
];
