//! `caselog show ID`: one record in full, voided or not, with labels beside the codes and the
//! corrections made to it — and, for a consultation, the audits of it. The fields shown, and
//! their labels, are the record's field table.

use std::io::Write;

use serde::Serialize;

use crate::context::Context;
use crate::domain::amendment::Amendment;
use crate::domain::audit::{self, Audit};
use crate::domain::checklist::Checklist;
use crate::domain::consultation::{self, Consultation};
use crate::domain::fields::Field;
use crate::domain::ids::{AuditId, ConsultationId, RecordId, RecordKind, ReferralId, ReviewId};
use crate::domain::record::Voided;
use crate::domain::referral::{self, Referral};
use crate::domain::review::{self, Review};
use crate::error::Result;
use crate::exchange::{self, Records};
use crate::output::{self, Output, View};
use crate::store::{Reader, Storage};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The record: C-<n> (consultation), R-<n> (referral), V-<n> (review) or A-<n> (audit)
    #[arg(value_name = "ID")]
    pub id: RecordId,

    #[command(flatten)]
    pub output: Output,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<()> {
    let checklist = ctx.checklist()?;
    let mut logbook = ctx.open_existing()?;
    let tx = logbook.read()?;
    let full = Full::read(tx.as_ref(), args.id, &checklist)?;
    args.output.print(&full, out)
}

/// Writes a record in full for people, as `caselog show ID` prints it.
pub(crate) fn write_table(
    tx: &dyn Reader,
    id: RecordId,
    checklist: &Checklist,
    out: &mut dyn Write,
) -> Result<()> {
    Full::read(tx, id, checklist)?.table(out)
}

/// A record of any kind.
#[derive(Serialize)]
#[serde(untagged)]
pub enum Shown {
    Consultation(Box<Consultation>),
    Referral(Referral),
    Review(Review),
    Audit(Audit),
}

/// The UUIDs of the consultation and the referral a record hangs from.
type Links = (Option<uuid::Uuid>, Option<uuid::Uuid>);

impl Shown {
    /// The record with this ID, voided or not.
    pub fn read(tx: &dyn Reader, id: RecordId) -> Result<Option<Shown>> {
        Ok(match id.kind {
            RecordKind::Consultation => tx
                .consultation(ConsultationId(id.number))?
                .map(|c| Shown::Consultation(Box::new(c))),
            RecordKind::Referral => tx.referral(ReferralId(id.number))?.map(Shown::Referral),
            RecordKind::Review => tx.review(ReviewId(id.number))?.map(Shown::Review),
            RecordKind::Audit => tx.audit(AuditId(id.number))?.map(Shown::Audit),
        })
    }

    /// When and why the record was voided, if it was.
    pub fn voided(&self) -> Option<&Voided> {
        match self {
            Shown::Consultation(c) => c.voided.as_ref(),
            Shown::Referral(r) => r.voided.as_ref(),
            Shown::Review(v) => v.voided.as_ref(),
            Shown::Audit(a) => a.voided.as_ref(),
        }
    }

    /// The UUIDs of what it hangs from, for its CSV row.
    fn links(&self, tx: &dyn Reader) -> Result<Links> {
        let consultation = |c: Option<ConsultationId>| -> Result<Option<uuid::Uuid>> {
            Ok(match c {
                Some(c) => tx.consultation(c)?.map(|c| c.uuid),
                None => None,
            })
        };
        Ok(match self {
            Shown::Consultation(_) => (None, None),
            Shown::Referral(r) => (consultation(Some(r.consultation))?, None),
            Shown::Review(v) => {
                let referral = match v.referral {
                    Some(r) => tx.referral(r)?.map(|r| r.uuid),
                    None => None,
                };
                (consultation(v.consultation)?, referral)
            }
            Shown::Audit(a) => (consultation(Some(a.consultation))?, None),
        })
    }
}

/// A record in full, with its corrections.
#[derive(Serialize)]
struct Full<'a> {
    #[serde(flatten)]
    record: Shown,
    amendments: Vec<Amendment>,
    /// A consultation's audits, oldest first, voided ones too.
    #[serde(skip_serializing_if = "Option::is_none")]
    audits: Option<Vec<Audit>>,
    #[serde(skip)]
    links: Links,
    #[serde(skip)]
    checklist: &'a Checklist,
}

