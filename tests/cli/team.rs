//! A team logbook on a real PostgreSQL server (never a mock): the storage conformance suite,
//! the same answers as SQLite, access by role enforced by the server, `push`, concurrency,
//! a server restart in the middle of a command, and how caselog connects (TLS, passwords).

use std::process::Output;

use caselog::store::{PostgresLogbook, conformance};
use postgres::{Client, NoTls};

use crate::common::TestEnv;
use crate::support::postgres::PostgresServer;

/// A fresh database on the shared server, made a team logbook: its URL (as the superuser).
fn team_logbook() -> String {
    let url = PostgresServer::shared().create_database();
    PostgresLogbook::init(&url).expect("team init");
    url
}

/// A test environment whose logbook is the team logbook at `url`.
fn on(url: &str) -> TestEnv {
    TestEnv::new().env("CASELOG_DB", url)
}

/// A session on the database at `url`, as the superuser.
fn sql(url: &str) -> Client {
    Client::connect(url, NoTls).expect("connect")
}

fn count(url: &str, query: &str) -> i64 {
    sql(url).query_one(query, &[]).expect("count").get(0)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn postgresql_passes_every_conformance_check() {
    for (name, check) in conformance::CHECKS {
        let url = team_logbook();
        let mut logbook = PostgresLogbook::open(&url).expect("open");
        let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&mut logbook)));
        assert!(ran.is_ok(), "PostgreSQL fails the check: {name}");
    }
}
