//! The logbook's schema, as an ordered list of migrations. The schema version is SQLite's
//! `user_version`; a logbook written by a newer caselog is refused, never touched.
//! Append new migrations; never edit one that has been released.

use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, Transaction, TransactionBehavior};
use rusqlite_migration::{HookResult, M, Migrations};

use crate::domain::family::FamilyKey;
use crate::error::{Error, Result};

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
/// Version 4: family keys, the children's ages, the child's voice, and disputed decisions.
/// `family_key` is worked out in Rust for the consultations already there (`family_keys`),
/// which keep their spellings; its index is made once the keys are in.
const V4: &str = r#"
ALTER TABLE consultation ADD COLUMN family_key TEXT NOT NULL DEFAULT '';
ALTER TABLE consultation ADD COLUMN ages TEXT NOT NULL DEFAULT '';  -- ages joined with ';'
ALTER TABLE consultation ADD COLUMN voice TEXT;
DROP INDEX consultation_by_family;

-- Whether the front door's decision was challenged: on the referral, from its reviews; on a
-- review of a referral, with how and why.
ALTER TABLE referral ADD COLUMN disputed INTEGER NOT NULL DEFAULT 0 CHECK (disputed IN (0, 1));
ALTER TABLE review ADD COLUMN disputed INTEGER CHECK (disputed IN (0, 1));
ALTER TABLE review ADD COLUMN dispute TEXT;
UPDATE review SET disputed = 0 WHERE referral_id IS NOT NULL;
"#;

/// After V4's statements: the key of every consultation's family, worked out by SQLite row by
/// row with caselog's own rule (so that a large logbook is not held in memory), then the index
/// on it.
fn family_keys(tx: &Transaction) -> HookResult {
    tx.create_scalar_function(
        "caselog_family_key",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let family: String = ctx.get(0)?;
            Ok(FamilyKey::of(&family).as_str().to_string())
        },
    )?;
    tx.execute_batch(
        "UPDATE consultation SET family_key = caselog_family_key(family);
         CREATE INDEX consultation_by_family_key ON consultation (family_key, date);",
    )?;
    tx.remove_function("caselog_family_key", 1)?;
    Ok(())
}

/// Version 5: reviews by the follow-up date they set, so that the figures find the follow-ups
/// falling due in a period without reading every review.
const V5: &str =
    "CREATE INDEX review_by_follow_up ON review (follow_up) WHERE follow_up IS NOT NULL;";

/// Version 6: consultations by advisor (in any case, as the weekly list matches them), so that
/// one advisor's weekly list reads that advisor's consultations alone.
const V6: &str = "CREATE INDEX consultation_by_advisor ON consultation (advisor COLLATE NOCASE);";

/// Version 7: the first day each consultation belongs on the weekly list (`due_from`, kept up
/// to date as records change), so that the list is read from an index — for everyone, or one
/// advisor — and pending referrals by a partial index; the index of consultations by advisor
/// gives way to one of what is due by advisor. Working `due_from` out for the consultations
/// already there takes the field tables of the caselog that runs it, so it is left to
/// `upkeep`, which runs once the schema is the latest.
const V7: &str = "
ALTER TABLE consultation ADD COLUMN due_from TEXT;
DROP INDEX consultation_by_advisor;
CREATE INDEX consultation_due ON consultation (due_from) WHERE due_from IS NOT NULL;
CREATE INDEX consultation_due_by_advisor
    ON consultation (advisor COLLATE NOCASE, due_from) WHERE due_from IS NOT NULL;
CREATE INDEX referral_pending ON referral (consultation_id)
    WHERE result = 'pending' AND voided_at IS NULL;
CREATE TABLE upkeep (task TEXT PRIMARY KEY);
INSERT INTO upkeep (task) VALUES ('due_from');
";

/// Version 8: consultations by family key, then whether voided, then date, so that the
/// figures' look-backs and look-aheads over a family's consultations not voided (repeat
/// consultations, re-referrals, diversions) are read from the index alone. It takes the place
/// of the index by family key and date, and still serves a family's whole chronology.
const V8: &str = "
DROP INDEX consultation_by_family_key;
CREATE INDEX consultation_by_family_key ON consultation (family_key, voided_at, date);
";

/// Version 9: the follow-ups falling due in a period, with the date and voiding of the
/// consultation that set them, and a consultation's referrals, with their voiding,
/// destination and date, read from indexes alone (the figures' follow-ups and re-referral
/// look-backs), never from the tables.
const V9: &str = "
DROP INDEX consultation_by_follow_up;
CREATE INDEX consultation_by_follow_up ON consultation (follow_up, voided_at, date)
    WHERE follow_up IS NOT NULL;
DROP INDEX referral_by_consultation;
CREATE INDEX referral_by_consultation ON referral (consultation_id, voided_at, referred_to, date);
";

/// Work a migration left to be done with today's field tables, once the schema is the latest:
/// each task done and struck off in one transaction, so that one interrupted is done again
/// the next time the logbook is opened for writing.
pub fn upkeep(conn: &mut Connection) -> Result<()> {
    let tasks: Vec<String> = conn
        .prepare("SELECT task FROM upkeep ORDER BY task")?
        .query_map([], |r| r.get("task"))?
        .collect::<rusqlite::Result<_>>()?;
    for task in tasks {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        match task.as_str() {
            "due_from" => super::due::refresh_every(&tx)?,
            other => {
                return Err(Error::failure(format!(
                    "the logbook asks for upkeep '{other}', which this caselog does not know"
                ))
                .hint("upgrade caselog to open it"));
            }
        }
        tx.execute("DELETE FROM upkeep WHERE task = ?1", [&task])?;
        tx.commit()?;
    }
    Ok(())
}

/// The schema version this caselog writes.
pub const LATEST_VERSION: i64 = 9;

/// Every migration in order; the schema version is the number applied.
pub fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(V1),
        M::up(V2),
        M::up(V3),
        M::up_with_hook(V4, family_keys),
        M::up(V5),
        M::up(V6),
        M::up(V7),
        M::up(V8),
        M::up(V9),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        migrations().validate().unwrap();
    }

    #[test]
    fn the_latest_version_is_the_number_of_migrations() {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        migrations().to_latest(&mut conn).unwrap();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, LATEST_VERSION);
    }

    #[test]
    fn application_id_matches_the_migration() {
        assert!(V1.contains(&format!("application_id = {APPLICATION_ID};")));
    }
}
