//! `caselog push TEAM_URL`: sends the records of one's own logbook (`--db`) to a team logbook,
//! by UUID, all or nothing, in one transaction on the server. A record already there with the
//! same content is matched, not sent again, so pushing twice adds nothing; one there with
//! different content stops the push, named. New records get the team's next numbers (the
//! old → new mapping is printed), keep their dates, `created_at`, voiding and amendments, and
//! their links (a referral's consultation, an audit's) are renumbered to match. A consultation
//! of a family the team logbook already has under another spelling is kept under that one
//! (domain brief §2.1), as `consult` and `import` do, and caselog says so. The consultations
//! that referrals and reviews are sent to have their `due_from` worked out again, as when those
//! are recorded one at a time, so that the team's weekly list has them.

use std::collections::{BTreeSet, HashMap};
use std::io::Write;

use serde::Serialize;

use crate::context::Context;
use crate::domain::amendment::Change;
use crate::domain::audit::{self, Audit};
use crate::domain::consultation::{self, Consultation};
use crate::domain::family::Respelled;
use crate::domain::fields::{self, Class, Field, Value};
use crate::domain::ids::{AuditId, ConsultationId, RecordId, RecordKind, ReferralId, ReviewId};
use crate::domain::record::Voided;
use crate::domain::referral::{self, Referral};
use crate::domain::review::{self, Review};
use crate::error::{Error, Result};
use crate::exchange;
use crate::output::{self, Output, View};
use crate::store::postgres::connect;
use crate::store::{self, Exported, PostgresLogbook, Reader, Storage, Tabled, Writer};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The team logbook: postgresql://USER@HOST[:PORT]/DBNAME (libpq's parameters after ?)
    #[arg(value_name = "TEAM_URL")]
    pub team: String,

    #[command(flatten)]
    pub output: Output,
}

/// One record pushed: its number here and on the team logbook.
#[derive(Debug, Serialize)]
pub struct Pushed {
    pub id: RecordId,
    pub team_id: RecordId,
    /// Whether it was sent now (false: it was already there).
    pub added: bool,
}

