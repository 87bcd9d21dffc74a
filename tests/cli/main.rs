//! End-to-end tests of the caselog binary: one test binary, one module per area.

mod bad_input;
mod common;
mod consult;
mod exchange;
mod files;
mod interactive;
mod journey;
mod monthly;
mod reliability;
mod reports;
mod settings;
mod storage;
