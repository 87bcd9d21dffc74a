//! End-to-end tests of the caselog binary: one test binary, one module per area.

mod common;
mod consult;
mod exchange;
mod reports;
