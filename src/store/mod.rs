//! The storage seam. A logbook is kept by an engine (a SQLite file, or a team logbook on a
//! PostgreSQL server) behind three traits:
//! `Storage` opens transactions, `Reader` reads records in one consistent snapshot, `Writer`
//! saves them. An engine implements the primitives — a record in, a record out, by the field
//! tables — and the rules that involve several records are written once here, on top of them:
//! a referral's result follows its latest review, a record is not voided while records made
//! from it (referrals, reviews, audits) stand, a correction keeps what it replaced, and a family
//! keeps its first spelling. `conformance` checks any engine
//! against all of it. No SQL lives outside this module.

pub mod conformance;
pub mod postgres;
pub mod sqlite;

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::domain::amendment::{self, Amendment, Change};
use crate::domain::audit::{self, Audit};
use crate::domain::checklist::Checklist;
use crate::domain::codes::{Agency, CodeList, Outcome};
use crate::domain::consultation::{self, Consultation};
use crate::domain::family::{self, FamilyKey, Respelled};
use crate::domain::fields::{Class, Field, Load, Stored, Value};
use crate::domain::follow_up;
use crate::domain::history::{self, Entry};
use crate::domain::ids::{AuditId, ConsultationId, RecordId, RecordKind, ReferralId, ReviewId};
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
    fn read_figures(&mut self) -> Result<Box<dyn Reader + '_>> {
        self.storage().read_figures()
    }
    fn write(&mut self) -> Result<Box<dyn Writer + '_>> {
        self.storage().write()
    }
    fn write_to_fill(&mut self) -> Result<Box<dyn Writer + '_>> {
        self.storage().write_to_fill()
    }
    fn stopper(&self) -> Option<Stop> {
        match self {
            Logbook::Sqlite(l) => l.stopper(),
            Logbook::Postgres(l) => l.stopper(),
        }
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
    /// A read transaction for the figures (`Reader::tallies`), which an engine may share out
    /// among more than one connection reading the same snapshot.
    fn read_figures(&mut self) -> Result<Box<dyn Reader + '_>> {
        self.read()
    }
    /// A write transaction, holding the write lock from the start so that concurrent writers
    /// queue rather than fail half-way.
    fn write(&mut self) -> Result<Box<dyn Writer + '_>>;
    /// A write transaction to fill the logbook with many records at once (an import). When
    /// this open created the logbook and it holds no records yet, an engine may write it the
    /// way that suits a bulk load best; the logbook is as it always is again once it is closed,
    /// whether the transaction was committed or not.
    fn write_to_fill(&mut self) -> Result<Box<dyn Writer + '_>> {
        self.write()
    }
    /// What stops, from another thread, the statement running on this logbook (when the
    /// engine can): the statement fails, and its transaction can only be rolled back.
    fn stopper(&self) -> Option<Stop> {
        None
    }
}

/// Stops the statement running on a logbook from another thread (`Storage::stopper`).
pub type Stop = Box<dyn Fn() + Send>;

/// What `list` narrows consultations by; every filter is optional.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// The family, by its key.
    pub family: Option<FamilyKey>,
    pub agency: Option<Agency>,
    /// The consultee's organisation, in any case (A–Z).
    pub organisation: Option<Text>,
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
    pub audits: Vec<Audit>,
}

impl Family {
    /// Every record as an entry of the family's chronology, in order.
    pub fn chronology(&self, checklist: &Checklist) -> Vec<Entry> {
        let mut entries: Vec<Entry> = self
            .consultations
            .iter()
            .map(|c| Entry::consultation(c, checklist))
            .chain(self.referrals.iter().map(|r| Entry::referral(r, checklist)))
            .chain(self.reviews.iter().map(|v| Entry::review(v, checklist)))
            .chain(self.audits.iter().map(|a| Entry::audit(a, checklist)))
            .collect();
        history::sort(&mut entries);
        entries
    }

    /// The family's spelling (domain brief §2.1): that of its lowest-numbered consultation not
    /// voided, or of its lowest-numbered one when every one was voided.
    pub fn spelling(&self) -> Option<&Text> {
        self.consultations
            .iter()
            .min_by_key(|c| (c.voided.is_some(), c.id))
            .map(|c| &c.family)
    }
}

/// One record of an export, with the UUIDs of the records it hangs from, so that an import can
/// link it in another logbook. Records are passed one at a time, so a consultation is not boxed:
/// an export would allocate for every row.
#[allow(clippy::large_enum_variant)]
pub enum Exported {
    Consultation(Consultation),
    Referral(Referral, uuid::Uuid),
    Review(Review, Option<uuid::Uuid>, Option<uuid::Uuid>),
    Audit(Audit, uuid::Uuid),
}

