//! The CSV exchange format (domain brief §6): the columns of each kind of record, codes not
//! labels, multi-valued fields joined with ';', ISO dates, and cells a spreadsheet would run as a
//! formula made inert. `list --format csv`, `export` and `import` all use it.

use std::io::Write;

use crate::domain::consultation::Consultation;
use crate::domain::ids::{RecordId, RecordKind};
use crate::domain::referral::Referral;
use crate::domain::review::Review;
use crate::error::Result;
use crate::render::or_blank;

/// The consultation columns always written.
pub const CONSULTATION_COLUMNS: &[&str] = &[
    "id",
    "uuid",
    "date",
    "advisor",
    "setting",
    "mode",
    "agency",
    "role",
    "family",
    "children",
    "factors",
    "indicators",
    "consultee_level",
    "level",
    "suggested_level",
    "confidence_before",
    "confidence_after",
    "consent",
    "outcome",
    "follow_up",
    "created_at",
];

/// The consultation columns of free text, written only when asked for.
pub const CONSULTATION_NOTE_COLUMNS: &[&str] = &["rationale", "worry", "strengths", "advice"];

/// The kinds of record the exchange format carries, one kind per file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Records {
    /// Consultations (C-n)
    Consultations,
    /// Referrals (R-n), linked to their consultation
    Referrals,
    /// Reviews (V-n), linked to their consultation or referral
    Reviews,
}

impl Records {
    pub fn noun(self) -> &'static str {
        match self {
            Records::Consultations => "consultations",
            Records::Referrals => "referrals",
            Records::Reviews => "reviews",
        }
    }

    /// A count of these records: "1 consultation", "2 consultations".
    pub fn count(self, n: u64) -> String {
        let plural = self.noun();
        match n {
            1 => format!("1 {}", &plural[..plural.len() - 1]),
            _ => format!("{n} {plural}"),
        }
    }

    /// The columns always written, then the free-text columns written only when asked for.
    pub fn columns(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            Records::Consultations => (CONSULTATION_COLUMNS, CONSULTATION_NOTE_COLUMNS),
            Records::Referrals => (REFERRAL_COLUMNS, REFERRAL_NOTE_COLUMNS),
            Records::Reviews => (REVIEW_COLUMNS, REVIEW_NOTE_COLUMNS),
        }
    }

    /// The header row.
    pub fn header(self, include_notes: bool) -> Vec<&'static str> {
        let (columns, notes) = self.columns();
        let mut header = columns.to_vec();
        if include_notes {
            header.extend_from_slice(notes);
        }
        header
    }
}

/// The referral columns always written. `consultation` and `consultation_uuid` name the
/// consultation it was made from, so that an import can link it in another logbook.
pub const REFERRAL_COLUMNS: &[&str] = &[
    "id",
    "uuid",
    "consultation",
    "consultation_uuid",
    "date",
    "to",
    "by",
    "consent",
    "urgent",
    "result",
    "result_date",
    "created_at",
];

/// The referral columns of free text, written only when asked for.
pub const REFERRAL_NOTE_COLUMNS: &[&str] = &["reason"];

/// The review columns always written. A review is about a consultation (a follow-up) or a
/// referral (the front door's result): one pair of `consultation`/`referral` columns is filled.
pub const REVIEW_COLUMNS: &[&str] = &[
    "id",
    "uuid",
    "consultation",
    "consultation_uuid",
    "referral",
    "referral_uuid",
    "date",
    "status",
    "level",
    "confidence",
    "follow_up",
    "result",
    "created_at",
];

/// The review columns of free text, written only when asked for.
pub const REVIEW_NOTE_COLUMNS: &[&str] = &["note"];

/// One referral's cells, in the order of `Records::Referrals.header`.
pub fn referral_row(r: &Referral, consultation_uuid: &str, include_notes: bool) -> Vec<String> {
    let mut row = vec![
        RecordId::new(RecordKind::Referral, r.id).to_string(),
        r.uuid.clone(),
        RecordId::new(RecordKind::Consultation, r.consultation).to_string(),
        consultation_uuid.to_string(),
        r.date.to_string(),
        r.to.clone(),
        r.by.clone(),
        or_blank(&r.consent),
        crate::domain::referral::yes_no(r.urgent).to_string(),
        r.result.clone(),
        or_blank(&r.result_date),
        r.created_at.clone(),
    ];
    if include_notes {
        row.push(or_blank(&r.reason));
    }
    row
}

