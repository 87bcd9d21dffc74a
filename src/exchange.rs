//! The CSV exchange format (domain brief §6): the columns of each kind of record, codes not
//! labels, multi-valued fields joined with ';', ISO dates, and cells a spreadsheet would run as a
//! formula made inert. `list --format csv`, `export` and `import` all use it.

use std::io::Write;

use crate::domain::consultation::Consultation;
use crate::domain::ids::{RecordId, RecordKind};
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
    let mut header = CONSULTATION_COLUMNS.to_vec();
    if include_notes {
        header.extend_from_slice(CONSULTATION_NOTE_COLUMNS);
    }
    header
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
