//! The CSV exchange format (domain brief §6): one row per record, the columns of its field
//! table, codes not labels, multi-valued fields joined with ';', ISO dates, and cells a
//! spreadsheet would run as a formula made inert. `export` writes it, `import` reads it, and
//! `list --format csv` and every view's CSV use the same writer.

use std::io::{Read, Write};

use crate::domain::audit::{self, Audit};
use crate::domain::consultation::{self, Consultation};
use crate::domain::fields::{self, Class, Field};
use crate::domain::ids::RecordKind;
use crate::domain::referral::{self, Referral};
use crate::domain::review::{self, Review};
use crate::error::Result;
use crate::output::count;
use crate::store::Exported;

/// The kinds of record the exchange format carries, one kind per file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Records {
    /// Consultations (C-n)
    Consultations,
    /// Referrals (R-n), linked to their consultation
    Referrals,
    /// Reviews (V-n), linked to their consultation or referral
    Reviews,
    /// Audits (A-n), linked to their consultation
    Audits,
}

impl Records {
    pub fn kind(self) -> RecordKind {
        match self {
            Records::Consultations => RecordKind::Consultation,
            Records::Referrals => RecordKind::Referral,
            Records::Reviews => RecordKind::Review,
            Records::Audits => RecordKind::Audit,
        }
    }

    pub fn noun(self) -> &'static str {
        match self {
            Records::Consultations => "consultations",
            Records::Referrals => "referrals",
            Records::Reviews => "reviews",
            Records::Audits => "audits",
        }
    }

    /// "1 consultation", "2 consultations".
    pub fn count(self, n: u64) -> String {
        count(n as usize, self.kind().noun())
    }

    /// The header row: the field table's exported fields, each link followed by the linked
    /// record's UUID.
    pub fn header(self, include_notes: bool) -> Vec<String> {
        match self {
            Records::Consultations => header(consultation::FIELDS, include_notes),
            Records::Referrals => header(referral::FIELDS, include_notes),
            Records::Reviews => header(review::FIELDS, include_notes),
            Records::Audits => header(audit::FIELDS, include_notes),
        }
    }

    /// Every column a file of these records may have.
    pub fn columns(self) -> Vec<String> {
        self.header(true)
    }
}

/// The column of a link's UUID (`consultation_uuid`).
pub fn uuid_column(link: &str) -> String {
    format!("{link}_uuid")
}

fn header<R, D>(table: &'static [Field<R, D>], include_notes: bool) -> Vec<String> {
    let mut names = Vec::new();
    for f in fields::exported(table, include_notes) {
        names.push(f.name.to_string());
        if f.class == Class::Link {
            names.push(uuid_column(f.name));
        }
    }
    names
}

/// One record's cells, in the order of its header: each link is followed by `links`' next UUID.
fn cells<R, D>(
    table: &'static [Field<R, D>],
    record: &R,
    links: &[Option<uuid::Uuid>],
    include_notes: bool,
) -> Vec<String> {
    let mut links = links.iter();
    let mut row = Vec::new();
    for f in fields::exported(table, include_notes) {
        row.push(f.text_of(record));
        if f.class == Class::Link {
            let uuid = links.next().copied().flatten();
            row.push(uuid.map(|u| u.to_string()).unwrap_or_default());
        }
    }
    row
}

/// A consultation's cells.
pub fn consultation_row(c: &Consultation, include_notes: bool) -> Vec<String> {
    cells(consultation::FIELDS, c, &[], include_notes)
}

/// A referral's cells, with its consultation's UUID.
pub fn referral_row(r: &Referral, consultation: uuid::Uuid, include_notes: bool) -> Vec<String> {
    cells(referral::FIELDS, r, &[Some(consultation)], include_notes)
}

/// A review's cells, with the UUID of the consultation or referral it is about.
pub fn review_row(
    v: &Review,
    consultation: Option<uuid::Uuid>,
    referral: Option<uuid::Uuid>,
    include_notes: bool,
) -> Vec<String> {
    cells(review::FIELDS, v, &[consultation, referral], include_notes)
}

/// An audit's cells, with its consultation's UUID.
pub fn audit_row(a: &Audit, consultation: uuid::Uuid, include_notes: bool) -> Vec<String> {
    cells(audit::FIELDS, a, &[Some(consultation)], include_notes)
}

