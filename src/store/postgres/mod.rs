//! The PostgreSQL engine: a team logbook in a database on a server, shared by a service's
//! advisors and managers. Opening connects (see `connect`) and checks the schema version — a
//! logbook of a newer caselog is refused untouched, one of an older caselog or none at all
//! sends the user to `caselog team init`, which makes or updates the schema and the roles'
//! access (see `access`). Record numbers come from the server's sequences, so `C-<n>` is
//! unique across the team. Server errors are turned into plain words here.

mod access;
pub mod connect;
mod due;
mod figures;
mod records;
pub mod schema;
mod txn;

use postgres::error::SqlState;
use postgres::{Client, GenericClient, IsolationLevel};

use crate::error::{Error, Result};
use crate::store::{Count, Health, Reader, Storage, Writer};
pub use access::{ADVISOR, MANAGER};
use connect::Target;
use txn::PostgresTxn;

/// The key of the advisory lock every caselog writer on a team logbook takes first ("CSLG").
const WRITE_LOCK: i64 = 0x4353_4C47;

/// How long a writer waits for another to finish before giving up.
const LOCK_TIMEOUT: &str = "30s";

/// An open team logbook.
pub struct PostgresLogbook {
    client: Client,
    target: Target,
}

/// What a database holds, as far as caselog is concerned.
enum Found {
    /// No tables at all: a database made for caselog and not yet set up.
    Empty,
    /// Tables, but not caselog's.
    Other,
    /// A caselog schema of this version.
    Version(i64),
}

impl PostgresLogbook {
    /// Connects to the team logbook at `url` and checks that its schema is the one this
    /// caselog writes.
    pub fn open(url: &str) -> Result<PostgresLogbook> {
        let mut logbook = PostgresLogbook::connect(url)?;
        let shown = logbook.target.shown().to_string();
        match found(&mut logbook.client)? {
            Found::Version(v) if v == schema::LATEST_VERSION => Ok(logbook),
            Found::Version(v) if v > schema::LATEST_VERSION => Err(newer(&shown, v)),
            Found::Version(v) => Err(Error::failure(format!(
                "the team logbook {shown} has the schema of an older caselog (version {v}; this \
                 caselog writes {})",
                schema::LATEST_VERSION
            ))
            .hint("whoever runs the team logbook brings it up to date with `caselog team init` (docs/team.md)")),
            Found::Empty => Err(Error::failure(format!(
                "the database {shown} is not a team logbook yet: it is empty"
            ))
            .hint("whoever runs the database makes it one with `caselog --db URL team init` (docs/team.md)")),
            Found::Other => Err(not_caselog(&shown)),
        }
    }

    fn connect(url: &str) -> Result<PostgresLogbook> {
        let target = Target::parse(url)?;
        let client = target.connect()?;
        Ok(PostgresLogbook { client, target })
    }

    /// The logbook's address, without its password.
    pub fn shown(&self) -> &str {
        self.target.shown()
    }

