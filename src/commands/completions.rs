//! `caselog completions SHELL` and `caselog man`: shell completion scripts and a man page,
//! generated from the same command-line definitions as the program itself.

use std::io::Write;

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;
use crate::error::Result;

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, elvish or powershell
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: Shell,
}

pub fn completions(args: CompletionsArgs, out: &mut dyn Write) -> Result<()> {
    clap_complete::generate(args.shell, &mut Cli::command(), "caselog", out);
    Ok(())
}

pub fn man(out: &mut dyn Write) -> Result<()> {
    clap_mangen::Man::new(Cli::command()).render(out)?;
    Ok(())
}
