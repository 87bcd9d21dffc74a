//! caselog: parse the command line, run the command, and turn any error into a message on
//! stderr and an exit code (2 for invalid input or usage, 1 for anything else).

mod cli;
mod clock;
mod commands;
mod config;
mod context;
mod domain;
mod error;
mod exchange;
mod progress;
mod prompt;
mod render;
mod report;
mod store;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.broken_pipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", e.message);
            for hint in &e.hints {
                eprintln!("hint: {hint}");
            }
            ExitCode::from(e.exit_code())
        }
    }
}
