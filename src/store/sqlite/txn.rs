//! A transaction on a SQLite logbook: every `Reader` and `Writer` primitive as SQL. Reading is
//! one snapshot (a deferred transaction); writing takes the write lock at once (immediate), so
//! concurrent writers queue within the busy timeout rather than fail half-way.

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Transaction, named_params};

use super::records::{self, ByConsultation, NamedRow, Positions, select_list, table};
use crate::domain::amendment::{Amendment, Change};
use crate::domain::audit::{self, Audit};
use crate::domain::consultation::{self, Consultation};
use crate::domain::family::FamilyKey;
use crate::domain::fields::Load;
use crate::domain::ids::{AuditId, ConsultationId, RecordId, RecordKind, ReferralId, ReviewId};
use crate::domain::period::Period;
use crate::domain::record::{Timestamp, Voided};
use crate::domain::referral::{self, Referral};
use crate::domain::review::{self, Review};
use crate::domain::text::Text;
use crate::error::{Error, Result};
use crate::report::figures::{Grouping, Tally};
use crate::store::{Columns, Duplicate, Earlier, Exported, Family, Filter, Reader, Writer};

/// A read or write transaction on a SQLite logbook.
pub struct SqliteTxn<'a> {
    pub(super) tx: Transaction<'a>,
    /// The table being bulk-loaded, and its indexes to build again at the end.
    pub(super) bulk: Option<super::BulkLoad>,
    /// The last `INSERT` made, to save the next record of the same kind with.
    pub(super) insert_sql: records::InsertSql,
    /// A second connection reading the same snapshot, for the figures to share their passes
    /// out with (`SqliteLogbook::read_figures`).
    pub(super) second: Option<Mutex<Connection>>,
}

/// The consultations (not voided) on the weekly list looking up to `?1`: those due from that
/// day or before (`store::DUE_FROM`, kept up to date as records change), read from its index —
/// for everyone, or for the advisor `?2` alone.
const DUE_BY: &str =
    "SELECT id FROM consultation WHERE due_from <= ?1 AND voided_at IS NULL AND ?2 IS NULL";
const DUE_BY_ADVISOR: &str = "SELECT id FROM consultation \
     WHERE advisor = ?2 COLLATE NOCASE AND due_from <= ?1 AND voided_at IS NULL";

impl<'a> SqliteTxn<'a> {
    pub(super) fn new(tx: Transaction<'a>) -> SqliteTxn<'a> {
        SqliteTxn {
            tx,
            bulk: None,
            insert_sql: records::InsertSql::default(),
            second: None,
        }
    }

    fn query<R: Load>(&self, sql: &str, params: impl rusqlite::Params) -> Result<Vec<R>> {
        let mut stmt = self.tx.prepare_cached(sql)?;
        records::records(&mut stmt, params)
    }
}

impl Reader for SqliteTxn<'_> {
    fn consultation(&self, id: ConsultationId) -> Result<Option<Consultation>> {
        records::get(
            &self.tx,
            RecordKind::Consultation,
            consultation::FIELDS,
            id.0,
        )
    }

    fn referral(&self, id: ReferralId) -> Result<Option<Referral>> {
        records::get(&self.tx, RecordKind::Referral, referral::FIELDS, id.0)
    }

    fn review(&self, id: ReviewId) -> Result<Option<Review>> {
        records::get(&self.tx, RecordKind::Review, review::FIELDS, id.0)
    }

    fn audit(&self, id: AuditId) -> Result<Option<Audit>> {
        records::get(&self.tx, RecordKind::Audit, audit::FIELDS, id.0)
    }

    fn exists(&self, id: RecordId) -> Result<bool> {
        Ok(self
            .tx
            .prepare_cached(&format!("SELECT 1 FROM {} WHERE id = ?1", table(id.kind)))?
            .exists([id.number])?)
    }

    fn find_uuid(&self, kind: RecordKind, uuid: uuid::Uuid) -> Result<Option<i64>> {
        Ok(self
            .tx
            .prepare_cached(&format!("SELECT id FROM {} WHERE uuid = ?1", table(kind)))?
            .query_row([uuid.hyphenated().to_string()], |r| r.get("id"))
            .optional()?)
    }

