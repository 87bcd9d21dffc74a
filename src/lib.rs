//! caselog's library: everything but the entry point, so that the fuzz targets and property
//! tests can reach the parsers and the exchange format directly.

pub mod audit_form;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod config;
pub mod context;
pub mod destination;
pub mod domain;
pub mod error;
pub mod exchange;
pub mod interruption;
pub mod output;
pub mod progress;
pub mod prompt;
pub mod report;
pub mod store;