/// Writes an exported record as one row, each cell made inert, through `cell`, a buffer
/// kept from row to row: an export writes a million rows.
pub fn write_exported<W: Write>(
    w: &mut csv::Writer<W>,
    record: &Exported,
    include_notes: bool,
    cell: &mut String,
) -> Result<()> {
    match record {
        Exported::Consultation(c) => write_consultation(w, c, include_notes, cell),
        Exported::Referral(r, c) => {
            write_cells(w, referral::FIELDS, r, &[Some(*c)], include_notes, cell)
        }
        Exported::Review(v, c, r) => {
            write_cells(w, review::FIELDS, v, &[*c, *r], include_notes, cell)
        }
        Exported::Audit(a, c) => write_cells(w, audit::FIELDS, a, &[Some(*c)], include_notes, cell),
    }
}

/// Writes a consultation as one row.
pub fn write_consultation<W: Write>(
    w: &mut csv::Writer<W>,
    c: &Consultation,
    include_notes: bool,
    cell: &mut String,
) -> Result<()> {
    write_cells(w, consultation::FIELDS, c, &[], include_notes, cell)
}

/// Writes a record's cells as one row: each link followed by `links`' next UUID.
fn write_cells<W: Write, R, D>(
    w: &mut csv::Writer<W>,
    table: &'static [Field<R, D>],
    record: &R,
    links: &[Option<uuid::Uuid>],
    include_notes: bool,
    cell: &mut String,
) -> Result<()> {
    let mut links = links.iter();
    for f in fields::exported(table, include_notes) {
        cell.clear();
        (f.text)(record, cell);
        w.write_field(inert(cell).as_bytes())?;
        if f.class == Class::Link {
            cell.clear();
            if let Some(uuid) = links.next().copied().flatten() {
                cell.push_str(
                    uuid.hyphenated()
                        .encode_lower(&mut uuid::Uuid::encode_buffer()),
                );
            }
            w.write_field(cell.as_bytes())?;
        }
    }
    w.write_record(None::<&[u8]>)?;
    Ok(())
}

/// A CSV file in the exchange format, read row by row with the `csv` crate. Each row comes with
/// the line it starts on — counted as a text editor counts lines, whatever the file's line ends
/// (`\n`, `\r\n` from spreadsheets, or a lone `\r`), blank lines included — and with any
/// malformed quoting the `csv` crate read past: it takes `"abc"def` as `abcdef` and a quote
/// that is never closed as a cell running to the end of the file, where a strict reader refuses
/// both. The rows may have any number of cells; the header is the first row.
pub struct Reader<R> {
    csv: csv::Reader<Source<R>>,
}

/// Where a row was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowAt {
    /// The line the row starts on, counting from 1.
    pub line: u64,
    /// The first cell whose quoting is malformed, by its place in the row (from 0).
    pub quoting: Option<(usize, Quoting)>,
}

/// Quoting the `csv` crate reads past but RFC 4180 does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quoting {
    /// A quote opens the cell and is never closed: the rest of the file was read into it.
    Unclosed,
    /// Text follows the quote that closes the cell (`"abc"def`).
    TextAfter,
}

impl Quoting {
    /// What is wrong, in words.
    pub fn problem(self) -> &'static str {
        match self {
            Quoting::Unclosed => {
                "the quote that opens the cell is never closed, so the rest of the file was read \
                 into it"
            }
            Quoting::TextAfter => {
                "text follows the closing quote (a quote inside a quoted cell is written twice: \
                 \"\")"
            }
        }
    }
}

impl<R: Read> Reader<R> {
    pub fn new(input: R) -> Self {
        let csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(Source::new(input));
        Reader { csv }
    }

    /// Reads the next row into `record`; none at the end of the file. Blank lines are not rows.
    pub fn read(&mut self, record: &mut csv::ByteRecord) -> csv::Result<Option<RowAt>> {
        let from = self.csv.position().byte();
        if !self.csv.read_byte_record(record)? {
            return Ok(None);
        }
        let to = self.csv.position().byte();
        let source = self.csv.get_mut();
        let start = source.row_start(from, to);
        let line = source.line_at(start);
        let quoting = check_quoting(source.span(start, to), record);
        source.release(to);
        Ok(Some(RowAt { line, quoting }))
    }
}