    /// Makes an empty database a team logbook, or brings an older one up to date: the schema's
    /// migrations, the group roles, and every table's grants and policies. Says which schema
    /// version it found (0 for none).
    pub fn init(url: &str) -> Result<(PostgresLogbook, i64)> {
        let mut logbook = PostgresLogbook::connect(url)?;
        let shown = logbook.shown().to_string();
        let mut tx = logbook.client.transaction()?;
        // Two administrators at once: the second waits, then finds the work done.
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK])?;
        let before = match found(&mut tx)? {
            Found::Other => return Err(not_caselog(&shown)),
            Found::Version(v) if v > schema::LATEST_VERSION => return Err(newer(&shown, v)),
            Found::Version(v) => v,
            Found::Empty => 0,
        };
        for step in &schema::STEPS[before as usize..] {
            tx.batch_execute(step.sql)
                .map_err(|e| setting_up(&shown, e))?;
            if let Some(then) = step.then {
                then(&mut tx).map_err(|e| setting_up(&shown, e))?;
            }
        }
        tx.execute(
            "UPDATE caselog_schema SET version = $1",
            &[&(schema::LATEST_VERSION as i32)],
        )?;
        tx.batch_execute(&access::roles())
            .map_err(|e| setting_up(&shown, e))?;
        let mut columns = std::collections::HashMap::new();
        for (table, _) in access::RECORD_TABLES {
            let names: Vec<String> = tx
                .query(
                    "SELECT column_name::text AS name FROM information_schema.columns \
                     WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position",
                    &[table],
                )?
                .iter()
                .map(|r| r.get("name"))
                .collect();
            columns.insert(*table, names);
        }
        let policies = access::policies(&|table| columns.get(table).cloned().unwrap_or_default());
        tx.batch_execute(&policies)
            .map_err(|e| setting_up(&shown, e))?;
        // What the migrations applied left to be done with today's field tables.
        {
            let mut txn = PostgresTxn::new(tx);
            for upkeep in schema::UPKEEP.iter().filter(|u| u.version > before) {
                (upkeep.task)(&mut txn).map_err(|e| {
                    e.context(format_args!("cannot set up the team logbook {shown}"))
                })?;
            }
            txn.tx.into_inner().commit()?;
        }
        Ok((logbook, before))
    }

    /// Creates a login role in a group (`ADVISOR` or `MANAGER`), with a password when given
    /// (sent as a SCRAM verifier: the password itself never reaches the server).
    pub fn add_member(&mut self, name: &str, group: &str, password: Option<&str>) -> Result<()> {
        let exists = self
            .client
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AS found",
                &[&name],
            )?
            .get::<_, bool>("found");
        if exists {
            return Err(Error::input(format!(
                "the server already has a role named {name}"
            ))
            .hint(format!(
                "choose another name, or make the existing role a member with GRANT {group} TO {} \
                 (docs/team.md)",
                access::quoted(name)
            )));
        }
        let password = match password {
            Some(p) => format!(
                " PASSWORD '{}'",
                postgres_protocol::password::scram_sha_256(p.as_bytes())
            ),
            None => String::new(),
        };
        self.client
            .batch_execute(&format!(
                "CREATE ROLE {} LOGIN{password} IN ROLE {group}",
                access::quoted(name)
            ))
            .map_err(|e| match e.code() {
                Some(c) if *c == SqlState::INSUFFICIENT_PRIVILEGE => Error::failure(format!(
                    "{} may not create roles on the server",
                    self.target.user()
                ))
                .hint("run it as the role that ran `caselog team init`, or one with CREATEROLE"),
                _ => Error::from(e),
            })?;
        Ok(())
    }
}

/// What the database holds.
fn found(client: &mut impl GenericClient) -> Result<Found> {
    let row = client.query_one(
        "SELECT to_regclass('public.caselog_schema') IS NOT NULL AS caselog, \
         (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
          WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v')) AS tables",
        &[],
    )?;
    if row.get("caselog") {
        let version: i32 = client
            .query_one("SELECT version FROM caselog_schema", &[])?
            .get("version");
        return Ok(Found::Version(version.into()));
    }
    Ok(if row.get::<_, i64>("tables") == 0 {
        Found::Empty
    } else {
        Found::Other
    })
}

/// The refusal of a logbook written by a newer caselog.
fn newer(shown: &str, version: i64) -> Error {
    Error::failure(format!(
        "the team logbook {shown} was written by a newer caselog (schema version {version}; \
         this caselog knows up to {})",
        schema::LATEST_VERSION
    ))
    .hint("upgrade caselog to use it; the logbook has not been changed")
}

fn not_caselog(shown: &str) -> Error {
    Error::failure(format!(
        "the database {shown} is not a caselog team logbook: it holds other tables"
    ))
    .hint("give the URL of the team logbook, or of a new empty database for `caselog team init`")
}

/// A failure while making or updating the schema, roles and policies.
fn setting_up(shown: &str, e: postgres::Error) -> Error {
    match e.code() {
        Some(c) if *c == SqlState::INSUFFICIENT_PRIVILEGE => Error::failure(format!(
            "cannot set up the team logbook {shown}: the server does not allow it ({})",
            server_words(&e)
        ))
        .hint(
            "run `caselog team init` as the database's owner, with a role that may create roles \
             (CREATEROLE); nothing was changed",
        ),
        _ => Error::from(e).context(format_args!("cannot set up the team logbook {shown}")),
    }
}