/// One review's cells, in the order of `Records::Reviews.header`.
pub fn review_row(
    v: &Review,
    consultation_uuid: Option<&str>,
    referral_uuid: Option<&str>,
    include_notes: bool,
) -> Vec<String> {
    let mut row = vec![
        RecordId::new(RecordKind::Review, v.id).to_string(),
        v.uuid.clone(),
        v.consultation
            .map(|n| RecordId::new(RecordKind::Consultation, n).to_string())
            .unwrap_or_default(),
        consultation_uuid.unwrap_or_default().to_string(),
        v.referral
            .map(|n| RecordId::new(RecordKind::Referral, n).to_string())
            .unwrap_or_default(),
        referral_uuid.unwrap_or_default().to_string(),
        v.date.to_string(),
        or_blank(&v.status),
        or_blank(&v.level),
        or_blank(&v.confidence),
        or_blank(&v.follow_up),
        or_blank(&v.result),
        v.created_at.clone(),
    ];
    if include_notes {
        row.push(or_blank(&v.note));
    }
    row
}

/// A CSV reader with the exchange format's settings: a header row, and rows that must have as
/// many cells as the header.
pub fn reader<R: std::io::Read>(input: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(input)
}

/// The characters that make a spreadsheet treat a cell as a formula.
const FORMULA_STARTS: &[char] = &['=', '+', '-', '@', '\t', '\r'];

/// Makes a cell inert for spreadsheets by putting `'` in front of a formula-like value (and in
/// front of a value that already starts with `'` before one, so that `restore` is exact).
pub fn inert(cell: &str) -> String {
    if cell.trim_start_matches('\'').starts_with(FORMULA_STARTS) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// Undoes `inert`.
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.trim_start_matches('\'').starts_with(FORMULA_STARTS) => rest,
        _ => cell,
    }
}

/// A CSV writer with the exchange format's settings (RFC 4180, `\n` line ends).
pub fn writer<W: Write>(out: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out)
}

/// Writes one row, every cell made inert.
pub fn write_row<W: Write, S: AsRef<str>>(w: &mut csv::Writer<W>, cells: &[S]) -> Result<()> {
    w.write_record(cells.iter().map(|c| inert(c.as_ref())))?;
    Ok(())
}

/// The header of the consultation columns.
pub fn consultation_header(include_notes: bool) -> Vec<&'static str> {
    Records::Consultations.header(include_notes)
}

/// One consultation's cells, in the order of `consultation_header`.
pub fn consultation_row(c: &Consultation, include_notes: bool) -> Vec<String> {
    let mut row = vec![
        RecordId::new(RecordKind::Consultation, c.id).to_string(),
        c.uuid.clone(),
        c.date.to_string(),
        c.advisor.clone(),
        c.setting.clone(),
        c.mode.clone(),
        c.agency.clone(),
        or_blank(&c.role),
        c.family.clone(),
        c.children.to_string(),
        c.factors.join(";"),
        c.indicators.join(";"),
        or_blank(&c.consultee_level),
        c.level.to_string(),
        or_blank(&c.suggested_level),
        or_blank(&c.confidence_before),
        or_blank(&c.confidence_after),
        or_blank(&c.consent),
        c.outcome.clone(),
        or_blank(&c.follow_up),
        c.created_at.clone(),
    ];
    if include_notes {
        row.extend([&c.rationale, &c.worry, &c.strengths, &c.advice].map(or_blank));
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_made_inert_and_restored_exactly() {
        for (cell, written) in [
            ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
            ("+44 7700", "'+44 7700"),
            ("-1", "'-1"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("'=x", "''=x"),
            ("'plain", "'plain"),
            ("plain", "plain"),
            ("", ""),
        ] {
            assert_eq!(inert(cell), written, "{cell:?}");
            assert_eq!(restore(&inert(cell)), cell, "{cell:?}");
        }
    }
}
