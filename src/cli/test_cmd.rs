//! `cis-filters test`: which log events a pattern matches, offline.

use std::io::IsTerminal;

use clap::{Args, ValueEnum};
use serde_json::json;

use super::{EXIT_FAIL, EXIT_OK, EXIT_USAGE, out, read, usage_error};
use crate::matcher::input::{self, EventReader, EventText, InputError, Item};
use crate::matcher::{Explanation, MAX_EVENT_BYTES, MatchError, Matcher, MatcherSet};
use crate::report::escape;

/// Output format of `test`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum TestFormat {
    /// The matching events, one per line.
    #[default]
    Text,
    /// One JSON object: `{"matched":n,"total":n,"events":[…]}` (docs/matching.md).
    Json,
}

/// Run a filter pattern over log events and print the ones it matches.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    cis-filters test '{ $.eventName = \"ConsoleLogin\" }' events.jsonl\n  \
    cis-filters test --count '{ $.errorCode = \"AccessDenied*\" }' 123456789012_CloudTrail_us-east-1_20240301T1200Z.json.gz\n  \
    aws logs filter-log-events --log-group-name app --query 'events[].message' --output text | cis-filters test 'ERROR -DEBUG'\n  \
    cis-filters test --explain '{ $.a != \"x\" }' <<< '{\"b\": 1}'\n\n\
    Events: a CloudTrail log file ({\"Records\": [...]}, also gzip-compressed), a JSON array,\n\
    one JSON document, or one event per line (JSON lines or plain text; blank lines are\n\
    skipped). Files are read as a stream, one event at a time, so any size works; an event\n\
    longer than 1 MiB (the most CloudWatch Logs accepts) is skipped and counted. Matching\n\
    follows CloudWatch Logs: a JSON pattern only matches JSON objects, a field that is\n\
    missing fails `=` and `!=`, everything is case-sensitive (see docs/matching.md). With\n\
    --explain every event is printed with the terms that decided it. Control characters\n\
    in events are shown escaped (`\\x1b`); --format json has the exact text.\n\
    Exit codes: 0 some event matched, 1 none matched, 2 invalid pattern or unreadable input\n\
    (events before the unreadable part are still reported).")]
pub struct TestArgs {
    /// The filter pattern.
    pattern: String,
    /// Log files; none or `-` reads stdin.
    files: Vec<String>,
    /// Print only the number of matching events.
    #[arg(long)]
    count: bool,
    /// Print every event with the terms that decided whether it matched.
    #[arg(long, conflicts_with = "count")]
    explain: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: TestFormat,
}

/// What a run over log files found so far.
#[derive(Default)]
pub struct Tally {
    /// Events read (skipped ones aside).
    pub total: usize,
    /// Events longer than [`MAX_EVENT_BYTES`], skipped.
    pub too_large: usize,
    /// Where the first skipped one starts (`file:line`).
    pub first_too_large: Option<String>,
}

impl Tally {
    /// Count a skipped event of `name`.
    pub fn skip(&mut self, name: &str, s: &input::Skipped) {
        self.too_large += 1;
        self.first_too_large
            .get_or_insert_with(|| format!("{name}:{}", s.line));
    }

    /// The note on stderr about skipped events, if any were.
    pub fn note(&self) {
        if let Some(first) = &self.first_too_large {
            eprintln!(
                "note: {} event{} longer than {} (the most CloudWatch Logs accepts) {} skipped; the first starts at {}",
                self.too_large,
                if self.too_large == 1 { "" } else { "s" },
                read::size(MAX_EVENT_BYTES as u64),
                if self.too_large == 1 { "was" } else { "were" },
                escape::line(first)
            );
        }
    }
}

/// The message for an input error in `name`.
pub fn input_error(name: &str, e: &InputError) -> String {
    match e {
        InputError::Io(e) => format!("cannot read `{name}`: {e}"),
        e => format!("`{name}`: {e}"),
    }
}

