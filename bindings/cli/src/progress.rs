//! Progress bars on stderr, hidden when quiet or when stderr is not a terminal.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use quboflow::{Progress, RunControl};

/// Attaches a progress bar to `ctl` (or nothing when hidden); returns the bar to finish.
pub(crate) fn attach(
    ctl: RunControl,
    label: &str,
    quiet: bool,
) -> (RunControl, Option<ProgressBar>) {
    if quiet || !std::io::stderr().is_terminal() {
        return (ctl, None);
    }
    let pb = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(10));
    let style = ProgressStyle::with_template(
        "{prefix} {bar:30.cyan/blue} {pos}/{len} [{elapsed_precise} < {eta}] {msg}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    pb.set_style(style);
    pb.set_prefix(label.to_string());
    pb.enable_steady_tick(Duration::from_millis(200));
    let bar = pb.clone();
    let ctl = ctl.progress(move |p: &Progress| {
        bar.set_length(p.total);
        bar.set_position(p.done);
        if let Some(e) = p.best_energy {
            bar.set_message(format!("best energy {e}"));
        }
    });
    (ctl, Some(pb))
}