/// Reading, in one snapshot. Records voided or not, unless a method says otherwise.
pub trait Reader {
    fn consultation(&self, id: ConsultationId) -> Result<Option<Consultation>>;
    fn referral(&self, id: ReferralId) -> Result<Option<Referral>>;
    fn review(&self, id: ReviewId) -> Result<Option<Review>>;
    fn audit(&self, id: AuditId) -> Result<Option<Audit>>;
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
    /// The audits of a consultation, voided or not, oldest first (by date, then ID).
    fn audits_of(&self, id: ConsultationId) -> Result<Vec<Audit>>;
    /// The audits, not voided, of the consultations, not voided, dated in the period —
    /// whatever the audits' own dates — by consultation, then oldest first (by date, then ID).
    fn audits_of_period(&self, period: Period) -> Result<Vec<Audit>>;
    /// Every record about a family (by its key, whatever each was typed as), in ID order.
    fn family(&self, family: &FamilyKey) -> Result<Family>;
    /// The family's consultations, not voided, from `date` − 365 days to `date`, oldest first:
    /// for a consultation about to be added on `date`, the window of `repeat_consultations`
    /// (on its own date, every one already there has a lower ID).
    fn family_year_before(&self, family: &FamilyKey, date: NaiveDate) -> Result<Vec<Earlier>>;
    /// The spelling of the family's lowest-numbered consultation that is not voided, leaving
    /// out the consultation `except` (one being corrected); none for a family not recorded.
    fn family_spelling(
        &self,
        family: &FamilyKey,
        except: Option<ConsultationId>,
    ) -> Result<Option<Text>>;
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
    /// first, one at a time. Only `advisor`'s consultations (in any case, A–Z) when given.
    /// The list's own rules then decide.
    fn may_be_due(
        &self,
        horizon: NaiveDate,
        advisor: Option<&Text>,
        each: &mut dyn FnMut(&Consultation, &[Review]) -> Result<()>,
    ) -> Result<()>;
    /// Referrals not voided whose result is still pending, oldest first; only those made from
    /// `advisor`'s consultations when given.
    fn pending_referrals(&self, advisor: Option<&Text>) -> Result<Vec<Referral>>;
    /// The counts behind the figures of a period (domain brief §5) as at `as_at`, by group:
    /// the agency, organisation, setting or advisor of each record's consultation, or the
    /// month of its own date (a follow-up's due date). A group appears when it has anything to
    /// count. The group is none when the figures are not grouped, and for the consultations
    /// with no organisation recorded. Follow-ups are counted as `follow_up::follow_ups`
    /// defines them.
    fn tallies(
        &self,
        period: Period,
        as_at: NaiveDate,
        by: Option<Grouping>,
    ) -> Result<BTreeMap<Option<String>, Tally>>;

    /// The spelling a consultation's family is recorded under (domain brief §2.1): the
    /// spelling of the family's first consultation when it has one — leaving out the
    /// consultation itself, when it is being corrected — otherwise the one typed. Sets it in
    /// the consultation, and says when it replaced what was typed.
    fn spell_family(&self, c: &mut Consultation, correcting: bool) -> Result<Option<Respelled>> {
        let except = correcting.then_some(c.id);
        let known = self.family_spelling(&c.family_key(), except)?;
        let (kept, respelled) = family::spelling(known, &c.family);
        c.family = kept;
        Ok(respelled)
    }

    /// The family's records dated in the 365 days up to `today`, none voided: what the form
    /// shows when a family is entered (`history::last_year` words it).
    fn family_last_year(&self, family: &FamilyKey, today: NaiveDate) -> Result<Family> {
        let since = today - chrono::Days::new(365);
        let within = |date: NaiveDate| since <= date && date <= today;
        let mut records = self.family(family)?;
        records
            .consultations
            .retain(|c| c.voided.is_none() && within(c.date));
        records
            .referrals
            .retain(|r| r.voided.is_none() && within(r.date));
        records
            .reviews
            .retain(|v| v.voided.is_none() && within(v.date));
        Ok(records)
    }
}

