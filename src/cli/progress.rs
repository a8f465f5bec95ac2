//! Progress of long jobs, on stderr and only when stderr is a terminal:
//! nothing is drawn into a pipe, a file or a CI log, and nothing ever goes
//! to stdout. Drawing goes through indicatif, which redraws at most 20
//! times a second and clears its line when the job ends.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

use crate::report::escape;

/// How often a bar that is drawn redraws itself while its job waits (a
/// slow read, a long call).
const TICK: Duration = Duration::from_millis(120);

/// A bar on stderr, hidden unless stderr is a terminal and `show`.
fn on_stderr(len: Option<u64>, show: bool) -> ProgressBar {
    let bar = match len {
        Some(n) => ProgressBar::new(n),
        None => ProgressBar::no_length(),
    };
    bar.set_draw_target(if show {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    });
    bar
}

/// A style from a template the code wrote; the default style if it is
/// rejected (it never is: the templates are tested).
fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar())
}

// `collect` is built with the AWS SDK only.
#[cfg_attr(not(feature = "aws"), allow(dead_code))]
const STEPS: &str = "{prefix} [{bar:24}] {pos}/{len} {msg} ({elapsed})";
#[cfg_attr(not(feature = "aws"), allow(dead_code))]
const ACCOUNTS: &str = "{prefix} [{bar:24}] {pos}/{len} accounts, {msg} ({elapsed})";
const COUNTER: &str = "{spinner} {prefix} {human_pos} {msg} ({elapsed})";
const READING: &str = "{spinner} {msg}: {events} events ({events_per_sec}/s), \
                       {binary_bytes} ({binary_bytes_per_sec}) {elapsed}";

/// A bar over a known number of steps (`collect`'s groups of calls).
#[cfg_attr(not(feature = "aws"), allow(dead_code))]
pub fn steps(what: &str, show: bool) -> ProgressBar {
    let bar = on_stderr(Some(0), show);
    bar.set_style(style(STEPS).progress_chars("=> "));
    bar.set_prefix(what.to_owned());
    if !bar.is_hidden() {
        bar.enable_steady_tick(TICK);
    }
    bar
}

/// A bar over the accounts of `collect --organization`; the message
/// carries the failed accounts, calls, retries and throttles.
#[cfg_attr(not(feature = "aws"), allow(dead_code))]
pub fn accounts(show: bool) -> ProgressBar {
    let bar = on_stderr(Some(0), show);
    bar.set_style(style(ACCOUNTS).progress_chars("=> "));
    bar.set_prefix("collecting");
    if !bar.is_hidden() {
        bar.enable_steady_tick(TICK);
    }
    bar
}

/// A spinner for work of unknown length (`lint` reading and checking
/// files); `{pos}` counts what `what` names.
pub fn counter(what: &str, show: bool) -> ProgressBar {
    let bar = on_stderr(None, show);
    bar.set_style(style(COUNTER));
    bar.set_prefix(what.to_owned());
    if !bar.is_hidden() {
        bar.enable_steady_tick(TICK);
    }
    bar
}

/// Progress of reading log events (`test`, `replay`): bytes and events,
/// each with its rate. Updates are gathered and passed on in blocks, so
/// the cost per event is an addition.
pub struct Reading {
    bar: ProgressBar,
    events: Arc<AtomicU64>,
    pending_events: u64,
    pending_bytes: u64,
}

/// Events gathered before the bar hears of them.
const BLOCK: u64 = 4096;

impl Reading {
    /// Progress of reading, drawn when `show` and stderr is a terminal.
    pub fn shown(show: bool) -> Reading {
        let events = Arc::new(AtomicU64::new(0));
        let bar = on_stderr(None, show);
        let (count, rate) = (Arc::clone(&events), Arc::clone(&events));
        bar.set_style(
            style(READING)
                .with_key(
                    "events",
                    move |_: &ProgressState, w: &mut dyn std::fmt::Write| {
                        let _ = write!(w, "{}", count.load(Ordering::Relaxed));
                    },
                )
                .with_key(
                    "events_per_sec",
                    move |s: &ProgressState, w: &mut dyn std::fmt::Write| {
                        let secs = s.elapsed().as_secs_f64();
                        let n = rate.load(Ordering::Relaxed) as f64;
                        let _ = write!(w, "{:.0}", if secs > 0.0 { n / secs } else { 0.0 });
                    },
                ),
        );
        bar.set_message("reading");
        if !bar.is_hidden() {
            bar.enable_steady_tick(TICK);
        }
        Reading {
            bar,
            events,
            pending_events: 0,
            pending_bytes: 0,
        }
    }

    /// Reading starts on the file (or stdin) shown as `name`.
    pub fn file(&mut self, name: &str) {
        self.flush();
        self.bar.set_message(escape::line(name).into_owned());
    }

    /// One event of `bytes` bytes was read.
    pub fn event(&mut self, bytes: usize) {
        self.pending_events += 1;
        self.pending_bytes = self.pending_bytes.saturating_add(bytes as u64);
        if self.pending_events >= BLOCK {
            self.flush();
        }
    }

    fn flush(&mut self) {
        self.events
            .fetch_add(self.pending_events, Ordering::Relaxed);
        self.bar.inc(self.pending_bytes);
        self.pending_events = 0;
        self.pending_bytes = 0;
    }

    /// The events read so far, passed-on or not.
    #[cfg(test)]
    fn count(&self) -> u64 {
        self.events.load(Ordering::Relaxed) + self.pending_events
    }

    /// The bytes the bar has been told of.
    #[cfg(test)]
    fn position(&self) -> u64 {
        self.bar.position()
    }
}

impl Drop for Reading {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_passes_events_on_in_blocks() {
        let mut r = Reading::shown(false);
        r.file("a.json");
        for _ in 0..BLOCK - 1 {
            r.event(10);
        }
        assert_eq!(r.position(), 0, "nothing passed on before a block");
        r.event(10);
        assert_eq!(r.position(), BLOCK * 10);
        r.event(5);
        r.file("b.json");
        assert_eq!(
            r.position(),
            BLOCK * 10 + 5,
            "a new file passes the rest on"
        );
        assert_eq!(r.count(), BLOCK + 1);
    }

    #[test]
    fn the_templates_are_valid() {
        for t in [STEPS, ACCOUNTS, COUNTER, READING] {
            assert!(ProgressStyle::with_template(t).is_ok(), "{t}");
        }
    }

    #[test]
    fn hidden_bars_are_hidden() {
        assert!(steps("collecting", false).is_hidden());
        assert!(counter("linting", false).is_hidden());
        assert!(accounts(false).is_hidden());
    }
}
