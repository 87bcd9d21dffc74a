//! End-to-end tests of the caselog binary: one test binary, one module per area.

mod bad_input;
mod common;
mod consult;
mod exchange;
mod figures;
mod files;
mod first_import;
mod form;
mod html_report;
mod import_checks;
mod interactive;
mod journey;
mod long_lists;
mod messages;
mod monthly;
mod oversight;
mod record;
mod reliability;
mod reports;
mod settings;
mod snapshots;
mod storage;
mod support;
mod team;
mod team_due;
mod typed_values;
