//! `caselog team`: setting up a team logbook on a PostgreSQL server, for whoever runs it.
//! `team init` makes an empty database a team logbook — schema, group roles, grants and
//! row-level security policies — or brings an older one up to date; `team add-advisor` and
//! `team add-manager` create a person's login role in their group. The password is asked for
//! at a terminal, or read from a file, and reaches the server only as a SCRAM verifier.

use std::io::{BufRead, Write};
use std::path::PathBuf;

use crate::context::Context;
use crate::error::{Error, Result};
use crate::store::PostgresLogbook;
use crate::store::postgres::{self, schema};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: TeamCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum TeamCommand {
    /// Make the empty database at --db a team logbook (schema, roles, access rules), or bring
    /// an older one up to date
    Init,
    /// Create an advisor's login role: records, and corrects or voids, their own records; reads
    /// every record
    AddAdvisor(Member),
    /// Create a manager's login role: reads every record, for figures, samples and audits
    AddManager(Member),
}

#[derive(Debug, clap::Args)]
pub struct Member {
    /// The person's login name on the server, e.g. sam.patel
    #[arg(value_name = "NAME")]
    pub name: String,

    /// Read the password from the first line of FILE (- for standard input) instead of asking
    #[arg(long, value_name = "FILE", conflicts_with = "no_password")]
    pub password_file: Option<PathBuf>,

    /// Give the role no password: the server lets the person in some other way (a client
    /// certificate, or the operating system's user name), as its pg_hba.conf says
    #[arg(long)]
    pub no_password: bool,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<()> {
    let url = ctx.team_url()?.ok_or_else(|| {
        Error::input("caselog team works on a team logbook on a PostgreSQL server")
            .hint("give its URL: caselog --db postgresql://USER@HOST/DBNAME team … (docs/team.md)")
    })?;
    match args.command {
        TeamCommand::Init => {
            let (logbook, before) = PostgresLogbook::init(&url)?;
            let shown = logbook.shown();
            let latest = schema::LATEST_VERSION;
            match before {
                0 => writeln!(
                    out,
                    "Made {shown} a team logbook (schema version {latest}), with the roles {} \
                     and {} and their access rules.",
                    postgres::ADVISOR,
                    postgres::MANAGER
                )?,
                v if v < latest => writeln!(
                    out,
                    "Brought the team logbook {shown} up to date: schema version {v} → {latest}; \
                     access rules renewed."
                )?,
                _ => writeln!(
                    out,
                    "The team logbook {shown} was up to date (schema version {latest}); access \
                     rules renewed."
                )?,
            }
            writeln!(
                out,
                "Next: caselog --db '{shown}' team add-advisor NAME (and add-manager NAME)"
            )?;
        }
        TeamCommand::AddAdvisor(member) => add(ctx, &url, member, postgres::ADVISOR, out)?,
        TeamCommand::AddManager(member) => add(ctx, &url, member, postgres::MANAGER, out)?,
    }
    Ok(())
}

fn add(ctx: &Context, url: &str, member: Member, group: &str, out: &mut dyn Write) -> Result<()> {
    let name = member.name.trim();
    if name.is_empty() || name.len() > 63 || name.chars().any(char::is_control) {
        return Err(Error::input(format!(
            "`{}` cannot be a login name on the server",
            member.name
        ))
        .hint("give 1 to 63 characters, such as sam.patel"));
    }
    let password = if member.no_password {
        None
    } else if let Some(file) = &member.password_file {
        Some(password_from(file)?)
    } else if ctx.interactive() {
        Some(crate::prompt::new_password(&format!(
            "Password for {name}"
        ))?)
    } else {
        return Err(Error::input(format!("no password given for {name}")).hint(
            "give it with --password-file FILE (- for standard input), run this at a terminal to \
             be asked, or use --no-password when the server lets people in another way",
        ));
    };
    let mut logbook = PostgresLogbook::open(url)?;
    logbook.add_member(name, group, password.as_deref())?;
    let what = if group == postgres::ADVISOR {
        "an advisor"
    } else {
        "a manager"
    };
    writeln!(
        out,
        "Added {name} to {} as {what} ({group}).",
        logbook.shown()
    )?;
    Ok(())
}

/// The first line of a password file, or of standard input for `-`.
fn password_from(file: &std::path::Path) -> Result<String> {
    let shown = file.display();
    let mut line = String::new();
    let read = if file.as_os_str() == "-" {
        std::io::stdin().lock().read_line(&mut line)
    } else {
        std::fs::File::open(file).and_then(|f| std::io::BufReader::new(f).read_line(&mut line))
    };
    read.map_err(|e| {
        Error::input(format!(
            "cannot read the password file {shown}: {}",
            crate::error::plain(&e)
        ))
    })?;
    let password = line.trim_end_matches(['\r', '\n']).to_string();
    if password.is_empty() {
        return Err(Error::input(format!(
            "the password file {shown} has no password on its first line"
        )));
    }
    Ok(password)
}