/// Compares the bytes a row was read from with the cells the `csv` crate made of them, and
/// finds the first cell that is not written as RFC 4180 says: a quoted cell is a quote, its
/// text with every quote doubled, and a closing quote right before the comma or line end.
fn check_quoting(raw: &[u8], record: &csv::ByteRecord) -> Option<(usize, Quoting)> {
    let mut at = 0;
    for (i, cell) in record.iter().enumerate() {
        if raw.get(at) == Some(&b'"') {
            at += 1;
            for &b in cell {
                let written = if b == b'"' {
                    b"\"\"".as_slice()
                } else {
                    std::slice::from_ref(&b)
                };
                for &w in written {
                    match raw.get(at) {
                        None => return Some((i, Quoting::Unclosed)),
                        Some(&r) if r == w => at += 1,
                        Some(_) => return Some((i, Quoting::TextAfter)),
                    }
                }
            }
            match raw.get(at) {
                None => return Some((i, Quoting::Unclosed)),
                Some(b'"') => at += 1,
                Some(_) => return Some((i, Quoting::TextAfter)),
            }
        } else {
            // An unquoted cell is read exactly as written.
            at += cell.len();
        }
        // The comma (or line end) after the cell.
        at += 1;
    }
    None
}

/// The input of a `Reader`: passes the bytes on to the `csv` crate and keeps those of the rows
/// not yet checked, counting the line breaks before them.
struct Source<R> {
    inner: R,
    /// Bytes read and not yet released; the first is at offset `kept_from` of the input.
    kept: Vec<u8>,
    kept_from: u64,
    /// Line breaks before offset `counted_to`: `\r\n`, `\r` and `\n` each count as one.
    breaks: u64,
    counted_to: u64,
    /// Whether the byte before `counted_to` is a `\r`, whose `\n` would not be another break.
    after_cr: bool,
}

/// Released bytes are dropped once there are this many of them.
const RELEASE_BYTES: usize = 64 * 1024;

/// The byte order mark some spreadsheets write at the start of a UTF-8 file.
const BOM: &[u8] = b"\xef\xbb\xbf";

impl<R> Source<R> {
    fn new(inner: R) -> Self {
        Source {
            inner,
            kept: Vec::new(),
            kept_from: 0,
            breaks: 0,
            counted_to: 0,
            after_cr: false,
        }
    }

    fn span(&self, from: u64, to: u64) -> &[u8] {
        let index = |offset: u64| usize::try_from(offset - self.kept_from).unwrap_or(usize::MAX);
        &self.kept[index(from)..index(to)]
    }

    /// Where the row read from the bytes `from..to` starts: the `csv` crate's position is
    /// before the line ends and blank lines it skipped (and the byte order mark of the file).
    fn row_start(&self, from: u64, to: u64) -> u64 {
        let mut bytes = self.span(from, to);
        let mut start = from;
        if from == 0 && bytes.starts_with(BOM) {
            bytes = &bytes[BOM.len()..];
            start += BOM.len() as u64;
        }
        let skipped = bytes
            .iter()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count();
        start + skipped as u64
    }

    /// The line of the byte at `offset`, which is not before any offset asked about or
    /// released so far.
    fn line_at(&mut self, offset: u64) -> u64 {
        let (breaks, after_cr) = count_breaks(self.span(self.counted_to, offset), self.after_cr);
        self.breaks += breaks;
        self.after_cr = after_cr;
        self.counted_to = offset;
        self.breaks + 1
    }

    /// The bytes before `offset` are no longer needed.
    fn release(&mut self, offset: u64) {
        self.line_at(offset);
        let done = usize::try_from(offset - self.kept_from).unwrap_or(usize::MAX);
        if done >= RELEASE_BYTES {
            self.kept.drain(..done);
            self.kept_from = offset;
        }
    }
}

/// The line breaks in `bytes` (`\r\n`, `\r` and `\n` each one), given whether the byte
/// before them is a `\r`; and whether their last byte is one.
fn count_breaks(bytes: &[u8], mut after_cr: bool) -> (u64, bool) {
    let mut breaks = 0;
    for &b in bytes {
        if b == b'\r' || (b == b'\n' && !after_cr) {
            breaks += 1;
        }
        after_cr = b == b'\r';
    }
    (breaks, after_cr)
}

impl<R: Read> Read for Source<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut n = self.inner.read(buf)?;
        // The `csv` crate sees a byte order mark only when its first read holds all of it, and
        // takes a first read of nothing else for the end of the file.
        if self.kept_from == 0 && self.kept.is_empty() {
            while n > 0 && n <= BOM.len() && n < buf.len() {
                match self.inner.read(&mut buf[n..])? {
                    0 => break,
                    more => n += more,
                }
            }
        }
        self.kept.extend_from_slice(&buf[..n]);
        Ok(n)
    }
}

