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
