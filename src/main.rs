//! caselog: parse the command line, run the command, and turn any error into a message on
//! stderr and an exit code (2 for invalid input or usage, 1 for anything else).

use std::process::ExitCode;

use caselog::{cli, commands};

/// An allocator whose threads do not wait on one another: an import's reader and saver threads
/// hand each row across, and the system allocator serialises the frees of one thread's blocks
/// in another. Built without transparent huge pages, which would make every command's resident
/// memory larger for no gain in speed.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match cli::parse().and_then(commands::run) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind == caselog::error::Kind::ClosedPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", e.message);
            for hint in &e.hints {
                eprintln!("hint: {hint}");
            }
            ExitCode::from(e.exit_code())
        }
    }
}
