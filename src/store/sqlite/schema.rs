//! The logbook's schema, as an ordered list of migrations. The schema version is SQLite's
//! `user_version`; a logbook written by a newer caselog is refused, never touched.
//! Append new migrations; never edit one that has been released.

use rusqlite_migration::{M, Migrations};

/// Marks a SQLite file as a caselog logbook (`PRAGMA application_id`): "CSLG".
pub const APPLICATION_ID: i64 = 0x4353_4C47;

const V1: &str = r#"
PRAGMA application_id = 1129532487;

-- A consultation given to another professional (C-<n>).
CREATE TABLE consultation (
    id                INTEGER PRIMARY KEY,
    uuid              TEXT NOT NULL,
    date              TEXT NOT NULL,
    advisor           TEXT NOT NULL,
    setting           TEXT NOT NULL,
    mode              TEXT NOT NULL,
    agency            TEXT NOT NULL,
    role              TEXT,
    family            TEXT NOT NULL COLLATE NOCASE,
    children          INTEGER NOT NULL DEFAULT 1 CHECK (children >= 1),
    factors           TEXT NOT NULL DEFAULT '',   -- factor codes joined with ';'
    indicators        TEXT NOT NULL DEFAULT '',   -- checklist indicator IDs joined with ';'
    consultee_level   INTEGER CHECK (consultee_level BETWEEN 1 AND 4),
    level             INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),
    suggested_level   INTEGER CHECK (suggested_level BETWEEN 1 AND 4),
    rationale         TEXT,
    confidence_before INTEGER CHECK (confidence_before BETWEEN 1 AND 5),
    confidence_after  INTEGER CHECK (confidence_after BETWEEN 1 AND 5),
    consent           TEXT,
    outcome           TEXT NOT NULL,
    worry             TEXT,
    strengths         TEXT,
    advice            TEXT,
    follow_up         TEXT,
    created_at        TEXT NOT NULL,
    voided_at         TEXT,
    void_reason       TEXT
);
CREATE UNIQUE INDEX consultation_by_uuid ON consultation (uuid);
CREATE INDEX consultation_by_date ON consultation (date);
CREATE INDEX consultation_by_family ON consultation (family, date);
CREATE INDEX consultation_by_follow_up ON consultation (follow_up) WHERE follow_up IS NOT NULL;

-- A referral made from a consultation (R-<n>).
CREATE TABLE referral (
    id              INTEGER PRIMARY KEY,
    uuid            TEXT NOT NULL,
    consultation_id INTEGER NOT NULL REFERENCES consultation (id),
    date            TEXT NOT NULL,
    referred_to     TEXT NOT NULL,
    referred_by     TEXT NOT NULL,
    reason          TEXT,
    consent         TEXT,
    urgent          INTEGER NOT NULL DEFAULT 0 CHECK (urgent IN (0, 1)),
    result          TEXT NOT NULL DEFAULT 'pending',
    result_date     TEXT,
    created_at      TEXT NOT NULL,
    voided_at       TEXT,
    void_reason     TEXT
);
CREATE UNIQUE INDEX referral_by_uuid ON referral (uuid);
CREATE INDEX referral_by_date ON referral (date);
CREATE INDEX referral_by_consultation ON referral (consultation_id);

-- A follow-up on a consultation, or the front door's decision on a referral (V-<n>).
CREATE TABLE review (
    id              INTEGER PRIMARY KEY,
    uuid            TEXT NOT NULL,
    consultation_id INTEGER REFERENCES consultation (id),
    referral_id     INTEGER REFERENCES referral (id),
    date            TEXT NOT NULL,
    status          TEXT,
    note            TEXT,
    level           INTEGER CHECK (level BETWEEN 1 AND 4),
    confidence      INTEGER CHECK (confidence BETWEEN 1 AND 5),
    follow_up       TEXT,
    result          TEXT,
    created_at      TEXT NOT NULL,
    voided_at       TEXT,
    void_reason     TEXT,
    CHECK ((consultation_id IS NULL) <> (referral_id IS NULL))
);
CREATE UNIQUE INDEX review_by_uuid ON review (uuid);
CREATE INDEX review_by_consultation ON review (consultation_id, date);
CREATE INDEX review_by_referral ON review (referral_id);

-- A correction to any record: the old value is kept, with when and why.
CREATE TABLE amendment (
    id          INTEGER PRIMARY KEY,
    record      TEXT NOT NULL CHECK (record IN ('consultation', 'referral', 'review')),
    record_id   INTEGER NOT NULL,
    field       TEXT NOT NULL,
    old_value   TEXT,
    new_value   TEXT,
    reason      TEXT NOT NULL,
    amended_at  TEXT NOT NULL
);
CREATE INDEX amendment_by_record ON amendment (record, record_id);
"#;

/// Version 2: the consultee's organisation.
const V2: &str = "ALTER TABLE consultation ADD COLUMN organisation TEXT;";

/// Version 3: audits (A-<n>), a manager's look at one consultation; and amendments of them,
/// which the amendment table's check did not allow (SQLite changes a check only by making the
/// table again).
const V3: &str = r#"
CREATE TABLE audit (
    id              INTEGER PRIMARY KEY,
    uuid            TEXT NOT NULL,
    consultation_id INTEGER NOT NULL REFERENCES consultation (id),
    date            TEXT NOT NULL,
    auditor         TEXT NOT NULL,
    grade           TEXT NOT NULL,
    level_agreed    INTEGER NOT NULL CHECK (level_agreed IN (0, 1)),
    pathway_agreed  INTEGER NOT NULL CHECK (pathway_agreed IN (0, 1)),
    note            TEXT,
    learning        TEXT,
    created_at      TEXT NOT NULL,
    voided_at       TEXT,
    void_reason     TEXT
);
CREATE UNIQUE INDEX audit_by_uuid ON audit (uuid);
CREATE INDEX audit_by_consultation ON audit (consultation_id, date);
CREATE INDEX audit_by_date ON audit (date);

CREATE TABLE amendment_v3 (
    id          INTEGER PRIMARY KEY,
    record      TEXT NOT NULL CHECK (record IN ('consultation', 'referral', 'review', 'audit')),
    record_id   INTEGER NOT NULL,
    field       TEXT NOT NULL,
    old_value   TEXT,
    new_value   TEXT,
    reason      TEXT NOT NULL,
    amended_at  TEXT NOT NULL
);
INSERT INTO amendment_v3 (id, record, record_id, field, old_value, new_value, reason, amended_at)
    SELECT id, record, record_id, field, old_value, new_value, reason, amended_at FROM amendment;
DROP TABLE amendment;
ALTER TABLE amendment_v3 RENAME TO amendment;
CREATE INDEX amendment_by_record ON amendment (record, record_id);
"#;

/// Every migration in order; the schema version is the number applied.
const STEPS: &[&str] = &[V1, V2, V3];

/// The schema version this caselog writes.
pub const LATEST_VERSION: i64 = STEPS.len() as i64;

pub fn migrations() -> Migrations<'static> {
    Migrations::new(STEPS.iter().map(|sql| M::up(sql)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        migrations().validate().unwrap();
    }

    #[test]
    fn application_id_matches_the_migration() {
        assert!(V1.contains(&format!("application_id = {APPLICATION_ID};")));
    }
}
