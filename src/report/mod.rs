//! `caselog report`: the figures of domain brief §5 for a period, whole or row by row.
//! `figures` computes them (pure, from the counts the store gathers); `render` prints them as a
//! summary, tables, CSV or JSON; `html` lays them out as a page, with the charts of `charts`.

pub mod charts;
pub mod figures;
pub mod html;
pub mod render;