/// What a push did.
#[derive(Debug, Serialize)]
pub struct Summary {
    pub team: String,
    pub records: Vec<Pushed>,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<()> {
    if !connect::is_url(args.team.as_ref()) {
        return Err(
            Error::input(format!("`{}` is not a team logbook's URL", args.team))
                .hint("give it as postgresql://USER@HOST[:PORT]/DBNAME; your own logbook is --db"),
        );
    }
    let mut own = ctx.open_existing()?;
    let mut team = PostgresLogbook::open(&args.team)?;
    let from = own.read()?;
    let mut to = team.write()?;
    let mut push = Push {
        from: from.as_ref(),
        to: to.as_mut(),
        numbers: HashMap::new(),
        pushed: Vec::new(),
        differing: Vec::new(),
        respelled: Vec::new(),
        followed: BTreeSet::new(),
    };
    // Consultations first: the other kinds hang from them, and reviews from referrals too.
    for kind in RecordKind::ALL {
        let mut records = Vec::new();
        push.from.every(kind, &mut |record| {
            records.push(record);
            Ok(())
        })?;
        for record in records {
            match record {
                Exported::Consultation(c) => push.record(c)?,
                Exported::Referral(r, _) => push.record(r)?,
                Exported::Review(v, _, _) => push.record(v)?,
                Exported::Audit(a, _) => push.record(a)?,
            }
        }
    }
    if let Some(first) = push.differing.first() {
        let more = push.differing.len() - 1;
        let also = if more > 0 {
            format!(
                " (and {}: {})",
                output::count(more, "more record"),
                push.differing[1..]
                    .iter()
                    .map(|d| d.split(' ').next().unwrap_or_default())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else {
            String::new()
        };
        return Err(
            Error::failure(format!("{first}{also}: nothing was pushed")).hint(
                "a record is pushed once: once it is on the team logbook, correct it there \
             (caselog --db TEAM_URL amend ID …) and record on the team logbook from then on",
            ),
        );
    }
    for c in std::mem::take(&mut push.followed) {
        push.to.refresh_due_from(c)?;
    }
    let summary = Summary {
        team: team_name(&args.team),
        records: push.pushed,
    };
    let respelled = push.respelled;
    to.commit()?;
    args.output.print(&summary, out)?;
    // After the summary, on stderr.
    out.flush()?;
    for (id, respelled) in &respelled {
        eprintln!("note: {id}: {respelled}");
    }
    Ok(())
}

/// The team logbook as shown: without its password.
fn team_name(url: &str) -> String {
    connect::Target::parse(url)
        .map(|t| t.shown().to_string())
        .unwrap_or_default()
}

/// A record as `push` handles it, whatever its kind.
trait Record: Tabled<Self::Draft> {
    type Draft: 'static;
    fn fields() -> &'static [Field<Self, Self::Draft>] {
        Self::table()
    }
    fn id(&self) -> RecordId;
    fn uuid(&self) -> uuid::Uuid;
    fn voided(&self) -> Option<&Voided>;
    fn read(from: &dyn Reader, number: i64) -> Result<Option<Self>>;
    /// The consultation whose `due_from` it may change, numbered as here: a referral's, or a
    /// consultation's review's.
    fn follows(&self) -> Option<ConsultationId> {
        None
    }
    /// Keeps a new record under the spelling the team logbook has for its family, if it is
    /// about one; says when that replaced its own.
    fn respell(&mut self, _to: &dyn Reader) -> Result<Option<Respelled>> {
        Ok(None)
    }
}

impl Record for Consultation {
    type Draft = consultation::Draft;
    fn id(&self) -> RecordId {
        self.id.any()
    }
    fn uuid(&self) -> uuid::Uuid {
        self.uuid
    }
    fn voided(&self) -> Option<&Voided> {
        self.voided.as_ref()
    }
    fn read(from: &dyn Reader, number: i64) -> Result<Option<Self>> {
        from.consultation(ConsultationId(number))
    }
    fn respell(&mut self, to: &dyn Reader) -> Result<Option<Respelled>> {
        to.spell_family(self, false)
    }
}

impl Record for Referral {
    type Draft = referral::Draft;
    fn id(&self) -> RecordId {
        self.id.any()
    }
    fn uuid(&self) -> uuid::Uuid {
        self.uuid
    }
    fn voided(&self) -> Option<&Voided> {
        self.voided.as_ref()
    }
    fn read(from: &dyn Reader, number: i64) -> Result<Option<Self>> {
        from.referral(ReferralId(number))
    }
    fn follows(&self) -> Option<ConsultationId> {
        Some(self.consultation)
    }
}

impl Record for Review {
    type Draft = review::Draft;
    fn id(&self) -> RecordId {
        self.id.any()
    }
    fn uuid(&self) -> uuid::Uuid {
        self.uuid
    }
    fn voided(&self) -> Option<&Voided> {
        self.voided.as_ref()
    }
    fn read(from: &dyn Reader, number: i64) -> Result<Option<Self>> {
        from.review(ReviewId(number))
    }
    fn follows(&self) -> Option<ConsultationId> {
        self.consultation
    }
}

impl Record for Audit {
    type Draft = audit::Draft;
    fn id(&self) -> RecordId {
        self.id.any()
    }
    fn uuid(&self) -> uuid::Uuid {
        self.uuid
    }
    fn voided(&self) -> Option<&Voided> {
        self.voided.as_ref()
    }
    fn read(from: &dyn Reader, number: i64) -> Result<Option<Self>> {
        from.audit(AuditId(number))
    }
}

struct Push<'a> {
    from: &'a dyn Reader,
    to: &'a mut dyn Writer,
    /// Each record's number on the team logbook.
    numbers: HashMap<RecordId, i64>,
    pushed: Vec<Pushed>,
    /// The records already on the team logbook with other content, described.
    differing: Vec<String>,
    /// The consultations kept under the team logbook's spelling of their family.
    respelled: Vec<(RecordId, Respelled)>,
    /// The consultations on the team logbook that referrals or reviews were sent to.
    followed: BTreeSet<ConsultationId>,
}

impl Push<'_> {
    fn record<R: Record>(&mut self, mut record: R) -> Result<()> {
        let id = record.id();
        let (number, added) = match self.to.find_uuid(R::KIND, record.uuid())? {
            Some(number) => {
                let columns = self.renumbered::<R>(store::columns(&record))?;
                let there = R::read(&*self.to, number)?
                    .ok_or_else(|| Error::failure(format!("{id} vanished while pushing")))?;
                let theirs = store::columns(&there);
                // A family is the same whatever its spelling: the team logbook may keep it
                // under its own first spelling.
                let same_family = key(&columns) == key(&theirs);
                let mut differ: Vec<&str> = columns
                    .iter()
                    .zip(&theirs)
                    .filter(|((_, mine), (_, theirs))| *mine != *theirs)
                    .map(|((name, _), _)| *name)
                    .filter(|name| *name != store::FAMILY_KEY)
                    .filter(|name| !(*name == "family" && same_family))
                    .collect();
                let team_id = RecordId::new(R::KIND, number);
                if record.voided() != there.voided() {
                    differ.push("voided");
                }
                if self.from.amendments(id)? != self.to.amendments(team_id)? {
                    differ.push("amendments");
                }
                if !differ.is_empty() {
                    self.differing.push(format!(
                        "{id} is on the team logbook as {team_id} (UUID {}) with different \
                         content: {}",
                        record.uuid(),
                        differ.join(", ")
                    ));
                }
                (number, false)
            }
            None => {
                if let Some(respelled) = record.respell(&*self.to)? {
                    self.respelled.push((id, respelled));
                }
                let columns = self.renumbered::<R>(store::columns(&record))?;
                let number = self.to.insert(R::KIND, 0, &columns)?.ok_or_else(|| {
                    Error::failure(format!(
                        "{id}'s UUID appeared on the team logbook meanwhile"
                    ))
                })?;
                let team_id = RecordId::new(R::KIND, number);
                if let Some(voided) = record.voided() {
                    self.to.set_voided(team_id, voided)?;
                }
                for a in self.from.amendments(id)? {
                    let field = fields::find(R::fields(), &a.field)
                        .map(|f| f.name)
                        .ok_or_else(|| {
                            Error::failure(format!(
                                "{id} has an amendment of a field caselog does not know: {}",
                                a.field
                            ))
                        })?;
                    let change = Change {
                        field,
                        old: a.old_value,
                        new: a.new_value,
                    };
                    self.to
                        .insert_amendment(team_id, &change, &a.reason, &a.amended_at)?;
                }
                if let Some(c) = record.follows() {
                    let there = self.numbers.get(&c.any()).ok_or_else(|| {
                        Error::failure(format!(
                            "{c} was not pushed before the records made from it"
                        ))
                    })?;
                    self.followed.insert(ConsultationId(*there));
                }
                (number, true)
            }
        };
        self.numbers.insert(id, number);
        self.pushed.push(Pushed {
            id,
            team_id: RecordId::new(R::KIND, number),
            added,
        });
        Ok(())
    }

