//! `caselog report`: the figures of domain brief §5 for a period, whole or row by row.
//! `figures` computes them (pure, from the counts the store gathers); `render` prints them.

pub mod figures;
pub mod render;