/// The server's own message, without the client library's wording around it.
fn server_words(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => db.message().to_string(),
        None => "caselog could not make sense of its answer".to_string(),
    }
}

/// Whether the connection to the server went away (it stopped, restarted or was cut off).
fn is_lost(e: &postgres::Error) -> bool {
    e.is_closed()
        || std::error::Error::source(e).is_some_and(|s| s.is::<std::io::Error>())
        || e.code().is_some_and(|c| {
            [
                SqlState::ADMIN_SHUTDOWN,
                SqlState::CRASH_SHUTDOWN,
                SqlState::CANNOT_CONNECT_NOW,
            ]
            .contains(c)
        })
}

impl From<postgres::Error> for Error {
    fn from(e: postgres::Error) -> Self {
        if is_lost(&e) {
            return Error::failure(
                "the connection to the team logbook's server was lost (the server stopped or \
                 restarted): nothing was written",
            )
            .hint("run the command again once the server is back")
            .caused_by(e);
        }
        let message = server_words(&e);
        let error = match e.code() {
            Some(c) if *c == SqlState::INSUFFICIENT_PRIVILEGE => Error::failure(format!(
                "the team logbook's server does not let you do this: {message}"
            ))
            .hint(
                "advisors record, correct and void their own records; managers read, report and \
                 audit (\"Who may do what\" in docs/team.md)",
            ),
            Some(c) if *c == SqlState::LOCK_NOT_AVAILABLE => Error::failure(format!(
                "the team logbook is busy: another caselog has been writing for over \
                 {LOCK_TIMEOUT}; nothing was written"
            ))
            .hint("run the command again in a moment"),
            Some(c) if *c == SqlState::READ_ONLY_SQL_TRANSACTION => Error::failure(
                "this server only reads (a read replica, or a server in recovery): nothing was \
                 written",
            )
            .hint("record on the team logbook's main server; a replica is for reports"),
            _ => Error::failure(format!("the team logbook's server refused: {message}")),
        };
        error.caused_by(e)
    }
}

/// A failure to commit: when the connection went, the server may or may not have kept it.
fn lost_on_commit(e: postgres::Error) -> Error {
    if is_lost(&e) {
        return Error::failure(
            "the connection to the team logbook's server was lost while saving: the server may \
             not have kept the change",
        )
        .hint("once the server is back, look for the record (`caselog list`, `caselog history`) before recording it again")
        .caused_by(e);
    }
    Error::from(e)
}

/// Why connecting failed, in plain words.
fn refused_connection(target: &Target, e: postgres::Error) -> Error {
    let shown = target.shown();
    let user = target.user();
    // The client library's error and what it came from, for what has no SQLSTATE.
    let mut words = e.to_string();
    let mut cause = std::error::Error::source(&e);
    while let Some(c) = cause {
        words.push_str(": ");
        words.push_str(&c.to_string());
        cause = c.source();
    }
    let error = match e.code() {
        Some(c)
            if *c == SqlState::INVALID_PASSWORD
                || *c == SqlState::INVALID_AUTHORIZATION_SPECIFICATION =>
        {
            Error::failure(format!(
                "the server of {shown} refused to let {user} in: {}",
                server_words(&e)
            ))
            .hint(
                "check the user and password: the password comes from the URL, PGPASSWORD or \
                 ~/.pgpass (docs/team.md)",
            )
        }
        Some(c) if *c == SqlState::INVALID_CATALOG_NAME => Error::failure(format!(
            "there is no database {} on the server of {shown}",
            target.dbname()
        ))
        .hint("check the URL's database name; whoever runs the server creates it (docs/team.md)"),
        Some(c) if *c == SqlState::CANNOT_CONNECT_NOW || *c == SqlState::ADMIN_SHUTDOWN => {
            Error::failure(format!(
                "the server of {shown} is starting up or shutting down"
            ))
            .hint("run the command again in a moment")
        }
        _ if words.contains("password missing") => Error::failure(format!(
            "the server of {shown} asks {user} for a password, and none was given"
        ))
        .hint("set PGPASSWORD, or add a line for this server to ~/.pgpass (docs/team.md)"),
        _ if words.contains("TLS") => {
            let why = if words.contains("does not support TLS") {
                "the server does not offer TLS"
            } else if words.contains("NotValidForName") {
                "the server's certificate is not for this host name"
            } else if words.contains("certificate") {
                "the server's certificate does not come from the authority in sslrootcert"
            } else {
                "the handshake failed"
            };
            Error::failure(format!(
                "cannot make an encrypted (TLS) connection to {shown}: {why}"
            ))
            .hint(
                "sslmode=require needs a server with TLS on; verify-ca and verify-full also need \
                 its certificate authority (sslrootcert)",
            )
        }
        _ => {
            let why = match std::error::Error::source(&e)
                .and_then(|s| s.downcast_ref::<std::io::Error>())
            {
                Some(io) => crate::error::plain(io),
                None if words.contains("timeout") || words.contains("timed out") => {
                    "it did not answer in time".to_string()
                }
                None => server_words(&e),
            };
            Error::failure(format!("cannot reach the server of {shown}: {why}"))
                .hint("check that the server is running and that the URL's host and port are right")
        }
    };
    error.caused_by(e)
}

