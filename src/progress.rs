//! Progress bars for long imports and exports: drawn on stderr, and only when a person is
//! watching it (stderr is a terminal). When piped or scripted nothing is drawn.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Whether a person is watching stderr, so that a progress bar is worth its cost.
pub fn watching() -> bool {
    std::io::stderr().is_terminal()
}

/// A bar counting `total` records (or a spinner when the total is not known), hidden unless
/// stderr is a terminal.
pub fn bar(total: Option<u64>, what: &str) -> ProgressBar {
    if !watching() {
        return ProgressBar::hidden();
    }
    let bar = match total {
        Some(n) => ProgressBar::with_draw_target(Some(n), ProgressDrawTarget::stderr()),
        None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
    };
    let template = match total {
        Some(_) => format!("{{bar:40}} {{pos}}/{{len}} {what} ({{eta}} left)"),
        None => format!("{{spinner}} {{pos}} {what}"),
    };
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style);
    }
    bar
}
