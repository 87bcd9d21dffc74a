//! The storage seam. A logbook is kept by an engine (a SQLite file, or a team logbook on a
//! PostgreSQL server) behind three traits:
//! `Storage` opens transactions, `Reader` reads records in one consistent snapshot, `Writer`
//! saves them. An engine implements the primitives — a record in, a record out, by the field
//! tables — and the rules that involve several records are written once here, on top of them:
//! a referral's result follows its latest review, a record is not voided while records made
//! from it stand, and a correction keeps what it replaced. `conformance` checks any engine
//! against all of it. No SQL lives outside this module.

pub mod conformance;
pub mod postgres;
pub mod sqlite;

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::domain::amendment::{self, Amendment, Change};
use crate::domain::codes::{Agency, Outcome};
use crate::domain::consultation::{self, Consultation};
use crate::domain::fields::{Class, Field, Load, Value};
use crate::domain::ids::{ConsultationId, RecordId, RecordKind, ReferralId, ReviewId};
use crate::domain::invalid::FieldName;
use crate::domain::period::Period;
use crate::domain::record::{Timestamp, Voided};
use crate::domain::referral::{self, Referral};
use crate::domain::review::{self, Review};
use crate::domain::text::Text;
use crate::domain::values::Level;
use crate::error::{Error, Result};
use crate::report::figures::{Grouping, Tally};

pub use self::postgres::PostgresLogbook;
pub use sqlite::{Access, SqliteLogbook};

/// An open logbook: a file of one's own, or a team logbook on a server.
pub enum Logbook {
    Sqlite(SqliteLogbook),
    Postgres(Box<PostgresLogbook>),
}

impl Logbook {
    /// The logbook's file, which nothing may be written over; a team logbook has none here.
    pub fn file(&self) -> Option<&std::path::Path> {
        match self {
            Logbook::Sqlite(l) => Some(l.path()),
            Logbook::Postgres(_) => None,
        }
    }

    /// The logbook as messages name it: its file, or its URL without a password.
    pub fn name(&self) -> String {
        match self {
            Logbook::Sqlite(l) => l.path().display().to_string(),
            Logbook::Postgres(l) => l.shown().to_string(),
        }
    }

    fn storage(&mut self) -> &mut dyn Storage {
        match self {
            Logbook::Sqlite(l) => l,
            Logbook::Postgres(l) => l.as_mut(),
        }
    }
}

impl Storage for Logbook {
    fn check(&mut self) -> Result<Health> {
        self.storage().check()
    }
    fn read(&mut self) -> Result<Box<dyn Reader + '_>> {
        self.storage().read()
    }
    fn write(&mut self) -> Result<Box<dyn Writer + '_>> {
        self.storage().write()
    }
}

/// What `check` finds: whether the logbook is sound, and what it holds.
#[derive(Debug, serde::Serialize)]
pub struct Health {
    pub logbook: String,
    pub schema_version: i64,
    /// The schema version this caselog writes.
    #[serde(skip)]
    pub latest_version: i64,
    /// The engine's own integrity check: `["ok"]`, or what it found.
    pub integrity: Vec<String>,
    /// Records whose links point at records that are not there.
    pub foreign_keys: Vec<String>,
    pub records: Vec<Count>,
    pub ok: bool,
}

/// How many records of a kind a logbook holds.
#[derive(Debug, serde::Serialize)]
pub struct Count {
    pub table: &'static str,
    pub total: i64,
    pub voided: i64,
}

/// An open logbook, of whatever engine.
pub trait Storage {
    /// Checks the logbook's integrity and counts its records. A damaged logbook is reported,
    /// not refused.
    fn check(&mut self) -> Result<Health>;

    /// A read transaction: one consistent snapshot for everything a command reads.
    fn read(&mut self) -> Result<Box<dyn Reader + '_>>;
    /// A write transaction, holding the write lock from the start so that concurrent writers
    /// queue rather than fail half-way.
    fn write(&mut self) -> Result<Box<dyn Writer + '_>>;
}

/// What `list` narrows consultations by; every filter is optional.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub family: Option<Text>,
    pub agency: Option<Agency>,
    pub outcome: Option<Outcome>,
}

