//! A transaction on a team logbook: every `Reader` and `Writer` primitive as PostgreSQL. Reading
//! is one snapshot (REPEATABLE READ, READ ONLY), so it also runs on a read replica. Writing
//! takes the logbook's write lock first (a transaction-level advisory lock), so caselog's
//! writers queue one behind the other as they do on SQLite — the rules on several records see
//! every committed record and nothing changes under them — and never fail half-way for a lock.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};

use chrono::NaiveDate;
use postgres::{Row, Statement, Transaction};

use super::records::{self, BATCH, NamedRow, Param, Params, Positions, select_list, table};
use crate::domain::amendment::{Amendment, Change};
use crate::domain::audit::{self, Audit};
use crate::domain::consultation::{self, Consultation};
use crate::domain::family::FamilyKey;
use crate::domain::fields::{Columns as ColumnValues, Load, Stored, Value};
use crate::domain::ids::{AuditId, ConsultationId, RecordId, RecordKind, ReferralId, ReviewId};
use crate::domain::period::Period;
use crate::domain::record::{Timestamp, Voided};
use crate::domain::referral::{self, Referral};
use crate::domain::review::{self, Review};
use crate::domain::text::Text;
use crate::error::{Error, Result};
use crate::report::figures::{Grouping, Tally};
use crate::store::{Columns, Earlier, Exported, Family, Filter, Reader, Writer};

/// A read or write transaction on a team logbook.
pub struct PostgresTxn<'a> {
    pub(super) tx: RefCell<Transaction<'a>>,
    /// The INSERT of each kind of record, prepared once.
    pub(super) inserts: HashMap<String, Statement>,
    /// The tables where an import kept a record's number: their numbering is moved past it
    /// before the transaction commits.
    pub(super) kept: BTreeSet<&'static str>,
    /// The records this transaction may change, once checked.
    pub(super) own: HashSet<RecordId>,
}

impl<'a> PostgresTxn<'a> {
    pub fn new(tx: Transaction<'a>) -> PostgresTxn<'a> {
        PostgresTxn {
            tx: RefCell::new(tx),
            inserts: HashMap::new(),
            kept: BTreeSet::new(),
            own: HashSet::new(),
        }
    }

    fn query<R: Load>(&self, sql: &str, params: &Params) -> Result<Vec<R>> {
        records::records(&mut self.tx.borrow_mut(), sql, params)
    }

    /// Refuses to change a record the server would not let this role change (row-level
    /// security: only its author may), naming who recorded it. The server enforces it anyway;
    /// this is so that the refusal is in words, before anything is written.
    fn check_own(&mut self, id: RecordId) -> Result<()> {
        if self.own.contains(&id) {
            return Ok(());
        }
        let table = table(id.kind);
        let row = self.tx.get_mut().query_opt(
            format!(
                "SELECT created_by, current_user::text AS me, \
                 row_security_active('{table}') AS policed FROM {table} WHERE id = $1"
            )
            .as_str(),
            &[&id.number],
        )?;
        if let Some(row) = row {
            let author: String = row.get("created_by");
            let me: String = row.get("me");
            if row.get::<_, bool>("policed") && author != me {
                return Err(not_yours(id, &author));
            }
        }
        self.own.insert(id);
        Ok(())
    }
}

/// The refusal to change another advisor's record.
fn not_yours(id: RecordId, author: &str) -> Error {
    Error::failure(format!(
        "{id} was recorded by {author}: on the team logbook only its author may change it; \
         nothing was written"
    ))
    .hint(format!(
        "ask {author} to make the change (a decision on a referral, or voiding one, also \
         changes the referral's result); see \"Who may do what\" in docs/team.md"
    ))
}

/// The consultations (not voided) on the weekly list looking up to `$1`: those due from that
/// day or before (`store::DUE_FROM`, kept up to date as records change), read from its index —
/// for everyone, or for the advisor `$2` alone (in any case, A–Z).
const DUE_BY: &str =
    "SELECT id FROM consultation WHERE due_from <= $1 AND voided_at IS NULL AND $2::text IS NULL";
const DUE_BY_ADVISOR: &str = "SELECT id FROM consultation \
     WHERE caselog_fold(advisor) = caselog_fold($2) AND due_from <= $1 AND voided_at IS NULL";

/// Rows of a query fetched a batch at a time, so that two can be read side by side.
struct Cursor {
    portal: postgres::Portal,
    positions: Positions,
    rows: VecDeque<Row>,
    done: bool,
}

impl Cursor {
    fn open(tx: &RefCell<Transaction>, sql: &str, params: &Params) -> Result<Cursor> {
        let mut tx = tx.borrow_mut();
        let stmt = tx.prepare(sql)?;
        Ok(Cursor {
            portal: tx.bind(&stmt, params)?,
            positions: Positions::of(stmt.columns()),
            rows: VecDeque::new(),
            done: false,
        })
    }

