//! The one output path. A command builds a view of what it shows — records, figures, a summary —
//! and `Output::print` renders it in the format asked for: for people (a table or a summary),
//! CSV, JSON, or Markdown where a view has it (the checklist, a family's chronology). Tables fit
//! a terminal and stay plain when piped; JSON is the view's serde form.

use std::io::{IsTerminal, Write};

use comfy_table::{ContentArrangement, Table, presets};
use serde::Serialize;

use crate::error::{Error, Result};

/// How a command prints what it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// For people to read
    #[default]
    Table,
    /// CSV with a header row, codes not labels
    Csv,
    /// JSON
    Json,
    /// Markdown, to paste into a document (the checklist and a family's chronology)
    Markdown,
    /// One self-contained HTML page to look at or print (the report)
    Html,
}

/// The output flags every command that prints records or figures takes.
#[derive(Debug, Clone, Copy, Default, clap::Args)]
#[group(skip)]
pub struct Output {
    /// How to print it: table (for people), csv or json
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<Format>,

    /// The same as --format json (kept for scripts written for earlier versions)
    #[arg(long, hide = true, conflicts_with = "format")]
    pub json: bool,
}

impl Output {
    /// The format asked for.
    pub fn format(self) -> Format {
        if self.json {
            Format::Json
        } else {
            self.format.unwrap_or_default()
        }
    }

    /// Whether the output is for people (messages and notes may then go with it).
    pub fn for_people(self) -> bool {
        self.format() == Format::Table
    }

    /// Prints a view in the format asked for.
    pub fn print<V: View + ?Sized>(self, view: &V, out: &mut dyn Write) -> Result<()> {
        match self.format() {
            Format::Table => view.table(out),
            Format::Csv => view.csv(out),
            Format::Json => json(out, &view),
            Format::Markdown => view.markdown(out),
            Format::Html => view.html(out),
        }
    }
}

/// What a command shows, in every format: its serde form is the JSON.
pub trait View: Serialize {
    /// For people to read: a table or a summary.
    fn table(&self, out: &mut dyn Write) -> Result<()>;

    /// CSV: a header row and one row per record or group.
    fn csv(&self, out: &mut dyn Write) -> Result<()>;

    /// Markdown, for the views that have it.
    fn markdown(&self, _out: &mut dyn Write) -> Result<()> {
        Err(
            Error::input("--format markdown is for `history` and `checklist`")
                .hint("use --format table, csv or json"),
        )
    }

    /// A page of HTML, for the views that have it.
    fn html(&self, _out: &mut dyn Write) -> Result<()> {
        Err(not_html())
    }
}

/// The refusal of `--format html` by a command that has no page.
fn not_html() -> Error {
    Error::input("--format html is for `report`").hint("use --format table, csv or json")
}