/// An earlier consultation about the same family, as shown when a new one is recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct Earlier {
    pub id: ConsultationId,
    pub date: NaiveDate,
    pub level: Level,
    pub outcome: Outcome,
}

/// Every record about a family, voided ones too.
#[derive(Debug, Default)]
pub struct Family {
    pub consultations: Vec<Consultation>,
    pub referrals: Vec<Referral>,
    pub reviews: Vec<Review>,
}

/// One record of an export, with the UUIDs of the records it hangs from, so that an import can
/// link it in another logbook.
pub enum Exported {
    Consultation(Consultation),
    Referral(Referral, uuid::Uuid),
    Review(Review, Option<uuid::Uuid>, Option<uuid::Uuid>),
}

/// Reading, in one snapshot. Records voided or not, unless a method says otherwise.
pub trait Reader {
    fn consultation(&self, id: ConsultationId) -> Result<Option<Consultation>>;
    fn referral(&self, id: ReferralId) -> Result<Option<Referral>>;
    fn review(&self, id: ReviewId) -> Result<Option<Review>>;
    /// Whether a record exists.
    fn exists(&self, id: RecordId) -> Result<bool>;
    /// The number of the record of this kind with this UUID.
    fn find_uuid(&self, kind: RecordKind, uuid: uuid::Uuid) -> Result<Option<i64>>;
    /// The corrections made to a record, oldest first.
    fn amendments(&self, id: RecordId) -> Result<Vec<Amendment>>;
    /// The referrals made from a consultation, in ID order.
    fn referrals_from(&self, id: ConsultationId) -> Result<Vec<Referral>>;
    /// The reviews of a consultation or of a referral, oldest first (by date, then ID).
    fn reviews_of(&self, id: RecordId) -> Result<Vec<Review>>;
    /// Every record about a family (the reference in any case), in ID order.
    fn family(&self, family: &Text) -> Result<Family>;
    /// The family's consultations, not voided, from `date` − 365 days to the day before,
    /// oldest first: the window of `repeat_consultations`.
    fn family_year_before(&self, family: &Text, date: NaiveDate) -> Result<Vec<Earlier>>;
    /// Consultations, not voided, that match the filter, in ID order, one at a time.
    fn consultations(
        &self,
        filter: &Filter,
        each: &mut dyn FnMut(Consultation) -> Result<()>,
    ) -> Result<()>;
    /// How many records of a kind `each_in_period` would give.
    fn count_in_period(&self, kind: RecordKind, period: Period) -> Result<u64>;
    /// The records of a kind dated in the period, in ID order, one at a time; voided records,
    /// and records hanging from voided ones, left out.
    fn each_in_period(
        &self,
        kind: RecordKind,
        period: Period,
        each: &mut dyn FnMut(Exported) -> Result<()>,
    ) -> Result<()>;
    /// Every record of a kind, voided ones too, in ID order, one at a time, with the UUIDs of
    /// the records it hangs from: all that `push` sends to a team logbook.
    fn every(&self, kind: RecordKind, each: &mut dyn FnMut(Exported) -> Result<()>) -> Result<()>;
    /// The consultations, not voided, that could be on the weekly list looking up to
    /// `horizon` — a follow-up on or before it, set by the consultation or one of its
    /// reviews, or a referral pending — each with its reviews that are not voided, oldest
    /// first, one at a time. The list's own rules then decide.
    fn may_be_due(
        &self,
        horizon: NaiveDate,
        each: &mut dyn FnMut(&Consultation, &[Review]) -> Result<()>,
    ) -> Result<()>;
    /// Referrals not voided whose result is still pending, oldest first.
    fn pending_referrals(&self) -> Result<Vec<Referral>>;
    /// The counts behind the figures of a period, by group (one group "" when not grouped).
    fn tallies(
        &self,
        period: Period,
        today: NaiveDate,
        by: Option<Grouping>,
    ) -> Result<BTreeMap<String, Tally>>;
}

