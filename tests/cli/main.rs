//! End-to-end tests of the caselog binary: one test binary, one module per area.

mod bad_input;
mod common;
mod consult;
mod interactive;
mod journey;
mod reliability;
mod settings;
mod storage;
