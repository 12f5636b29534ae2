import Foundation
import PostgresNIO

/// The schema, one migration per step; never edit a registered migration, add a new one. Applied at start
/// under an advisory lock, so of replicas that start together one migrates and the others find it done.
extension PostgresCatalogStore {
    static let migrations: [(version: Int, name: String, statements: [PostgresQuery])] = [
        (
            1, "the platform as of user assertions and devices",
            [
                """
                CREATE TABLE host_app (
                  id TEXT PRIMARY KEY, name TEXT NOT NULL, minimum_shell_version TEXT,
                  active BOOLEAN NOT NULL DEFAULT TRUE, expiry_grace_seconds BIGINT NOT NULL DEFAULT 0,
                  user_keys TEXT NOT NULL DEFAULT '[]', client_properties TEXT NOT NULL DEFAULT '[]')
                """,
                """
                CREATE TABLE audit_log (
                  id BIGSERIAL PRIMARY KEY, at DOUBLE PRECISION NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
                  target TEXT NOT NULL, reason TEXT)
                """,
                """
                CREATE TABLE account (
                  id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, created_at DOUBLE PRECISION NOT NULL)
                """,
                """
                CREATE TABLE api_token (
                  hash TEXT PRIMARY KEY, account_id TEXT NOT NULL REFERENCES account ON DELETE CASCADE,
                  created_at DOUBLE PRECISION NOT NULL, revoked BOOLEAN NOT NULL DEFAULT FALSE)
                """,
                "CREATE TABLE partner (id TEXT PRIMARY KEY, name TEXT NOT NULL)",
                """
                CREATE TABLE mini_program (
                  id TEXT PRIMARY KEY, partner_id TEXT NOT NULL REFERENCES partner, name TEXT NOT NULL,
                  category TEXT NOT NULL)
                """,
                """
                CREATE TABLE version (
                  app_id TEXT NOT NULL REFERENCES mini_program, version TEXT NOT NULL, sha256 TEXT NOT NULL,
                  size BIGINT NOT NULL, scopes TEXT NOT NULL, domains TEXT NOT NULL, minimum_host_version TEXT,
                  review_state TEXT NOT NULL, report TEXT NOT NULL, uploaded_by TEXT NOT NULL,
                  uploaded_at DOUBLE PRECISION NOT NULL, PRIMARY KEY (app_id, version))
                """,
                "CREATE INDEX version_sha256 ON version (sha256)",
                """
                CREATE TABLE review (
                  id BIGSERIAL PRIMARY KEY, app_id TEXT NOT NULL, version TEXT NOT NULL, stage TEXT NOT NULL,
                  approved BOOLEAN NOT NULL, reviewer TEXT NOT NULL, reason TEXT, at DOUBLE PRECISION NOT NULL,
                  FOREIGN KEY (app_id, version) REFERENCES version (app_id, version))
                """,
                """
                CREATE TABLE listing (
                  app_id TEXT NOT NULL REFERENCES mini_program, host_id TEXT NOT NULL REFERENCES host_app,
                  state TEXT NOT NULL, plan TEXT NOT NULL, delist_reason TEXT, PRIMARY KEY (app_id, host_id))
                """,
                """
                CREATE TABLE host_state (
                  host_id TEXT PRIMARY KEY REFERENCES host_app, catalog_version BIGINT NOT NULL,
                  event_sequence BIGINT NOT NULL)
                """,
                """
                CREATE TABLE event (
                  host_id TEXT NOT NULL, sequence BIGINT NOT NULL, catalog_version BIGINT NOT NULL, kind TEXT NOT NULL,
                  app_id TEXT NOT NULL, version TEXT, reason TEXT, at DOUBLE PRECISION NOT NULL,
                  PRIMARY KEY (host_id, sequence))
                """,
                """
                CREATE TABLE host_key (
                  hash TEXT PRIMARY KEY, host_id TEXT NOT NULL UNIQUE REFERENCES host_app ON DELETE CASCADE)
                """,
                """
                CREATE TABLE segment (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL UNIQUE, constraints TEXT NOT NULL)
                """,
                """
                CREATE TABLE device (
                  id TEXT PRIMARY KEY, host_id TEXT NOT NULL REFERENCES host_app ON DELETE CASCADE,
                  public_key TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, enrolled_at DOUBLE PRECISION NOT NULL,
                  last_seen_at DOUBLE PRECISION NOT NULL, revoked_at DOUBLE PRECISION, revoke_reason TEXT,
                  UNIQUE (host_id, public_key))
                """,
                """
                CREATE TABLE device_ack (
                  device_id TEXT PRIMARY KEY REFERENCES device ON DELETE CASCADE, host_id TEXT NOT NULL,
                  body TEXT NOT NULL, received_at DOUBLE PRECISION NOT NULL)
                """,
            ]
        ),
        (
            2, "events signed at commit, packages in the database, the replicas' signing key",
            [
                "ALTER TABLE event ADD COLUMN signed_by TEXT, ADD COLUMN envelope TEXT",
                "CREATE TABLE package (sha256 TEXT PRIMARY KEY, stored_at DOUBLE PRECISION NOT NULL, bytes BYTEA NOT NULL)",
                "CREATE TABLE replica_setting (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
            ]
        ),
        (
            3, "versions' descriptions and translations",
            ["ALTER TABLE version ADD COLUMN texts TEXT NOT NULL DEFAULT '{}'"]
        ),
        (
            4, "complaints and bridge activity reported by shells",
            [
                """
                CREATE TABLE complaint (
                  device_id TEXT NOT NULL, id TEXT NOT NULL, host_id TEXT NOT NULL, app_id TEXT NOT NULL,
                  version TEXT, reason TEXT NOT NULL, text TEXT NOT NULL, at DOUBLE PRECISION NOT NULL,
                  received_at DOUBLE PRECISION NOT NULL, PRIMARY KEY (device_id, id))
                """,
                "CREATE INDEX complaint_by_app ON complaint (app_id, received_at)",
                """
                CREATE TABLE activity (
                  device_id TEXT NOT NULL, id TEXT NOT NULL, host_id TEXT NOT NULL, app_id TEXT NOT NULL,
                  version TEXT, kind TEXT NOT NULL, name TEXT NOT NULL, outcome TEXT NOT NULL, count BIGINT NOT NULL,
                  first_at DOUBLE PRECISION NOT NULL, last_at DOUBLE PRECISION NOT NULL,
                  received_at DOUBLE PRECISION NOT NULL, PRIMARY KEY (device_id, id))
                """,
                "CREATE INDEX activity_by_app ON activity (app_id, last_at)",
            ]
        ),
        (5, "how host apps present themselves", ["ALTER TABLE host_app ADD COLUMN brand TEXT"]),
        (
            6, "organisations, their offers, and who delisted",
            [
                "CREATE TABLE organisation (id TEXT PRIMARY KEY, name TEXT NOT NULL)",
                "INSERT INTO organisation (id, name) VALUES ('bank', 'The bank')",
                "ALTER TABLE host_app ADD COLUMN organisation TEXT NOT NULL DEFAULT 'bank'",
                "ALTER TABLE listing ADD COLUMN delisted_by TEXT",
                "ALTER TABLE audit_log ADD COLUMN organisation TEXT",
                "CREATE INDEX audit_by_organisation ON audit_log (organisation, id)",
                """
                CREATE TABLE offer (
                  app_id TEXT NOT NULL, host_id TEXT NOT NULL, version TEXT NOT NULL, gray TEXT, state TEXT NOT NULL,
                  offered_by TEXT NOT NULL, offered_at DOUBLE PRECISION NOT NULL, decided_by TEXT,
                  decided_at DOUBLE PRECISION, reason TEXT, PRIMARY KEY (app_id, host_id, version))
                """,
                "CREATE INDEX offer_by_host ON offer (host_id, offered_at)",
            ]
        ),
    ]

    /// Applies the migrations this database lacks, in one transaction under an advisory lock.
    func migrate() async throws {
        try await transaction { transaction in
            try await transaction.lock("catalogd:migrations")
            try await transaction.run(
                """
                CREATE TABLE IF NOT EXISTS schema_migration (
                  version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at DOUBLE PRECISION NOT NULL)
                """)
            let applied = Set(
                try await transaction.rows("SELECT version FROM schema_migration").map {
                    try $0.get("version", as: Int.self)
                })
            if let newest = applied.max(), newest > (Self.migrations.map(\.version).max() ?? 0) {
                throw Unavailable(
                    description:
                        "the database has schema version \(newest), newer than this catalogd knows; run the newer catalogd"
                )
            }
            for migration in Self.migrations where !applied.contains(migration.version) {
                for statement in migration.statements { try await transaction.run(statement) }
                try await transaction.run(
                    """
                    INSERT INTO schema_migration (version, name, applied_at)
                    VALUES (\(migration.version), \(migration.name), \(Date().timeIntervalSince1970))
                    """)
            }
        }
    }
}