    fn amendments(&self, id: RecordId) -> Result<Vec<Amendment>> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT field, old_value, new_value, reason, amended_at FROM amendment \
             WHERE record = ?1 AND record_id = ?2 ORDER BY id",
        )?;
        let rows = stmt.query_map(rusqlite::params![id.kind.noun(), id.number], |r| {
            Ok((
                r.get("field")?,
                r.get("old_value")?,
                r.get("new_value")?,
                r.get("reason")?,
                r.get::<_, String>("amended_at")?,
            ))
        })?;
        let mut found = Vec::new();
        for row in rows {
            let (field, old_value, new_value, reason, at) = row?;
            found.push(Amendment {
                field,
                old_value,
                new_value,
                reason,
                amended_at: at.parse().map_err(|_| {
                    Error::failure(format!("an amendment of {id} has a bad timestamp '{at}'"))
                })?,
            });
        }
        Ok(found)
    }

    fn referrals_from(&self, id: ConsultationId) -> Result<Vec<Referral>> {
        self.query(
            &format!(
                "SELECT {} FROM referral r WHERE r.consultation_id = ?1 ORDER BY r.id",
                select_list(referral::FIELDS, "r")
            ),
            [id.0],
        )
    }

    fn reviews_of(&self, id: RecordId) -> Result<Vec<Review>> {
        let link = match id.kind {
            RecordKind::Consultation => "consultation_id",
            RecordKind::Referral => "referral_id",
            _ => return Ok(Vec::new()),
        };
        self.query(
            &format!(
                "SELECT {} FROM review r WHERE r.{link} = ?1 ORDER BY r.date, r.id",
                select_list(review::FIELDS, "r")
            ),
            [id.number],
        )
    }

    fn audits_of(&self, id: ConsultationId) -> Result<Vec<Audit>> {
        self.query(
            &format!(
                "SELECT {} FROM audit r WHERE r.consultation_id = ?1 ORDER BY r.date, r.id",
                select_list(audit::FIELDS, "r")
            ),
            [id.0],
        )
    }

    fn audits_of_period(&self, period: Period) -> Result<Vec<Audit>> {
        self.query(
            &format!(
                "SELECT {} FROM audit r JOIN consultation c ON c.id = r.consultation_id \
                 WHERE r.voided_at IS NULL AND c.voided_at IS NULL \
                   AND c.date BETWEEN ?1 AND ?2 \
                 ORDER BY r.consultation_id, r.date, r.id",
                select_list(audit::FIELDS, "r")
            ),
            rusqlite::params![period.from, period.to],
        )
    }

    fn family(&self, family: &FamilyKey) -> Result<Family> {
        let of_family = "SELECT id FROM consultation WHERE family_key = ?1";
        Ok(Family {
            consultations: self.query(
                &format!(
                    "SELECT {} FROM consultation r WHERE r.family_key = ?1 ORDER BY r.id",
                    select_list(consultation::FIELDS, "r")
                ),
                [family.as_str()],
            )?,
            referrals: self.query(
                &format!(
                    "SELECT {} FROM referral r WHERE r.consultation_id IN ({of_family}) \
                     ORDER BY r.id",
                    select_list(referral::FIELDS, "r")
                ),
                [family.as_str()],
            )?,
            reviews: self.query(
                &format!(
                    "SELECT {} FROM review r WHERE r.consultation_id IN ({of_family}) \
                     OR r.referral_id IN (SELECT id FROM referral \
                                          WHERE consultation_id IN ({of_family})) \
                     ORDER BY r.id",
                    select_list(review::FIELDS, "r")
                ),
                [family.as_str()],
            )?,
            audits: self.query(
                &format!(
                    "SELECT {} FROM audit r WHERE r.consultation_id IN ({of_family}) \
                     ORDER BY r.id",
                    select_list(audit::FIELDS, "r")
                ),
                [family.as_str()],
            )?,
        })
    }

    fn family_spelling(
        &self,
        family: &FamilyKey,
        except: Option<ConsultationId>,
    ) -> Result<Option<Text>> {
        let spelling: Option<String> = self
            .tx
            .prepare_cached(
                "SELECT family FROM consultation \
                 WHERE family_key = ?1 AND voided_at IS NULL AND id IS NOT ?2 \
                 ORDER BY id LIMIT 1",
            )?
            .query_row(
                rusqlite::params![family.as_str(), except.map(|c| c.0)],
                |r| r.get("family"),
            )
            .optional()?;
        spelling
            .map(|s| {
                use crate::domain::fields::Stored as _;
                Text::restore(crate::domain::fields::Value::text(s)).ok_or_else(|| {
                    Error::failure("the logbook holds a family reference caselog cannot read")
                })
            })
            .transpose()
    }

    fn family_year_before(&self, family: &FamilyKey, date: NaiveDate) -> Result<Vec<Earlier>> {
        let since = date - chrono::Days::new(365);
        let mut stmt = self.tx.prepare_cached(
            "SELECT id, date, level, outcome FROM consultation \
             WHERE family_key = ?1 AND voided_at IS NULL AND date >= ?2 AND date <= ?3 \
             ORDER BY date, id",
        )?;
        let mut found = Vec::new();
        let mut rows = stmt.query(rusqlite::params![family.as_str(), since, date])?;
        let positions = Positions::of(rows.as_ref().expect("a statement"));
        while let Some(row) = rows.next()? {
            let named = NamedRow {
                row,
                positions: &positions,
            };
            use crate::domain::fields::Columns as _;
            found.push(Earlier {
                id: named.get("id").map_err(bad)?,
                date: named.get("date").map_err(bad)?,
                level: named.get("level").map_err(bad)?,
                outcome: named.get("outcome").map_err(bad)?,
            });
        }
        Ok(found)
    }

    fn consultations(
        &self,
        filter: &Filter,
        each: &mut dyn FnMut(Consultation) -> Result<()>,
    ) -> Result<()> {
        // Only the conditions given, so that SQLite can choose the family-key or date index: a
        // condition written `(?1 IS NULL OR …)` would have it read the whole table.
        let mut conditions = vec!["r.voided_at IS NULL".to_string()];
        // An open end of the period is a date no record has: dates are compared as ISO text.
        let from = filter
            .from
            .unwrap_or(NaiveDate::from_ymd_opt(1, 1, 1).expect("a date"));
        let to = filter
            .to
            .unwrap_or(NaiveDate::from_ymd_opt(9999, 12, 31).expect("a date"));
        if filter.family.is_some() {
            // A family's few consultations are found by the family key index, dates and all.
            conditions.push("r.date BETWEEN :from AND :to".to_string());
        } else if filter.from.is_some() || filter.to.is_some() {
            conditions.push(
                records::date_condition(&self.tx, "consultation", "r", from, to)?
                    .replace("?1", ":from")
                    .replace("?2", ":to"),
            );
        }
        for (given, condition) in [
            (filter.family.is_some(), "r.family_key = :family"),
            (filter.agency.is_some(), "r.agency = :agency"),
            (
                filter.organisation.is_some(),
                "r.organisation = :organisation COLLATE NOCASE",
            ),
            (filter.outcome.is_some(), "r.outcome = :outcome"),
        ] {
            if given {
                conditions.push(condition.to_string());
            }
        }
        let mut stmt = self.tx.prepare_cached(&format!(
            "SELECT {} FROM consultation r WHERE {} ORDER BY r.id",
            select_list(consultation::FIELDS, "r"),
            conditions.join(" AND ")
        ))?;
        let params = named_params! {
            ":from": from,
            ":to": to,
            ":family": filter.family.as_ref().map(FamilyKey::as_str),
            ":agency": filter.agency.map(|a| a.to_string()),
            ":organisation": filter.organisation.as_ref().map(Text::as_str),
            ":outcome": filter.outcome.map(|o| o.to_string()),
        };
        // Only the parameters the statement names are bound.
        let named: Vec<(&str, &dyn rusqlite::ToSql)> = params
            .iter()
            .copied()
            .filter(|(name, _)| stmt.parameter_index(name).ok().flatten().is_some())
            .collect();
        records::each_record(&mut stmt, named.as_slice(), |c, _| each(c))
    }

    fn count_in_period(&self, kind: RecordKind, period: Period) -> Result<u64> {
        let sql = match kind {
            RecordKind::Consultation => {
                "SELECT count(*) AS n FROM consultation c WHERE c.voided_at IS NULL \
                 AND c.date BETWEEN ?1 AND ?2"
            }
            RecordKind::Referral => {
                "SELECT count(*) AS n FROM referral r JOIN consultation c ON c.id = r.consultation_id \
                 WHERE r.voided_at IS NULL AND c.voided_at IS NULL AND r.date BETWEEN ?1 AND ?2"
            }
            RecordKind::Review => {
                "SELECT count(*) AS n FROM review v \
                 LEFT JOIN consultation c ON c.id = v.consultation_id \
                 LEFT JOIN referral r ON r.id = v.referral_id \
                 LEFT JOIN consultation rc ON rc.id = r.consultation_id \
                 WHERE v.voided_at IS NULL AND c.voided_at IS NULL AND r.voided_at IS NULL \
                   AND rc.voided_at IS NULL AND v.date BETWEEN ?1 AND ?2"
            }
            RecordKind::Audit => {
                "SELECT count(*) AS n FROM audit a JOIN consultation c ON c.id = a.consultation_id \
                 WHERE a.voided_at IS NULL AND c.voided_at IS NULL AND a.date BETWEEN ?1 AND ?2"
            }
        };
        let n: i64 = self
            .tx
            .query_row(sql, rusqlite::params![period.from, period.to], |r| {
                r.get("n")
            })?;
        Ok(n as u64)
    }

    fn each_in_period(
        &self,
        kind: RecordKind,
        period: Period,
        each: &mut dyn FnMut(Exported) -> Result<()>,
    ) -> Result<()> {
        let params = rusqlite::params![period.from, period.to];
        match kind {
            RecordKind::Consultation => {
                let dated =
                    records::date_condition(&self.tx, "consultation", "r", period.from, period.to)?;
                let mut stmt = self.tx.prepare(&format!(
                    "SELECT {} FROM consultation r WHERE r.voided_at IS NULL AND {dated} \
                     ORDER BY r.id",
                    select_list(consultation::FIELDS, "r")
                ))?;
                records::each_record(&mut stmt, params, |c: Consultation, _| {
                    each(Exported::Consultation(c))
                })
            }
            RecordKind::Referral => {
                let dated =
                    records::date_condition(&self.tx, "referral", "r", period.from, period.to)?;
                let mut stmt = self.tx.prepare(&format!(
                    "SELECT {}, c.uuid AS consultation_uuid FROM referral r \
                     JOIN consultation c ON c.id = r.consultation_id \
                     WHERE r.voided_at IS NULL AND c.voided_at IS NULL AND {dated} ORDER BY r.id",
                    select_list(referral::FIELDS, "r")
                ))?;
                records::each_record(&mut stmt, params, |r: Referral, row| {
                    let c = link(row, "consultation_uuid")?
                        .ok_or_else(|| Error::failure(format!("{} has no consultation", r.id)))?;
                    each(Exported::Referral(r, c))
                })
            }
            RecordKind::Review => {
                let dated =
                    records::date_condition(&self.tx, "review", "v", period.from, period.to)?;
                let mut stmt = self.tx.prepare(&format!(
                    "SELECT {}, c.uuid AS consultation_uuid, r.uuid AS referral_uuid \
                     FROM review v \
                     LEFT JOIN consultation c ON c.id = v.consultation_id \
                     LEFT JOIN referral r ON r.id = v.referral_id \
                     LEFT JOIN consultation rc ON rc.id = r.consultation_id \
                     WHERE v.voided_at IS NULL AND c.voided_at IS NULL AND r.voided_at IS NULL \
                       AND rc.voided_at IS NULL AND {dated} ORDER BY v.id",
                    select_list(review::FIELDS, "v")
                ))?;
                records::each_record(&mut stmt, params, |v: Review, row| {
                    let c = link(row, "consultation_uuid")?;
                    let r = link(row, "referral_uuid")?;
                    each(Exported::Review(v, c, r))
                })
            }
            RecordKind::Audit => {
                let dated =
                    records::date_condition(&self.tx, "audit", "a", period.from, period.to)?;
                let mut stmt = self.tx.prepare(&format!(
                    "SELECT {}, c.uuid AS consultation_uuid FROM audit a \
                     JOIN consultation c ON c.id = a.consultation_id \
                     WHERE a.voided_at IS NULL AND c.voided_at IS NULL AND {dated} ORDER BY a.id",
                    select_list(audit::FIELDS, "a")
                ))?;
                records::each_record(&mut stmt, params, |a: Audit, row| {
                    let c = link(row, "consultation_uuid")?
                        .ok_or_else(|| Error::failure(format!("{} has no consultation", a.id)))?;
                    each(Exported::Audit(a, c))
                })
            }
        }
    }

    fn every(&self, kind: RecordKind, each: &mut dyn FnMut(Exported) -> Result<()>) -> Result<()> {
        let (sql, fields) = every_sql(kind);
        let mut stmt = self.tx.prepare(&sql)?;
        match kind {
            RecordKind::Consultation => {
                records::each_record(&mut stmt, [], |c: Consultation, _| {
                    each(Exported::Consultation(c))
                })
            }
            RecordKind::Referral => records::each_record(&mut stmt, [], |r: Referral, row| {
                let c = link(row, fields[0])?
                    .ok_or_else(|| Error::failure(format!("{} has no consultation", r.id)))?;
                each(Exported::Referral(r, c))
            }),
            RecordKind::Review => records::each_record(&mut stmt, [], |v: Review, row| {
                let c = link(row, fields[0])?;
                let r = link(row, fields[1])?;
                each(Exported::Review(v, c, r))
            }),
            RecordKind::Audit => records::each_record(&mut stmt, [], |a: Audit, row| {
                let c = link(row, fields[0])?
                    .ok_or_else(|| Error::failure(format!("{} has no consultation", a.id)))?;
                each(Exported::Audit(a, c))
            }),
        }
    }

    fn may_be_due(
        &self,
        horizon: NaiveDate,
        advisor: Option<&Text>,
        each: &mut dyn FnMut(&Consultation, &[Review]) -> Result<()>,
    ) -> Result<()> {
        let due = if advisor.is_some() {
            DUE_BY_ADVISOR
        } else {
            DUE_BY
        };
        let params = rusqlite::params![horizon, advisor.map(Text::as_str)];
        let mut reviews_stmt = self.tx.prepare(&format!(
            "SELECT {} FROM review r WHERE r.voided_at IS NULL \
             AND r.consultation_id IN ({due}) ORDER BY r.consultation_id, r.date, r.id",
            select_list(review::FIELDS, "r")
        ))?;
        let mut reviews =
            ByConsultation::new(&mut reviews_stmt, params, |v: &Review| v.consultation)?;
        let mut stmt = self.tx.prepare(&format!(
            "SELECT {} FROM consultation r WHERE r.id IN ({due}) ORDER BY r.id",
            select_list(consultation::FIELDS, "r")
        ))?;
        let mut own = Vec::new();
        records::each_record(&mut stmt, params, |c: Consultation, _| {
            reviews.take(c.id, &mut own)?;
            each(&c, &own)
        })
    }

    fn pending_referrals(&self, advisor: Option<&Text>) -> Result<Vec<Referral>> {
        // A pending referral's consultation is due from the day it was made at the latest, so
        // one advisor's are found through the index of what is due.
        let mine = match advisor {
            Some(_) => {
                " AND r.consultation_id IN (SELECT id FROM consultation \
                   WHERE advisor = ?1 COLLATE NOCASE AND due_from IS NOT NULL)"
            }
            None => " AND ?1 IS NULL",
        };
        self.query(
            &format!(
                "SELECT {} FROM referral r WHERE r.result = 'pending' AND r.voided_at IS NULL\
                 {mine} ORDER BY r.date, r.id",
                select_list(referral::FIELDS, "r")
            ),
            [advisor.map(Text::as_str)],
        )
    }

    fn tallies(
        &self,
        period: Period,
        as_at: NaiveDate,
        by: Option<Grouping>,
    ) -> Result<BTreeMap<Option<String>, Tally>> {
        let mut second = self
            .second
            .as_ref()
            .map(|c| c.lock().unwrap_or_else(PoisonError::into_inner));
        super::figures::tallies(&self.tx, second.as_deref_mut(), period, as_at, by)
    }
}