    fn next<R: Load>(&mut self, tx: &RefCell<Transaction>) -> Result<Option<R>> {
        if self.rows.is_empty() && !self.done {
            let batch = tx.borrow_mut().query_portal(&self.portal, BATCH)?;
            self.done = batch.len() < BATCH as usize;
            self.rows.extend(batch);
        }
        let Some(row) = self.rows.pop_front() else {
            return Ok(None);
        };
        let named = NamedRow {
            row: &row,
            positions: &self.positions,
        };
        Ok(Some(R::load(&named).map_err(records::damaged)?))
    }
}

impl Reader for PostgresTxn<'_> {
    fn consultation(&self, id: ConsultationId) -> Result<Option<Consultation>> {
        records::get(
            &mut self.tx.borrow_mut(),
            RecordKind::Consultation,
            consultation::FIELDS,
            id.0,
        )
    }

    fn referral(&self, id: ReferralId) -> Result<Option<Referral>> {
        records::get(
            &mut self.tx.borrow_mut(),
            RecordKind::Referral,
            referral::FIELDS,
            id.0,
        )
    }

    fn review(&self, id: ReviewId) -> Result<Option<Review>> {
        records::get(
            &mut self.tx.borrow_mut(),
            RecordKind::Review,
            review::FIELDS,
            id.0,
        )
    }

    fn audit(&self, id: AuditId) -> Result<Option<Audit>> {
        records::get(
            &mut self.tx.borrow_mut(),
            RecordKind::Audit,
            audit::FIELDS,
            id.0,
        )
    }

    fn exists(&self, id: RecordId) -> Result<bool> {
        Ok(self
            .tx
            .borrow_mut()
            .query_opt(
                format!("SELECT 1 FROM {} WHERE id = $1", table(id.kind)).as_str(),
                &[&id.number],
            )?
            .is_some())
    }

    fn find_uuid(&self, kind: RecordKind, uuid: uuid::Uuid) -> Result<Option<i64>> {
        Ok(self
            .tx
            .borrow_mut()
            .query_opt(
                format!("SELECT id FROM {} WHERE uuid = $1", table(kind)).as_str(),
                &[&uuid],
            )?
            .map(|r| r.get("id")))
    }

    fn amendments(&self, id: RecordId) -> Result<Vec<Amendment>> {
        let rows = self.tx.borrow_mut().query(
            "SELECT field, old_value, new_value, reason, amended_at FROM amendment \
             WHERE record = $1 AND record_id = $2 ORDER BY id",
            &[&id.kind.noun(), &id.number],
        )?;
        Ok(rows
            .iter()
            .map(|r| Amendment {
                field: r.get("field"),
                old_value: r.get("old_value"),
                new_value: r.get("new_value"),
                reason: r.get("reason"),
                amended_at: Timestamp::new(r.get("amended_at")),
            })
            .collect())
    }