/// Call `each(name, event)` for every event of `logs`, in order, counting
/// them in `tally`. Events are read one at a time; `Err` is the message of
/// the input error that stopped the reading. Progress (bytes and events
/// read) is drawn on stderr when `show_progress` and stderr is a terminal.
pub fn for_each_event(
    logs: Vec<read::LogFile>,
    tally: &mut Tally,
    show_progress: bool,
    mut each: impl FnMut(&str, &EventText<'_>),
) -> Result<(), String> {
    let mut progress = super::progress::Reading::shown(show_progress);
    for log in logs {
        let name = log.name.clone();
        progress.file(&name);
        let src = log
            .open()
            .map_err(|e| format!("cannot read `{name}`: {e}"))?;
        let mut reader = EventReader::new(src);
        loop {
            match reader.next() {
                Ok(None) => break,
                Ok(Some(Item::TooLarge(s))) => tally.skip(&name, &s),
                Ok(Some(Item::Event(ev))) => {
                    tally.total += 1;
                    progress.event(ev.message.len());
                    each(&name, &ev);
                }
                Err(e) => return Err(input_error(&name, &e)),
            }
        }
    }
    Ok(())
}

/// Output written as it is produced, in blocks.
/// The end of the JSON document, the keys in the order one serialised
/// object has them: `events` closed (or empty), `error`, `matched`,
/// `too_large`, `total`.
fn json_tail(
    sink: &Sink,
    count: bool,
    error: Option<&String>,
    matched: usize,
    tally: &Tally,
) -> String {
    let mut tail = String::new();
    if !count {
        tail.push_str(if sink.opened { "]," } else { "{\"events\":[]," });
    } else {
        tail.push('{');
    }
    if let Some(e) = error {
        tail.push_str(&format!("\"error\":{},", json!(e)));
    }
    tail.push_str(&format!("\"matched\":{matched},"));
    if tally.too_large > 0 {
        tail.push_str(&format!("\"too_large\":{},", tally.too_large));
    }
    tail.push_str(&format!("\"total\":{}}}\n", tally.total));
    tail
}

struct Sink {
    text: String,
    /// JSON: whether the `events` array was opened.
    opened: bool,
}

impl Sink {
    /// One event as text: its place when several sources are read or it is
    /// explained, the message, and the explanation indented below.
    /// One event that is printed: in JSON with its source, line and, under
    /// `--explain`, whether it matched and why; in text with its place when
    /// `placed`.
    fn event(
        &mut self,
        format: TestFormat,
        name: &str,
        ev: &EventText<'_>,
        hit: bool,
        explanation: Option<Explanation>,
        placed: bool,
    ) {
        match format {
            TestFormat::Json => {
                let mut e = json!({
                    "source": name,
                    "line": ev.line,
                    "message": ev.message,
                });
                if let (Some(x), Some(obj)) = (&explanation, e.as_object_mut()) {
                    obj.insert("matched".into(), json!(hit));
                    obj.insert("explanation".into(), json!(x.decided_by));
                }
                self.json_event(&e);
            }
            TestFormat::Text => {
                let place = placed.then(|| format!("{}:{}: ", escape::line(name), ev.line));
                self.text_event(
                    place.as_deref(),
                    ev.message,
                    explanation.map(|x| x.to_string()),
                );
            }
        }
    }

    fn text_event(&mut self, place: Option<&str>, message: &str, explanation: Option<String>) {
        if let Some(p) = place {
            self.push(p);
        }
        self.push(&escape::text(message));
        self.push("\n");
        for line in explanation.iter().flat_map(|x| x.lines()) {
            self.push("  ");
            self.push(line);
            self.push("\n");
        }
    }

    fn push(&mut self, s: &str) {
        self.text.push_str(s);
        if self.text.len() > 1 << 16 {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if !self.text.is_empty() {
            out(&self.text);
            self.text.clear();
        }
    }

    /// One event object of the JSON output.
    fn json_event(&mut self, event: &serde_json::Value) {
        self.push(if self.opened { "," } else { "{\"events\":[" });
        self.opened = true;
        self.push(&event.to_string());
    }
}

/// Run `test`.
pub fn run(args: TestArgs) -> u8 {
    let matcher = match Matcher::new(&args.pattern) {
        Ok(m) => m,
        Err(MatchError::Parse(e)) => {
            eprintln!("{}", e.render(None).trim_end());
            return EXIT_USAGE;
        }
        Err(MatchError::Compile(e)) => return usage_error(e),
    };
    let logs = match read::open_logs(&args.files) {
        Ok(l) => l,
        Err(e) => return usage_error(e),
    };
    let is_json_pattern = matcher.is_json();
    let set = MatcherSet::new(vec![matcher]);
    let many = logs.len() > 1;
    let (mut matched, mut not_json) = (0usize, 0usize);
    let mut tally = Tally::default();
    let mut sink = Sink {
        text: String::new(),
        opened: false,
    };
    // Matching events go to stdout as they are found: a bar on the same
    // terminal would tear them, so it is drawn only when stdout goes elsewhere.
    let show_progress = !std::io::stdout().is_terminal();
    let result = for_each_event(logs, &mut tally, show_progress, |name, ev| {
        let prepared = set.prepare(ev.message);
        if is_json_pattern && !prepared.is_json() {
            not_json += 1;
        }
        let hit = prepared.matches(0);
        matched += usize::from(hit);
        if args.count || !(hit || args.explain) {
            return;
        }
        let explanation = args.explain.then(|| prepared.explain(0)).flatten();
        let placed = many || args.explain;
        sink.event(args.format, name, ev, hit, explanation, placed);
    });
    let total = tally.total;
    if is_json_pattern && not_json > 0 {
        eprintln!(
            "note: {not_json} of {total} event{} are not JSON objects; a JSON pattern never matches them",
            if total == 1 { "" } else { "s" }
        );
    }
    tally.note();
    let error = result.err();
    match args.format {
        TestFormat::Json => {
            let tail = json_tail(&sink, args.count, error.as_ref(), matched, &tally);
            sink.push(&tail);
        }
        TestFormat::Text if args.count && error.is_none() => sink.push(&format!("{matched}\n")),
        TestFormat::Text => {}
    }
    sink.flush();
    if let Some(e) = error {
        return usage_error(e);
    }
    if matched > 0 { EXIT_OK } else { EXIT_FAIL }
}