    /// A record's columns with its links (a referral's consultation) given the team
    /// logbook's numbers.
    fn renumbered<R: Record>(&self, mut columns: store::Columns) -> Result<store::Columns> {
        // `columns` holds every field of the table but the ID, in table order.
        let fields = R::fields().iter().filter(|f| f.name != "id");
        for (field, (_, value)) in fields.zip(&mut columns) {
            let (Class::Link, Value::Integer(n)) = (field.class, &*value) else {
                continue;
            };
            let kind = RecordKind::ALL
                .into_iter()
                .find(|k| k.noun() == field.name)
                .ok_or_else(|| {
                    Error::failure(format!("{} links to no kind of record", field.name))
                })?;
            let linked = RecordId::new(kind, *n);
            let number = self.numbers.get(&linked).ok_or_else(|| {
                Error::failure(format!(
                    "{linked} was not pushed before the records made from it"
                ))
            })?;
            *value = Value::Integer(*number);
        }
        Ok(columns)
    }
}

/// The family key among a record's columns, if it has one.
fn key(columns: &store::Columns) -> Option<&Value<'static>> {
    columns
        .iter()
        .find(|(name, _)| *name == store::FAMILY_KEY)
        .map(|(_, value)| value)
}

impl View for Summary {
    fn table(&self, out: &mut dyn Write) -> Result<()> {
        let added = self.records.iter().filter(|p| p.added).count();
        writeln!(
            out,
            "Pushed to {}: {} added, {} already there.",
            self.team,
            output::count(added, "record"),
            self.records.len() - added
        )?;
        for p in &self.records {
            let there = if p.added { "" } else { " (already there)" };
            writeln!(out, "{} → {}{there}", p.id, p.team_id)?;
        }
        Ok(())
    }

    fn csv(&self, out: &mut dyn Write) -> Result<()> {
        let header = ["id", "team_id", "added"].map(String::from).to_vec();
        let rows = self
            .records
            .iter()
            .map(|p| vec![p.id.to_string(), p.team_id.to_string(), p.added.to_string()]);
        exchange::write_csv(out, &header, rows)
    }
}