/// A record's fields as an engine stores them: the column and its value.
pub type Columns = Vec<(FieldName, Value<'static>)>;

/// Writing, in one transaction that is committed whole or not at all. The primitives are the
/// engine's; the rules below are caselog's, the same for every engine.
pub trait Writer: Reader {
    /// Saves a record unless one with the same UUID is already there (then none). `wanted` is
    /// the number to keep when it is free (imports), or 0 for the next one. `bulk` is set while
    /// `begin_bulk` is in force.
    fn insert(&mut self, kind: RecordKind, wanted: i64, columns: &Columns) -> Result<Option<i64>>;
    /// Writes a record's changed fields back; its stamp and what it hangs from are kept.
    fn update(&mut self, id: RecordId, columns: &Columns) -> Result<()>;
    fn set_voided(&mut self, id: RecordId, voided: &Voided) -> Result<()>;
    fn insert_amendment(
        &mut self,
        id: RecordId,
        change: &Change,
        reason: &str,
        at: &Timestamp,
    ) -> Result<()>;
    /// Prepares to add many records of a kind to an empty table, if the engine can do that
    /// faster; says whether it did. `finish_bulk` ends it before the transaction commits.
    fn begin_bulk(&mut self, _kind: RecordKind) -> Result<bool> {
        Ok(false)
    }
    fn finish_bulk(&mut self) -> Result<()> {
        Ok(())
    }
    fn commit(self: Box<Self>) -> Result<()>;

    /// Saves a new consultation and returns its ID.
    fn add_consultation(&mut self, c: &Consultation) -> Result<ConsultationId> {
        add(self, c, c.id.0).map(ConsultationId)
    }

    /// Saves a new referral and returns its ID.
    fn add_referral(&mut self, r: &Referral) -> Result<ReferralId> {
        add(self, r, r.id.0).map(ReferralId)
    }

    /// Saves a new review and returns its ID; a decision on a referral becomes the referral's
    /// result when it is now its latest review.
    fn add_review(&mut self, v: &Review) -> Result<ReviewId> {
        let id = add(self, v, v.id.0).map(ReviewId)?;
        if let Some(r) = v.referral {
            self.follow_reviews(r, None)?;
        }
        Ok(id)
    }

    /// Brings a referral's result into line with its latest review that is not voided. With
    /// `why`, what changed is kept as amendments of the referral (a review voided or amended).
    fn follow_reviews(&mut self, id: ReferralId, why: Option<(&str, &Timestamp)>) -> Result<()> {
        let Some(old) = self.referral(id)? else {
            return Ok(());
        };
        let mut new = old.clone();
        new.follow_latest_review(&self.reviews_of(id.any())?);
        let changes = amendment::changes(referral::FIELDS, &old, &new);
        if changes.is_empty() {
            return Ok(());
        }
        if let Some((reason, at)) = why {
            for change in &changes {
                self.insert_amendment(id.any(), change, reason, at)?;
            }
        }
        self.update(id.any(), &changed(referral::FIELDS, &new, &changes))
    }

    /// Marks a record as entered in error, with when and why. Refused while records made from
    /// it still stand; voiding a decision puts its referral's result back to what the
    /// remaining reviews say.
    fn void(&mut self, id: RecordId, reason: &Text, at: &Timestamp) -> Result<()> {
        let standing = self.standing_on(id)?;
        if let Some(first) = standing.first() {
            let list: Vec<String> = standing.iter().map(ToString::to_string).collect();
            return Err(Error::input(format!(
                "{id} still has records made from it: {}",
                list.join(", ")
            ))
            .hint(format!(
                "void those first if they were also made in error: caselog void {first} --reason TEXT"
            )));
        }
        let voided = Voided {
            at: at.clone(),
            reason: reason.clone(),
        };
        self.set_voided(id, &voided)?;
        if id.kind == RecordKind::Review
            && let Some(v) = self.review(ReviewId(id.number))?
            && let Some(r) = v.referral
        {
            self.follow_reviews(r, Some((&format!("{id} voided: {reason}"), at)))?;
        }
        Ok(())
    }

    /// The records made from a record that still stand (not voided).
    fn standing_on(&self, id: RecordId) -> Result<Vec<RecordId>> {
        let mut standing = Vec::new();
        if id.kind == RecordKind::Consultation {
            standing.extend(
                self.referrals_from(ConsultationId(id.number))?
                    .iter()
                    .filter(|r| r.voided.is_none())
                    .map(|r| r.id.any()),
            );
        }
        if matches!(id.kind, RecordKind::Consultation | RecordKind::Referral) {
            standing.extend(
                self.reviews_of(id)?
                    .iter()
                    .filter(|v| v.voided.is_none())
                    .map(|v| v.id.any()),
            );
        }
        Ok(standing)
    }

    /// Corrects a consultation: each changed field becomes an amendment. Returns the changes.
    fn amend_consultation(
        &mut self,
        old: &Consultation,
        new: &Consultation,
        reason: &str,
        at: &Timestamp,
    ) -> Result<Vec<Change>> {
        amend(
            self,
            consultation::FIELDS,
            old.id.any(),
            old,
            new,
            reason,
            at,
        )
    }

    /// Corrects a referral.
    fn amend_referral(
        &mut self,
        old: &Referral,
        new: &Referral,
        reason: &str,
        at: &Timestamp,
    ) -> Result<Vec<Change>> {
        amend(self, referral::FIELDS, old.id.any(), old, new, reason, at)
    }

    /// Corrects a review; a decision's referral follows it, its own amendments kept first.
    fn amend_review(
        &mut self,
        old: &Review,
        new: &Review,
        reason: &str,
        at: &Timestamp,
    ) -> Result<Vec<Change>> {
        let changes = amendment::changes(review::FIELDS, old, new);
        if changes.is_empty() {
            return Ok(changes);
        }
        let id = old.id.any();
        self.update(id, &changed(review::FIELDS, new, &changes))?;
        if let Some(r) = new.referral {
            self.follow_reviews(r, Some((&format!("{id} amended: {reason}"), at)))?;
        }
        for change in &changes {
            self.insert_amendment(id, change, reason, at)?;
        }
        Ok(changes)
    }
}

/// Saves a new record through its field table.
fn add<W, R, D>(w: &mut W, record: &R, wanted: i64) -> Result<i64>
where
    W: Writer + ?Sized,
    R: Load + Tabled<D>,
    D: 'static,
{
    let kind = R::KIND;
    w.insert(kind, wanted, &columns(R::table(), record))?
        .ok_or_else(|| {
            Error::failure(format!(
                "a {} with the same UUID is already saved",
                kind.noun()
            ))
        })
}

/// Every column of a new record: its fields but its ID, which `insert` is given apart.
pub fn columns<R: 'static, D: 'static>(table: &'static [Field<R, D>], record: &R) -> Columns {
    table
        .iter()
        .filter(|f| f.name != "id")
        .map(|f| (f.name, (f.value)(record)))
        .collect()
}

/// The columns of the fields that changed.
fn changed<R: 'static, D: 'static>(
    table: &'static [Field<R, D>],
    record: &R,
    changes: &[Change],
) -> Columns {
    table
        .iter()
        .filter(|f| !matches!(f.class, Class::Stamp | Class::Link))
        .filter(|f| changes.iter().any(|c| c.field == f.name))
        .map(|f| (f.name, (f.value)(record)))
        .collect()
}

fn amend<W: Writer + ?Sized, R: 'static, D: 'static>(
    w: &mut W,
    table: &'static [Field<R, D>],
    id: RecordId,
    old: &R,
    new: &R,
    reason: &str,
    at: &Timestamp,
) -> Result<Vec<Change>> {
    let changes = amendment::changes(table, old, new);
    if changes.is_empty() {
        return Ok(changes);
    }
    for change in &changes {
        w.insert_amendment(id, change, reason, at)?;
    }
    w.update(id, &changed(table, new, &changes))?;
    Ok(changes)
}

/// A kind of record and its field table.
pub trait Tabled<D: 'static>: Sized + 'static {
    const KIND: RecordKind;
    fn table() -> &'static [Field<Self, D>];
}

impl Tabled<consultation::Draft> for Consultation {
    const KIND: RecordKind = RecordKind::Consultation;
    fn table() -> &'static [Field<Self, consultation::Draft>] {
        consultation::FIELDS
    }
}

impl Tabled<referral::Draft> for Referral {
    const KIND: RecordKind = RecordKind::Referral;
    fn table() -> &'static [Field<Self, referral::Draft>] {
        referral::FIELDS
    }
}

impl Tabled<review::Draft> for Review {
    const KIND: RecordKind = RecordKind::Review;
    fn table() -> &'static [Field<Self, review::Draft>] {
        review::FIELDS
    }
}
