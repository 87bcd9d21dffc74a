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

/// One page for the whole program: the global options, then each command with its own options.
/// No page refers to another, since only this one is installed.
pub fn man(out: &mut dyn Write) -> Result<()> {
    let mut cli = Cli::command().disable_help_subcommand(true);
    cli.build();
    let page = clap_mangen::Man::new(cli.clone());
    page.render_title(out)?;
    page.render_name_section(out)?;
    page.render_synopsis_section(out)?;
    page.render_description_section(out)?;
    page.render_options_section(out)?;
    writeln!(out, ".SH COMMANDS")?;
    for command in cli.get_subcommands() {
        // The global options, help and version are given once, above.
        let command = command.clone().mut_args(|a| {
            let once = a.is_global_set() || ["help", "version"].contains(&a.get_id().as_str());
            a.hide(once)
        });
        let has_options = command.get_arguments().any(|a| !a.is_hide_set());
        let section = clap_mangen::Man::new(command.clone());
        writeln!(out, ".SS \"caselog {}\"", command.get_name())?;
        let mut parts: Vec<Vec<u8>> = vec![Vec::new(), Vec::new()];
        section.render_synopsis_section(&mut parts[0])?;
        section.render_description_section(&mut parts[1])?;
        if has_options {
            parts.push(Vec::new());
            section.render_options_section(&mut parts[2])?;
        }
        // Each part inside this command's subsection, without a section heading of its own.
        for (n, part) in parts.iter().enumerate() {
            if n > 0 {
                writeln!(out, ".PP")?;
            }
            for line in String::from_utf8_lossy(part).lines() {
                if !line.starts_with(".SH ") {
                    writeln!(out, "{line}")?;
                }
            }
        }
    }
    page.render_version_section(out)?;
    Ok(())
}