/// The characters that make a spreadsheet treat a cell as a formula.
const FORMULA_STARTS: &[char] = &['=', '+', '-', '@', '\t', '\r'];

/// Makes a cell inert for spreadsheets by putting `'` in front of a formula-like value (and in
/// front of a value that already starts with `'` before one, so that `restore` is exact).
pub fn inert(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.trim_start_matches('\'').starts_with(FORMULA_STARTS) {
        format!("'{cell}").into()
    } else {
        cell.into()
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

/// Writes a header and rows, every cell made inert, and flushes.
pub fn write_csv<W: Write>(
    out: W,
    header: &[String],
    rows: impl IntoIterator<Item = Vec<String>>,
) -> Result<()> {
    let mut w = writer(out);
    w.write_record(header)?;
    for row in rows {
        write_row(&mut w, &row)?;
    }
    w.flush()?;
    Ok(())
}

/// Writes one row, every cell made inert.
pub fn write_row<W: Write, S: AsRef<str>>(w: &mut csv::Writer<W>, cells: &[S]) -> Result<()> {
    for cell in cells {
        w.write_field(inert(cell.as_ref()).as_bytes())?;
    }
    w.write_record(None::<&[u8]>)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Gives its bytes one at a time, as a slow pipe may.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let Some((first, rest)) = self.0.split_first() else {
                return Ok(0);
            };
            buf[0] = *first;
            self.0 = rest;
            Ok(1)
        }
    }

    /// Each row's first cell and where it was read from.
    fn rows(input: impl Read) -> Vec<(String, RowAt)> {
        let mut reader = Reader::new(input);
        let mut record = csv::ByteRecord::new();
        let mut rows = Vec::new();
        while let Some(at) = reader.read(&mut record).unwrap() {
            rows.push((String::from_utf8_lossy(&record[0]).into_owned(), at));
        }
        rows
    }

    fn lines(input: &[u8]) -> Vec<(String, u64)> {
        let all = rows(input);
        assert_eq!(
            rows(Trickle(input)),
            all,
            "read at once or a byte at a time"
        );
        all.into_iter().map(|(cell, at)| (cell, at.line)).collect()
    }

    #[test]
    fn rows_are_on_the_file_s_own_lines_whatever_its_line_ends() {
        for eol in ["\n", "\r\n", "\r"] {
            let text = [
                "h", "a", "", "\"b1", "b2\"", "", "", "c", "\"d1", "", "d3\"", "", "",
            ]
            .join(eol);
            let expected = [
                ("h", 1),
                ("a", 2),
                ("b1{eol}b2", 4),
                ("c", 8),
                ("d1{eol}{eol}d3", 9),
            ]
            .map(|(cell, line)| (cell.replace("{eol}", eol), line));
            assert_eq!(lines(text.as_bytes()), expected, "{eol:?}");
            let marked = format!("\u{feff}{eol}{text}");
            let shifted: Vec<_> = expected.iter().map(|(c, l)| (c.clone(), l + 1)).collect();
            assert_eq!(
                lines(marked.as_bytes()),
                shifted,
                "{eol:?} after a byte order mark"
            );
        }
    }

    #[test]
    fn line_breaks_are_counted_past_the_bytes_released() {
        let text: String = (1..=20_000).map(|n| format!("{n},x\r\n")).collect();
        let read = lines(text.as_bytes());
        assert_eq!(read.len(), 20_000);
        assert!(read.iter().all(|(cell, line)| cell == &line.to_string()));
    }

    #[test]
    fn malformed_quoting_is_found_in_its_cell() {
        for (text, expected) in [
            ("a,\"b\",\"c\"\"d\",\"e\r\nf\",\"\"\n", None),
            ("a,b\"c,d", None),
            ("a,\"b\"c,d\n", Some((1, Quoting::TextAfter))),
            ("a,\"b\" ,d\n", Some((1, Quoting::TextAfter))),
            ("a,b,\"c\"\"\n", Some((2, Quoting::Unclosed))),
            ("a,\"b,c\nd,e\n", Some((1, Quoting::Unclosed))),
        ] {
            let read = rows(text.as_bytes());
            assert_eq!(read.len(), 1, "{text:?}");
            assert_eq!(read[0].1.quoting, expected, "{text:?}");
        }
    }

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