/// The query of `Reader::every` for a kind, and the columns of the UUIDs its records hang from.
fn every_sql(kind: RecordKind) -> (String, [&'static str; 2]) {
    let uuids = ["consultation_uuid", "referral_uuid"];
    let sql = match kind {
        RecordKind::Consultation => format!(
            "SELECT {} FROM consultation r ORDER BY r.id",
            select_list(consultation::FIELDS, "r")
        ),
        RecordKind::Referral => format!(
            "SELECT {}, c.uuid AS consultation_uuid FROM referral r \
             JOIN consultation c ON c.id = r.consultation_id ORDER BY r.id",
            select_list(referral::FIELDS, "r")
        ),
        RecordKind::Review => format!(
            "SELECT {}, c.uuid AS consultation_uuid, r.uuid AS referral_uuid FROM review v \
             LEFT JOIN consultation c ON c.id = v.consultation_id \
             LEFT JOIN referral r ON r.id = v.referral_id ORDER BY v.id",
            select_list(review::FIELDS, "v")
        ),
        RecordKind::Audit => format!(
            "SELECT {}, c.uuid AS consultation_uuid FROM audit a \
             JOIN consultation c ON c.id = a.consultation_id ORDER BY a.id",
            select_list(audit::FIELDS, "a")
        ),
    };
    (sql, uuids)
}

/// A linked record's UUID from a joined column.
fn link(row: &NamedRow, name: &'static str) -> Result<Option<uuid::Uuid>> {
    use crate::domain::fields::Columns as _;
    row.get(name).map_err(bad)
}

fn bad(e: crate::domain::fields::BadValue) -> Error {
    Error::failure(format!(
        "the logbook holds a record caselog cannot read: {e}"
    ))
    .hint("`caselog check` reports on the logbook; restore your latest backup (docs/security.md)")
}

impl Writer for SqliteTxn<'_> {
    fn insert(&mut self, kind: RecordKind, wanted: i64, columns: &Columns) -> Result<Option<i64>> {
        let bulk = self.bulk.as_ref().is_some_and(|b| b.table == table(kind));
        records::insert(&self.tx, &mut self.insert_sql, kind, wanted, columns, bulk)
    }

    fn update(&mut self, id: RecordId, columns: &Columns) -> Result<()> {
        records::update(&self.tx, id, columns)
    }

    fn set_voided(&mut self, id: RecordId, voided: &Voided) -> Result<()> {
        records::set_voided(&self.tx, id, voided)
    }

    fn insert_amendment(
        &mut self,
        id: RecordId,
        change: &Change,
        reason: &str,
        at: &Timestamp,
    ) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO amendment (record, record_id, field, old_value, new_value, reason, \
                 amended_at) VALUES (:record, :record_id, :field, :old, :new, :reason, :at)",
            )?
            .execute(named_params! {
                ":record": id.kind.noun(),
                ":record_id": id.number,
                ":field": change.field,
                ":old": change.old,
                ":new": change.new,
                ":reason": reason,
                ":at": at.to_string(),
            })?;
        Ok(())
    }

    fn refresh_every_due_from(&mut self) -> Result<()> {
        super::due::refresh_every(&self.tx)
    }

    fn begin_bulk(&mut self, kind: RecordKind) -> Result<bool> {
        self.bulk = super::BulkLoad::begin(&self.tx, table(kind))?;
        Ok(self.bulk.is_some())
    }

    fn finish_bulk(&mut self, limit: usize) -> Result<Vec<Duplicate>> {
        match self.bulk.take() {
            Some(bulk) => bulk.finish(&self.tx, limit),
            None => Ok(Vec::new()),
        }
    }

    fn commit(self: Box<Self>) -> Result<()> {
        self.tx.commit()?;
        Ok(())
    }
}
