//! Real components the end-to-end tests drive: a PostgreSQL server and a headless Chromium, both
//! from Debian's packages (the README's test command installs them when they are missing).

pub mod chromium;
pub mod postgres;