/// Records printed as they are read, one at a time, in the format asked for: a table, CSV or a
/// JSON array. However many there are, only a block of table rows is held at once.
pub trait Rows {
    type Row: Serialize;
    /// What a row is, for the count under the table ("consultation").
    const NOUN: &'static str;
    /// The table's column headings.
    fn headings(&self) -> &[&'static str];
    /// A row's cells in the table.
    fn cells(&self, row: &Self::Row) -> Vec<String>;
    /// The line under the table, given how many rows it had: "12 consultations".
    fn footer(&self, rows: usize) -> String {
        count(rows, Self::NOUN)
    }
    /// The CSV header row.
    fn csv_header(&self, w: &mut csv::Writer<&mut dyn Write>) -> Result<()>;
    /// A row in CSV.
    fn csv_row(&mut self, w: &mut csv::Writer<&mut dyn Write>, row: &Self::Row) -> Result<()>;
}

/// How many rows a table holds before it is printed and the next block begun: a screenful
/// many times over, so an ordinary list is one table; a longer one repeats its headings.
pub const TABLE_BLOCK: usize = 5_000;

impl Output {
    /// Prints the rows that `each` gives, as it gives them (`each` calls the function it is
    /// given once per row). Nothing is printed for a format the rows do not have.
    pub fn print_rows<V: Rows>(
        self,
        view: &mut V,
        out: &mut dyn Write,
        each: impl FnOnce(&mut dyn FnMut(V::Row) -> Result<()>) -> Result<()>,
    ) -> Result<()> {
        use serde::ser::{SerializeSeq, Serializer};
        match self.format() {
            Format::Table => {
                let mut block = Block::new(view.headings());
                let mut printed = 0;
                each(&mut |row| {
                    block.add(view.cells(&row));
                    printed += 1;
                    if block.rows == TABLE_BLOCK {
                        block.print(out)?;
                    }
                    Ok(())
                })?;
                block.print(out)?;
                writeln!(out, "{}", view.footer(printed))?;
            }
            Format::Csv => {
                let mut w = crate::exchange::writer(out);
                view.csv_header(&mut w)?;
                each(&mut |row| view.csv_row(&mut w, &row))?;
                w.flush()?;
            }
            Format::Json => {
                let mut json = serde_json::Serializer::pretty(&mut *out);
                let mut seq = json.serialize_seq(None)?;
                each(&mut |row| Ok(seq.serialize_element(&row)?))?;
                seq.end()?;
                writeln!(out)?;
            }
            Format::Markdown => {
                return Err(Error::input(format!(
                    "--format markdown is not available for a list of {}s",
                    V::NOUN
                ))
                .hint("use --format table, csv or json"));
            }
            Format::Html => return Err(not_html()),
        }
        Ok(())
    }
}

/// A block of table rows waiting to be printed. Each block is its own table, its columns at
/// least as wide as the blocks before, so that a long list keeps its shape.
struct Block<'h> {
    headings: &'h [&'static str],
    table: Table,
    rows: usize,
    widths: Vec<u16>,
}

impl<'h> Block<'h> {
    fn new(headings: &'h [&'static str]) -> Block<'h> {
        Block {
            headings,
            table: table(headings.iter().copied()),
            rows: 0,
            widths: vec![0; headings.len()],
        }
    }

    fn add(&mut self, cells: Vec<String>) {
        // The widest line of each column so far, measured as the cells go in: asking the table
        // afterwards would measure every cell again.
        for (widest, cell) in self.widths.iter_mut().zip(&cells) {
            let width = cell
                .lines()
                .map(console::measure_text_width)
                .max()
                .unwrap_or(0);
            *widest = (*widest).max(u16::try_from(width).unwrap_or(u16::MAX));
        }
        self.table.add_row(cells);
        self.rows += 1;
    }

    /// Prints the block, if it has rows, and begins the next.
    fn print(&mut self, out: &mut dyn Write) -> Result<()> {
        if self.rows == 0 {
            return Ok(());
        }
        writeln!(out, "{}", self.table)?;
        self.table = table(self.headings.iter().copied());
        // A column's least width counts its padding, a space either side.
        self.table.set_constraints(self.widths.iter().map(|w| {
            comfy_table::ColumnConstraint::LowerBoundary(comfy_table::Width::Fixed(w + 2))
        }));
        self.rows = 0;
        Ok(())
    }
}

/// A table with caselog's look: wrapped to the terminal's width when there is one.
pub fn table<I, S>(header: I) -> Table
where
    I: IntoIterator<Item = S>,
    S: Into<comfy_table::Cell>,
{
    let mut table = Table::new();
    table.load_style(presets::UTF8_FULL_CONDENSED);
    if std::io::stdout().is_terminal() {
        table.set_content_arrangement(ContentArrangement::Dynamic);
    } else {
        table.set_content_arrangement(ContentArrangement::Disabled);
    }
    table.set_header(header);
    table
}

/// A table of rows of several lines that fits `width` columns: wrapped to the terminal's width when there is one, and to
/// `width` when the output goes to a file or a pipe.
pub fn table_within<I, S>(header: I, width: u16) -> Table
where
    I: IntoIterator<Item = S>,
    S: Into<comfy_table::Cell>,
{
    let mut table = table(header);
    // Rows of several lines each, told apart by a line between them.
    table.load_style(presets::UTF8_FULL);
    table.set_content_arrangement(ContentArrangement::Dynamic);
    if !std::io::stdout().is_terminal() {
        table.set_width(width);
    }
    table
}

/// Writes a value as pretty JSON followed by a newline.
pub fn json<T: Serialize + ?Sized>(out: &mut dyn Write, value: &T) -> Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)?;
    Ok(())
}

/// "1 consultation", "2 consultations".
pub fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}
