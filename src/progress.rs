//! Progress on standard error for long work: a bar per stage when standard
//! error is a terminal, nothing when it is not (a pipe, a file, CI) or with
//! `--quiet`. Messages name stages and counts only, never a record's content.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// One stage's bar or spinner (or nothing).
pub struct Progress(Option<ProgressBar>);

/// Whether progress is drawn at all.
fn drawn(quiet: bool) -> bool {
    !quiet && std::io::stderr().is_terminal()
}

impl Progress {
    /// A spinner with the stage's name and the time it has taken.
    pub fn stage(quiet: bool, name: &str) -> Progress {
        if !drawn(quiet) {
            return Progress(None);
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("marac: {spinner} {msg} {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_message(name.to_string());
        bar.enable_steady_tick(Duration::from_millis(120));
        Progress(Some(bar))
    }

    /// A bar over `n` items (files, BCUs).
    pub fn items(quiet: bool, name: &str, n: u64) -> Progress {
        if !drawn(quiet) || n == 0 {
            return Progress(None);
        }
        let bar = ProgressBar::with_draw_target(Some(n), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("marac: {msg} [{bar:30}] {pos}/{len} {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_message(name.to_string());
        bar.enable_steady_tick(Duration::from_millis(250));
        Progress(Some(bar))
    }

    /// One item done.
    pub fn inc(&self) {
        if let Some(b) = &self.0 {
            b.inc(1);
        }
    }

    /// The stage is over: the bar is cleared.
    pub fn finish(self) {
        if let Some(b) = self.0 {
            b.finish_and_clear();
        }
    }
}