impl Storage for PostgresLogbook {
    fn check(&mut self) -> Result<Health> {
        let logbook = self.shown().to_string();
        let mut tx = self
            .client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()?;
        let schema_version: i32 = tx
            .query_one("SELECT version FROM caselog_schema", &[])?
            .get("version");
        // The server keeps its own files sound; what caselog checks is that every record table
        // still has its access rules in force.
        let mut integrity = Vec::new();
        for (table, _) in access::RECORD_TABLES.iter().chain(&[("amendment", "")]) {
            let row = tx.query_one(
                "SELECT relrowsecurity AS policed FROM pg_class WHERE oid = $1::text::regclass",
                &[&table],
            )?;
            if !row.get::<_, bool>("policed") {
                integrity.push(format!(
                    "row-level security is off on {table}: run `caselog team init` again"
                ));
            }
        }
        if integrity.is_empty() {
            integrity.push("ok".to_string());
        }
        let mut foreign_keys = Vec::new();
        for (table, link, parent) in [
            ("referral", "consultation_id", "consultation"),
            ("review", "consultation_id", "consultation"),
            ("review", "referral_id", "referral"),
            ("audit", "consultation_id", "consultation"),
        ] {
            for row in tx.query(
                format!(
                    "SELECT t.id FROM {table} t WHERE t.{link} IS NOT NULL AND NOT EXISTS \
                     (SELECT 1 FROM {parent} p WHERE p.id = t.{link}) ORDER BY t.id"
                )
                .as_str(),
                &[],
            )? {
                foreign_keys.push(format!(
                    "{table} row {} refers to a missing {parent}",
                    row.get::<_, i64>("id")
                ));
            }
        }
        for row in tx.query(
            "SELECT a.id, a.record FROM amendment a WHERE caselog_author(a.record, a.record_id) \
             IS NULL ORDER BY a.id",
            &[],
        )? {
            foreign_keys.push(format!(
                "amendment row {} refers to a missing {}",
                row.get::<_, i64>("id"),
                row.get::<_, String>("record")
            ));
        }
        let mut records = Vec::new();
        for table in ["consultation", "referral", "review", "audit", "amendment"] {
            let voided = if table == "amendment" {
                "0::bigint"
            } else {
                "count(voided_at)"
            };
            let row = tx.query_one(
                format!("SELECT count(*) AS total, {voided} AS voided FROM {table}").as_str(),
                &[],
            )?;
            records.push(Count {
                table,
                total: row.get("total"),
                voided: row.get("voided"),
            });
        }
        Ok(Health {
            logbook,
            schema_version: schema_version.into(),
            latest_version: schema::LATEST_VERSION,
            ok: integrity == ["ok"] && foreign_keys.is_empty(),
            integrity,
            foreign_keys,
            records,
        })
    }

    fn read(&mut self) -> Result<Box<dyn Reader + '_>> {
        let tx = self
            .client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()?;
        Ok(Box::new(PostgresTxn::new(tx)))
    }

    fn write(&mut self) -> Result<Box<dyn Writer + '_>> {
        let mut tx = self.client.transaction()?;
        tx.batch_execute(&format!(
            "SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'; SELECT pg_advisory_xact_lock({WRITE_LOCK})"
        ))?;
        Ok(Box::new(PostgresTxn::new(tx)))
    }
}