/// A record's fields as an engine stores them: the column and its value.
pub type Columns = Vec<(FieldName, Value<'static>)>;

/// A UUID that several records of a bulk load were given, and those records' numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    pub uuid: uuid::Uuid,
    pub numbers: Vec<i64>,
}

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
    /// faster; says whether it did. While it lasts, a record is not checked against the others'
    /// UUIDs as it is added: `finish_bulk` does that, and ends it before the transaction
    /// commits.
    fn begin_bulk(&mut self, _kind: RecordKind) -> Result<bool> {
        Ok(false)
    }
    /// Ends a bulk load. When records it added share a UUID, the load cannot stand: the first
    /// `limit` such UUIDs are returned, with the records that have them.
    fn finish_bulk(&mut self, _limit: usize) -> Result<Vec<Duplicate>> {
        Ok(Vec::new())
    }
    fn commit(self: Box<Self>) -> Result<()>;

    /// Saves a new consultation and returns its ID.
    fn add_consultation(&mut self, c: &Consultation) -> Result<ConsultationId> {
        add(self, c, c.id.0).map(ConsultationId)
    }

    /// Saves a new referral and returns its ID.
    fn add_referral(&mut self, r: &Referral) -> Result<ReferralId> {
        let id = add(self, r, r.id.0).map(ReferralId)?;
        self.refresh_due_from(r.consultation)?;
        Ok(id)
    }

    /// Saves a new audit and returns its ID.
    fn add_audit(&mut self, a: &Audit) -> Result<AuditId> {
        add(self, a, a.id.0).map(AuditId)
    }

    /// Saves a new review and returns its ID; a decision on a referral becomes the referral's
    /// result when it is now its latest review.
    fn add_review(&mut self, v: &Review) -> Result<ReviewId> {
        let id = add(self, v, v.id.0).map(ReviewId)?;
        self.review_changed(v, None)?;
        Ok(id)
    }

    /// What follows from a review added, corrected or voided: a decision's referral takes its
    /// result from its latest review (with `why`, keeping what changed as its amendments), and a
    /// consultation's `due_from` follows its reviews.
    fn review_changed(&mut self, v: &Review, why: Option<(&str, &Timestamp)>) -> Result<()> {
        if let Some(r) = v.referral {
            self.follow_reviews(r, why)?;
        }
        if let Some(c) = v.consultation {
            self.refresh_due_from(c)?;
        }
        Ok(())
    }

    /// Keeps a consultation's `due_from` as its reviews and referrals now say
    /// (`follow_up::due_from`).
    fn refresh_due_from(&mut self, id: ConsultationId) -> Result<()> {
        let Some(c) = self.consultation(id)? else {
            return Ok(());
        };
        let reviews = self.reviews_of(id.any())?;
        let referrals = self.referrals_from(id)?;
        let due = follow_up::due_from(&c, &reviews, &referrals);
        self.update(id.any(), &vec![(DUE_FROM, due.stored())])
    }

    /// Brings every consultation's `due_from` up to date: after a bulk load of referrals or
    /// reviews, which saves them without it. An engine may do it in one pass.
    fn refresh_every_due_from(&mut self) -> Result<()> {
        let mut ids = Vec::new();
        self.consultations(&Filter::default(), &mut |c| {
            ids.push(c.id);
            Ok(())
        })?;
        for id in ids {
            self.refresh_due_from(id)?;
        }
        Ok(())
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
        self.update(id.any(), &changed(&new, &changes))?;
        self.refresh_due_from(new.consultation)
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
        match id.kind {
            RecordKind::Consultation => self.refresh_due_from(ConsultationId(id.number))?,
            RecordKind::Referral => {
                if let Some(r) = self.referral(ReferralId(id.number))? {
                    self.refresh_due_from(r.consultation)?;
                }
            }
            RecordKind::Review => {
                if let Some(v) = self.review(ReviewId(id.number))? {
                    let why = format!("{id} voided: {reason}");
                    self.review_changed(&v, Some((&why, at)))?;
                }
            }
            RecordKind::Audit => {}
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
        if id.kind == RecordKind::Consultation {
            standing.extend(
                self.audits_of(ConsultationId(id.number))?
                    .iter()
                    .filter(|a| a.voided.is_none())
                    .map(|a| a.id.any()),
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
        let changes = amend(self, old.id.any(), old, new, reason, at)?;
        self.refresh_due_from(new.id)?;
        Ok(changes)
    }

    /// Corrects a referral.
    fn amend_referral(
        &mut self,
        old: &Referral,
        new: &Referral,
        reason: &str,
        at: &Timestamp,
    ) -> Result<Vec<Change>> {
        let changes = amend(self, old.id.any(), old, new, reason, at)?;
        self.refresh_due_from(new.consultation)?;
        Ok(changes)
    }

    /// Corrects an audit.
    fn amend_audit(
        &mut self,
        old: &Audit,
        new: &Audit,
        reason: &str,
        at: &Timestamp,
    ) -> Result<Vec<Change>> {
        amend(self, old.id.any(), old, new, reason, at)
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
        self.update(id, &changed(new, &changes))?;
        self.review_changed(new, Some((&format!("{id} amended: {reason}"), at)))?;
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
    w.insert(kind, wanted, &columns(record))?.ok_or_else(|| {
        Error::failure(format!(
            "{} with the same UUID is already saved",
            kind.a_noun()
        ))
    })
}

/// The column kept beside a consultation's `family`: its key (domain brief §2.1), by which
/// families are found, linked and counted. Worked out from the family, never typed, shown or
/// exported.
pub const FAMILY_KEY: FieldName = "family_key";

/// The column kept beside a consultation: the first day it belongs on the weekly list
/// (`follow_up::due_from`), so that the list is read from an index. Worked out from the
/// consultation, its reviews and its referrals whenever one of them changes; never typed, shown
/// or exported.
pub const DUE_FROM: FieldName = "due_from";

/// The codes of a list that `keep` picks, as a list of SQL strings for `IN (…)`:
/// `'refer-csc', 'urgent'`. For the engines' figures, which write into their SQL which codes
/// count as what (codes are caselog's own, never a user's text).
pub fn sql_codes<C: CodeList>(keep: fn(C) -> bool) -> String {
    C::ALL
        .iter()
        .filter(|c| keep(**c))
        .map(|c| format!("'{}'", c.code()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every column of a new record: its fields but its ID, which `insert` is given apart, the
/// columns kept to find it by, and those a new record starts with.
pub fn columns<R: Tabled<D>, D: 'static>(record: &R) -> Columns {
    let mut columns: Columns = R::table()
        .iter()
        .filter(|f| f.name != "id")
        .map(|f| (f.name, (f.value)(record)))
        .collect();
    columns.extend(record.index_columns());
    columns.extend(record.fresh_columns());
    columns
}

/// The columns of the fields that changed, and the columns kept to find the record by when
/// what they are worked out from changed.
fn changed<R: Tabled<D>, D: 'static>(record: &R, changes: &[Change]) -> Columns {
    let mut columns: Columns = R::table()
        .iter()
        .filter(|f| !matches!(f.class, Class::Stamp | Class::Link))
        .filter(|f| changes.iter().any(|c| c.field == f.name))
        .map(|f| (f.name, (f.value)(record)))
        .collect();
    if changes.iter().any(|c| R::INDEXED_FROM.contains(&c.field)) {
        columns.extend(record.index_columns());
    }
    columns
}

fn amend<W: Writer + ?Sized, R: Tabled<D>, D: 'static>(
    w: &mut W,
    id: RecordId,
    old: &R,
    new: &R,
    reason: &str,
    at: &Timestamp,
) -> Result<Vec<Change>> {
    let changes = amendment::changes(R::table(), old, new);
    if changes.is_empty() {
        return Ok(changes);
    }
    for change in &changes {
        w.insert_amendment(id, change, reason, at)?;
    }
    w.update(id, &changed(new, &changes))?;
    Ok(changes)
}

/// A kind of record and its field table.
pub trait Tabled<D: 'static>: Sized + 'static {
    const KIND: RecordKind;
    /// The fields the columns kept to find a record by are worked out from.
    const INDEXED_FROM: &'static [FieldName] = &[];
    fn table() -> &'static [Field<Self, D>];
    /// The columns kept to find the record by, beside its fields.
    fn index_columns(&self) -> Columns {
        Vec::new()
    }
    /// The columns worked out from records made from it, as they are while there are none.
    fn fresh_columns(&self) -> Columns {
        Vec::new()
    }
}

impl Tabled<consultation::Draft> for Consultation {
    const KIND: RecordKind = RecordKind::Consultation;
    const INDEXED_FROM: &'static [FieldName] = &["family"];
    fn table() -> &'static [Field<Self, consultation::Draft>] {
        consultation::FIELDS
    }
    fn index_columns(&self) -> Columns {
        vec![(FAMILY_KEY, Value::text(self.family_key().as_str()))]
    }
    fn fresh_columns(&self) -> Columns {
        vec![(DUE_FROM, follow_up::due_from(self, &[], &[]).stored())]
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

impl Tabled<audit::Draft> for Audit {
    const KIND: RecordKind = RecordKind::Audit;
    fn table() -> &'static [Field<Self, audit::Draft>] {
        audit::FIELDS
    }
}