    fn referrals_from(&self, id: ConsultationId) -> Result<Vec<Referral>> {
        self.query(
            &format!(
                "SELECT {} FROM referral r WHERE r.consultation_id = $1 ORDER BY r.id",
                select_list(referral::FIELDS, "r")
            ),
            &[&id.0],
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
                "SELECT {} FROM review r WHERE r.{link} = $1 ORDER BY r.date, r.id",
                select_list(review::FIELDS, "r")
            ),
            &[&id.number],
        )
    }

    fn audits_of(&self, id: ConsultationId) -> Result<Vec<Audit>> {
        self.query(
            &format!(
                "SELECT {} FROM audit r WHERE r.consultation_id = $1 ORDER BY r.date, r.id",
                select_list(audit::FIELDS, "r")
            ),
            &[&id.0],
        )
    }

    fn audits_of_period(&self, period: Period) -> Result<Vec<Audit>> {
        self.query(
            &format!(
                "SELECT {} FROM audit r JOIN consultation c ON c.id = r.consultation_id \
                 WHERE r.voided_at IS NULL AND c.voided_at IS NULL \
                   AND c.date BETWEEN $1 AND $2 \
                 ORDER BY r.consultation_id, r.date, r.id",
                select_list(audit::FIELDS, "r")
            ),
            &[&period.from, &period.to],
        )
    }

    fn family(&self, family: &FamilyKey) -> Result<Family> {
        let of_family = "SELECT id FROM consultation WHERE family_key = $1";
        let key = family.as_str();
        Ok(Family {
            consultations: self.query(
                &format!(
                    "SELECT {} FROM consultation r WHERE r.family_key = $1 ORDER BY r.id",
                    select_list(consultation::FIELDS, "r")
                ),
                &[&key],
            )?,
            referrals: self.query(
                &format!(
                    "SELECT {} FROM referral r WHERE r.consultation_id IN ({of_family}) \
                     ORDER BY r.id",
                    select_list(referral::FIELDS, "r")
                ),
                &[&key],
            )?,
            reviews: self.query(
                &format!(
                    "SELECT {} FROM review r WHERE r.consultation_id IN ({of_family}) \
                     OR r.referral_id IN (SELECT id FROM referral \
                                          WHERE consultation_id IN ({of_family})) \
                     ORDER BY r.id",
                    select_list(review::FIELDS, "r")
                ),
                &[&key],
            )?,
            audits: self.query(
                &format!(
                    "SELECT {} FROM audit r WHERE r.consultation_id IN ({of_family}) \
                     ORDER BY r.id",
                    select_list(audit::FIELDS, "r")
                ),
                &[&key],
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
            .borrow_mut()
            .query_opt(
                "SELECT family FROM consultation \
                 WHERE family_key = $1 AND voided_at IS NULL AND id IS DISTINCT FROM $2 \
                 ORDER BY id LIMIT 1",
                &[&family.as_str(), &except.map(|c| c.0)],
            )?
            .map(|r| r.get("family"));
        spelling
            .map(|s| {
                Text::restore(Value::text(s)).ok_or_else(|| {
                    Error::failure("the team logbook holds a family reference caselog cannot read")
                })
            })
            .transpose()
    }

    fn family_year_before(&self, family: &FamilyKey, date: NaiveDate) -> Result<Vec<Earlier>> {
        let since = date - chrono::Days::new(365);
        let mut tx = self.tx.borrow_mut();
        let stmt = tx.prepare(
            "SELECT id, date, level, outcome FROM consultation \
             WHERE family_key = $1 AND voided_at IS NULL AND date >= $2 AND date <= $3 \
             ORDER BY date, id",
        )?;
        let positions = Positions::of(stmt.columns());
        let rows = tx.query(&stmt, &[&family.as_str(), &since, &date])?;
        rows.iter()
            .map(|row| {
                let named = NamedRow {
                    row,
                    positions: &positions,
                };
                Ok(Earlier {
                    id: named.get("id").map_err(records::damaged)?,
                    date: named.get("date").map_err(records::damaged)?,
                    level: named.get("level").map_err(records::damaged)?,
                    outcome: named.get("outcome").map_err(records::damaged)?,
                })
            })
            .collect()
    }

    fn consultations(
        &self,
        filter: &Filter,
        each: &mut dyn FnMut(Consultation) -> Result<()>,
    ) -> Result<()> {
        let family = filter.family.as_ref().map(FamilyKey::as_str);
        let agency = filter.agency.map(|a| a.to_string());
        let organisation = filter.organisation.as_ref().map(Text::as_str);
        let outcome = filter.outcome.map(|o| o.to_string());
        records::each_record(
            &mut self.tx.borrow_mut(),
            &format!(
                "SELECT {} FROM consultation r WHERE r.voided_at IS NULL \
                 AND ($1::date IS NULL OR r.date >= $1) AND ($2::date IS NULL OR r.date <= $2) \
                 AND ($3::text IS NULL OR r.family_key = $3) \
                 AND ($4::text IS NULL OR r.agency = $4) \
                 AND ($5::text IS NULL OR caselog_fold(r.organisation) = caselog_fold($5)) \
                 AND ($6::text IS NULL OR r.outcome = $6) ORDER BY r.id",
                select_list(consultation::FIELDS, "r")
            ),
            &[
                &filter.from,
                &filter.to,
                &family,
                &agency,
                &organisation,
                &outcome,
            ],
            |c, _| each(c),
        )
    }

    fn count_in_period(&self, kind: RecordKind, period: Period) -> Result<u64> {
        let sql = match kind {
            RecordKind::Consultation => {
                "SELECT count(*) AS n FROM consultation c WHERE c.voided_at IS NULL \
                 AND c.date BETWEEN $1 AND $2"
            }
            RecordKind::Referral => {
                "SELECT count(*) AS n FROM referral r JOIN consultation c ON c.id = r.consultation_id \
                 WHERE r.voided_at IS NULL AND c.voided_at IS NULL AND r.date BETWEEN $1 AND $2"
            }
            RecordKind::Review => {
                "SELECT count(*) AS n FROM review v \
                 LEFT JOIN consultation c ON c.id = v.consultation_id \
                 LEFT JOIN referral r ON r.id = v.referral_id \
                 LEFT JOIN consultation rc ON rc.id = r.consultation_id \
                 WHERE v.voided_at IS NULL AND c.voided_at IS NULL AND r.voided_at IS NULL \
                   AND rc.voided_at IS NULL AND v.date BETWEEN $1 AND $2"
            }
            RecordKind::Audit => {
                "SELECT count(*) AS n FROM audit a JOIN consultation c ON c.id = a.consultation_id \
                 WHERE a.voided_at IS NULL AND c.voided_at IS NULL AND a.date BETWEEN $1 AND $2"
            }
        };
        let n: i64 = self
            .tx
            .borrow_mut()
            .query_one(sql, &[&period.from, &period.to])?
            .get("n");
        Ok(n as u64)
    }

    fn each_in_period(
        &self,
        kind: RecordKind,
        period: Period,
        each: &mut dyn FnMut(Exported) -> Result<()>,
    ) -> Result<()> {
        // Read through COPY, which takes no parameters: the dates are written into the SQL.
        let dated = format!("BETWEEN '{}'::date AND '{}'::date", period.from, period.to);
        let mut tx = self.tx.borrow_mut();
        match kind {
            RecordKind::Consultation => records::each_copied(
                &mut tx,
                &format!(
                    "SELECT {} FROM consultation r WHERE r.voided_at IS NULL \
                     AND r.date {dated} ORDER BY r.id",
                    select_list(consultation::FIELDS, "r")
                ),
                |c: Consultation, _| each(Exported::Consultation(c)),
            ),
            RecordKind::Referral => records::each_copied(
                &mut tx,
                &format!(
                    "SELECT {}, c.uuid AS consultation_uuid FROM referral r \
                     JOIN consultation c ON c.id = r.consultation_id \
                     WHERE r.voided_at IS NULL AND c.voided_at IS NULL \
                       AND r.date {dated} ORDER BY r.id",
                    select_list(referral::FIELDS, "r")
                ),
                |r: Referral, row| {
                    let c = link(row, "consultation_uuid")?
                        .ok_or_else(|| Error::failure(format!("{} has no consultation", r.id)))?;
                    each(Exported::Referral(r, c))
                },
            ),
            RecordKind::Review => records::each_copied(
                &mut tx,
                &format!(
                    "SELECT {}, c.uuid AS consultation_uuid, r.uuid AS referral_uuid \
                     FROM review v \
                     LEFT JOIN consultation c ON c.id = v.consultation_id \
                     LEFT JOIN referral r ON r.id = v.referral_id \
                     LEFT JOIN consultation rc ON rc.id = r.consultation_id \
                     WHERE v.voided_at IS NULL AND c.voided_at IS NULL AND r.voided_at IS NULL \
                       AND rc.voided_at IS NULL AND v.date {dated} ORDER BY v.id",
                    select_list(review::FIELDS, "v")
                ),
                |v: Review, row| {
                    let c = link(row, "consultation_uuid")?;
                    let r = link(row, "referral_uuid")?;
                    each(Exported::Review(v, c, r))
                },
            ),
            RecordKind::Audit => records::each_copied(
                &mut tx,
                &format!(
                    "SELECT {}, c.uuid AS consultation_uuid FROM audit a \
                     JOIN consultation c ON c.id = a.consultation_id \
                     WHERE a.voided_at IS NULL AND c.voided_at IS NULL \
                       AND a.date {dated} ORDER BY a.id",
                    select_list(audit::FIELDS, "a")
                ),
                |a: Audit, row| {
                    let c = link(row, "consultation_uuid")?
                        .ok_or_else(|| Error::failure(format!("{} has no consultation", a.id)))?;
                    each(Exported::Audit(a, c))
                },
            ),
        }
    }

    fn every(&self, kind: RecordKind, each: &mut dyn FnMut(Exported) -> Result<()>) -> Result<()> {
        let mut tx = self.tx.borrow_mut();
        match kind {
            RecordKind::Consultation => records::each_copied(
                &mut tx,
                &format!(
                    "SELECT {} FROM consultation r ORDER BY r.id",
                    select_list(consultation::FIELDS, "r")
                ),
                |c: Consultation, _| each(Exported::Consultation(c)),
            ),
            RecordKind::Referral => records::each_copied(
                &mut tx,
                &format!(
                    "SELECT {}, c.uuid AS consultation_uuid FROM referral r \
                     JOIN consultation c ON c.id = r.consultation_id ORDER BY r.id",
                    select_list(referral::FIELDS, "r")
                ),
                |r: Referral, row| {
                    let c = link(row, "consultation_uuid")?
                        .ok_or_else(|| Error::failure(format!("{} has no consultation", r.id)))?;
                    each(Exported::Referral(r, c))
                },
            ),
            RecordKind::Review => records::each_copied(
                &mut tx,
                &format!(
                    "SELECT {}, c.uuid AS consultation_uuid, r.uuid AS referral_uuid \
                     FROM review v \
                     LEFT JOIN consultation c ON c.id = v.consultation_id \
                     LEFT JOIN referral r ON r.id = v.referral_id ORDER BY v.id",
                    select_list(review::FIELDS, "v")
                ),
                |v: Review, row| {
                    let c = link(row, "consultation_uuid")?;
                    let r = link(row, "referral_uuid")?;
                    each(Exported::Review(v, c, r))
                },
            ),
            RecordKind::Audit => records::each_copied(
                &mut tx,
                &format!(
                    "SELECT {}, c.uuid AS consultation_uuid FROM audit a \
                     JOIN consultation c ON c.id = a.consultation_id ORDER BY a.id",
                    select_list(audit::FIELDS, "a")
                ),
                |a: Audit, row| {
                    let c = link(row, "consultation_uuid")?
                        .ok_or_else(|| Error::failure(format!("{} has no consultation", a.id)))?;
                    each(Exported::Audit(a, c))
                },
            ),
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
        let advisor = advisor.map(Text::as_str);
        // Both cursors go in consultation order: this consultation's reviews are taken off
        // the front of the second, so no more than one consultation's reviews are held.
        let mut reviews = Cursor::open(
            &self.tx,
            &format!(
                "SELECT {} FROM review r WHERE r.voided_at IS NULL \
                 AND r.consultation_id IN ({due}) ORDER BY r.consultation_id, r.date, r.id",
                select_list(review::FIELDS, "r")
            ),
            &[&horizon, &advisor],
        )?;
        let mut consultations = Cursor::open(
            &self.tx,
            &format!(
                "SELECT {} FROM consultation r WHERE r.id IN ({due}) ORDER BY r.id",
                select_list(consultation::FIELDS, "r")
            ),
            &[&horizon, &advisor],
        )?;
        let mut pending: Option<Review> = reviews.next(&self.tx)?;
        let mut own = Vec::new();
        while let Some(c) = consultations.next::<Consultation>(&self.tx)? {
            own.clear();
            while let Some(v) = pending.take() {
                match v.consultation {
                    Some(of) if of > c.id => {
                        pending = Some(v);
                        break;
                    }
                    Some(of) if of == c.id => own.push(v),
                    _ => {}
                }
                pending = reviews.next(&self.tx)?;
            }
            each(&c, &own)?;
        }
        Ok(())
    }

    fn pending_referrals(&self, advisor: Option<&Text>) -> Result<Vec<Referral>> {
        // A pending referral's consultation is due from the day it was made at the latest, so
        // one advisor's are found through the index of what is due by advisor.
        let mine = match advisor {
            Some(_) => {
                " AND r.consultation_id IN (SELECT id FROM consultation \
                   WHERE caselog_fold(advisor) = caselog_fold($1) AND due_from IS NOT NULL)"
            }
            None => " AND $1::text IS NULL",
        };
        let advisor = advisor.map(Text::as_str);
        self.query(
            &format!(
                "SELECT {} FROM referral r WHERE r.result = 'pending' AND r.voided_at IS NULL\
                 {mine} ORDER BY r.date, r.id",
                select_list(referral::FIELDS, "r")
            ),
            &[&advisor],
        )
    }

    fn tallies(
        &self,
        period: Period,
        as_at: NaiveDate,
        by: Option<Grouping>,
    ) -> Result<BTreeMap<Option<String>, Tally>> {
        super::figures::tallies(&mut self.tx.borrow_mut(), period, as_at, by)
    }
}

/// A linked record's UUID from a joined column.
fn link(row: &impl ColumnValues, name: &'static str) -> Result<Option<uuid::Uuid>> {
    row.get(name).map_err(records::damaged)
}

impl Writer for PostgresTxn<'_> {
    fn insert(&mut self, kind: RecordKind, wanted: i64, columns: &Columns) -> Result<Option<i64>> {
        let sql = records::insert_sql(kind, columns);
        let tx = self.tx.get_mut();
        let stmt = match self.inserts.get(&sql) {
            Some(stmt) => stmt.clone(),
            None => {
                let stmt = tx.prepare(&sql)?;
                self.inserts.insert(sql, stmt.clone());
                stmt
            }
        };
        let saved = records::insert(tx, &stmt, wanted, columns)?;
        if wanted > 0 && saved == Some(wanted) {
            self.kept.insert(table(kind));
        }
        Ok(saved)
    }

    fn update(&mut self, id: RecordId, columns: &Columns) -> Result<()> {
        self.check_own(id)?;
        records::update(self.tx.get_mut(), id, columns)?;
        Ok(())
    }

    fn set_voided(&mut self, id: RecordId, voided: &Voided) -> Result<()> {
        self.check_own(id)?;
        records::set_voided(self.tx.get_mut(), id, voided)?;
        Ok(())
    }

    fn insert_amendment(
        &mut self,
        id: RecordId,
        change: &Change,
        reason: &str,
        at: &Timestamp,
    ) -> Result<()> {
        self.check_own(id)?;
        let at = Value::text(at.to_string());
        self.tx.get_mut().execute(
            "INSERT INTO amendment (record, record_id, field, old_value, new_value, reason, \
             amended_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                &id.kind.noun(),
                &id.number,
                &change.field,
                &change.old,
                &change.new,
                &reason,
                &Param(&at),
            ],
        )?;
        Ok(())
    }

    /// Written through `caselog_keep_due_from` (`due`), whoever recorded the consultation:
    /// a review or referral may be added to another advisor's.
    fn refresh_due_from(&mut self, id: ConsultationId) -> Result<()> {
        super::due::refresh(self.tx.get_mut(), id.0)
    }

    /// A batch of consultations at a time (`due`), as version 5 fills the column.
    fn refresh_every_due_from(&mut self) -> Result<()> {
        super::due::refresh_every(self.tx.get_mut())
    }

    fn commit(mut self: Box<Self>) -> Result<()> {
        let tx = self.tx.get_mut();
        for table in &self.kept {
            tx.execute("SELECT caselog_number_past($1)", &[table])?;
        }
        self.tx.into_inner().commit().map_err(super::lost_on_commit)
    }
}
