//! Shared pieces of output: tables that fit a terminal (and stay plain when piped), JSON, and
//! the output formats commands offer.

use std::io::{IsTerminal, Write};

use comfy_table::{ContentArrangement, Table, presets};
use serde::Serialize;

use crate::error::Result;

/// Output formats for commands that print rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RowFormat {
    /// A table for people to read
    Table,
    /// CSV with a header row, codes not labels
    Csv,
    /// A JSON array
    Json,
}

/// Output formats for commands that print one record or a view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ViewFormat {
    /// For people to read
    Table,
    /// JSON
    Json,
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
pub fn json<T: Serialize>(out: &mut dyn Write, value: &T) -> Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)?;
    Ok(())
}

/// An optional value for a table cell: empty when absent.
pub fn or_blank<T: ToString>(value: &Option<T>) -> String {
    value.as_ref().map(ToString::to_string).unwrap_or_default()
}