impl<'a> Full<'a> {
    /// The record with this ID, its corrections, and a consultation's audits.
    fn read(tx: &dyn Reader, id: RecordId, checklist: &'a Checklist) -> Result<Full<'a>> {
        let record = Shown::read(tx, id)?.ok_or_else(|| super::not_found(id))?;
        let links = record.links(tx)?;
        let amendments = tx.amendments(id)?;
        let audits = match &record {
            Shown::Consultation(c) => Some(tx.audits_of(c.id)?),
            _ => None,
        };
        Ok(Full {
            record,
            links,
            amendments,
            audits,
            checklist,
        })
    }
}

/// The rows of a record's table: its ID, whether it was voided, each field (of those `shown`)
/// with its label, then when it was recorded and its UUID.
fn rows<R, D>(
    table: &'static [Field<R, D>],
    record: &R,
    voided: Option<&Voided>,
    checklist: &Checklist,
    shown: impl Fn(&Field<R, D>) -> bool,
) -> Vec<(&'static str, String)> {
    let value = |name: &str| {
        table
            .iter()
            .find(|f| f.name == name)
            .map(|f| (f.describe)(record, checklist))
            .unwrap_or_default()
    };
    let mut rows = vec![("ID", value("id"))];
    if let Some(v) = voided {
        rows.push(("VOIDED", format!("{} — {}", v.at, v.reason)));
    }
    rows.extend(
        table
            .iter()
            .filter(|f| !["id", "uuid", "created_at"].contains(&f.name) && shown(f))
            .map(|f| (f.label, (f.describe)(record, checklist))),
    );
    rows.push(("Recorded", value("created_at")));
    rows.push(("UUID", value("uuid")));
    rows
}

impl View for Full<'_> {
    fn table(&self, out: &mut dyn Write) -> Result<()> {
        let rows = match &self.record {
            Shown::Consultation(c) => rows(
                consultation::FIELDS,
                c,
                c.voided.as_ref(),
                self.checklist,
                |_| true,
            ),
            Shown::Referral(r) => rows(
                referral::FIELDS,
                r,
                r.voided.as_ref(),
                self.checklist,
                |_| true,
            ),
            Shown::Review(v) => {
                let fields = v.fields();
                rows(review::FIELDS, v, v.voided.as_ref(), self.checklist, |f| {
                    fields.contains(&f.name)
                        || (f.name == "consultation" && v.consultation.is_some())
                        || (f.name == "referral" && v.referral.is_some())
                })
            }
            Shown::Audit(a) => rows(audit::FIELDS, a, a.voided.as_ref(), self.checklist, |_| {
                true
            }),
        };
        let mut table = output::table(["Field", "Value"]);
        for (label, value) in rows {
            table.add_row([label.to_string(), value]);
        }
        writeln!(out, "{table}")?;
        if !self.amendments.is_empty() {
            let mut table = output::table(["Amended", "Field", "Old value", "New value", "Reason"]);
            for a in &self.amendments {
                table.add_row([
                    a.amended_at.to_string(),
                    a.field.clone(),
                    a.old_value.clone().unwrap_or_default(),
                    a.new_value.clone().unwrap_or_default(),
                    a.reason.clone(),
                ]);
            }
            writeln!(out, "Amendments\n{table}")?;
        }
        if let Some(audits) = self.audits.as_ref().filter(|a| !a.is_empty()) {
            let mut table = output::table([
                "Audit",
                "Date",
                "Auditor",
                "Grade",
                "Level agreed",
                "Pathway agreed",
            ]);
            for a in audits {
                let mut id = a.id.to_string();
                if a.voided.is_some() {
                    id.push_str(" (voided)");
                }
                table.add_row([
                    id,
                    a.date.to_string(),
                    a.auditor.to_string(),
                    a.grade.to_string(),
                    a.level_agreed.to_string(),
                    a.pathway_agreed.to_string(),
                ]);
            }
            writeln!(out, "Audits\n{table}")?;
        }
        Ok(())
    }

    fn csv(&self, out: &mut dyn Write) -> Result<()> {
        let (records, row) = match &self.record {
            Shown::Consultation(c) => (Records::Consultations, exchange::consultation_row(c, true)),
            Shown::Referral(r) => (
                Records::Referrals,
                exchange::referral_row(r, self.links.0.unwrap_or_default(), true),
            ),
            Shown::Review(v) => (
                Records::Reviews,
                exchange::review_row(v, self.links.0, self.links.1, true),
            ),
            Shown::Audit(a) => (
                Records::Audits,
                exchange::audit_row(a, self.links.0.unwrap_or_default(), true),
            ),
        };
        exchange::write_csv(out, &records.header(true), [row])
    }
}
