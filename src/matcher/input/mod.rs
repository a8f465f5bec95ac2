//! Split a log file into events, as a stream.
//!
//! An [`EventReader`] reads any [`Read`] and hands out one event at a time:
//! the memory it uses is bounded by the longest event it keeps
//! ([`MAX_EVENT_BYTES`]) plus a read buffer, whatever the size of the input.
//!
//! Recognised layouts:
//! 1. a CloudTrail log file: a JSON object with a `Records` array; each
//!    record is an event;
//! 2. a JSON array: each element is an event;
//! 3. one JSON object (possibly spread over several lines): one event;
//! 4. anything else: one event per line (JSON lines, or plain text). Empty
//!    and whitespace-only lines are skipped; a trailing `\r` is dropped.
//!
//! How the layout is chosen: an input whose first non-blank character is `{`
//! or `[` is read as JSON (1–3) when its first JSON value is valid and is all
//! there is, or when that value is a CloudTrail file (then the input may hold
//! several of them, one after the other, as `zcat *.json.gz` gives). A first
//! value longer than [`MAX_EVENT_BYTES`] cannot be a line of JSON lines, so
//! it, too, is read as JSON without looking further. Everything else is
//! lines (4).
//!
//! An event's message is its exact text in the input (a record's JSON as
//! written), which is what a terms or regex pattern searches. An event longer
//! than [`MAX_EVENT_BYTES`] is not kept: it is reported as
//! [`Item::TooLarge`] and skipped.

use std::fmt;
use std::io::Read;

mod scan;

use super::MAX_EVENT_BYTES;
use super::json::Reader;
use scan::{Scanner, is_json, is_ws, starts_value};

/// Bytes read from the input at a time.
const CHUNK: usize = 64 * 1024;

/// How much of the input's start decides its layout.
const WINDOW: usize = MAX_EVENT_BYTES + CHUNK;

/// How a file was split.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// `{"Records": [...]}`
    CloudTrail,
    /// `[...]`
    JsonArray,
    /// One JSON object.
    JsonDocument,
    /// One event per line.
    Lines,
}

/// One event of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventText<'a> {
    /// The event's text.
    pub message: &'a str,
    /// The 1-based line of the file where it starts.
    pub line: usize,
    /// The byte offset in the file where it starts.
    pub offset: u64,
}

/// An event longer than [`MAX_EVENT_BYTES`], skipped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// The 1-based line where it starts.
    pub line: usize,
    /// The byte offset where it starts.
    pub offset: u64,
    /// Its length in bytes.
    pub bytes: u64,
}

/// What [`EventReader::next`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Item<'a> {
    /// An event.
    Event(EventText<'a>),
    /// An event too long to evaluate (CloudWatch Logs would not accept it).
    TooLarge(Skipped),
}

/// Why the input could not be read.
#[derive(Debug)]
pub enum InputError {
    /// Reading failed.
    Io(std::io::Error),
    /// An event is not UTF-8.
    NotUtf8 {
        /// The line of the invalid byte.
        line: usize,
        /// The offset of the invalid byte.
        offset: u64,
    },
    /// The input was taken for JSON (see the module documentation) and is
    /// broken here.
    Json {
        /// The line where it breaks.
        line: usize,
        /// What was expected.
        message: &'static str,
    },
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::Io(e) => write!(f, "{e}"),
            InputError::NotUtf8 { line, offset } => write!(
                f,
                "not UTF-8 text (invalid byte at offset {offset}, line {line})"
            ),
            InputError::Json { line, message } => {
                write!(f, "broken JSON on line {line}: {message}")
            }
        }
    }
}

impl std::error::Error for InputError {}

/// Where the reader is in the input's structure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Nothing read yet.
    Start,
    /// One event per line.
    Lines,
    /// Between top-level JSON values.
    Top,
    /// In an array whose elements are events: a top-level array, or the
    /// `Records` of a CloudTrail object (`records`).
    Elements { records: bool, first: bool },
    /// After an element: `,` or `]` comes next.
    AfterElement { records: bool },
    /// In a CloudTrail object after its `Records` array: more members or `}`.
    Members,
    /// The end of the input.
    Done,
}

/// An event found, as positions in the buffer.
enum Found {
    Event {
        start: usize,
        end: usize,
        line: usize,
        offset: u64,
    },
    TooLarge(Skipped),
}

/// Reads events from a stream, one at a time.
///
/// ```
/// use cis_filters::matcher::input::{EventReader, Item};
/// let mut r = EventReader::new(&b"{\"Records\": [{\"eventName\": \"A\"}, {\"eventName\": \"B\"}]}"[..]);
/// let mut names = Vec::new();
/// while let Some(item) = r.next()? {
///     if let Item::Event(e) = item {
///         names.push(e.message.to_owned());
///     }
/// }
/// assert_eq!(names, [r#"{"eventName": "A"}"#, r#"{"eventName": "B"}"#]);
/// # Ok::<(), cis_filters::matcher::input::InputError>(())
/// ```
pub struct EventReader<R> {
    src: R,
    buf: Vec<u8>,
    /// Bytes before `pos` are done with.
    pos: usize,
    /// The reading position; bytes from `pos` to `at` are kept while
    /// `holding`, released otherwise.
    at: usize,
    eof: bool,
    /// The line and stream offset of `buf[pos]`.
    line: usize,
    offset: u64,
    /// Keep the bytes from `pos` (an event being read), up to `hold_limit`.
    holding: bool,
    hold_limit: usize,
    /// A hold went over its limit and was given up.
    dropped: bool,
    mode: Mode,
    layout: Option<Layout>,
}

impl<R: Read> EventReader<R> {
    /// A reader of the events of `src` (give it a buffered or in-memory
    /// source or not: it reads in chunks of its own).
    pub fn new(src: R) -> Self {
        EventReader {
            src,
            buf: Vec::new(),
            pos: 0,
            at: 0,
            eof: false,
            line: 1,
            offset: 0,
            holding: false,
            hold_limit: 0,
            dropped: false,
            mode: Mode::Start,
            layout: None,
        }
    }

    /// The layout, once the reader has seen enough to tell.
    pub fn layout(&self) -> Option<Layout> {
        self.layout
    }

    /// The next event, `None` at the end of the input.
    #[allow(clippy::should_implement_trait)] // it lends from the reader
    pub fn next(&mut self) -> Result<Option<Item<'_>>, InputError> {
        let Some(found) = self.advance()? else {
            return Ok(None);
        };
        Ok(Some(match found {
            Found::TooLarge(s) => Item::TooLarge(s),
            Found::Event {
                start,
                end,
                line,
                offset,
            } => Item::Event(EventText {
                // Checked by `advance`.
                message: self
                    .buf
                    .get(start..end)
                    .and_then(|b| std::str::from_utf8(b).ok())
                    .unwrap_or_default(),
                line,
                offset,
            }),
        }))
    }

    /// Give up the bytes before `at`, counting their lines.
    fn release(&mut self) {
        if let Some(done) = self.buf.get(self.pos..self.at) {
            self.line += memchr::memchr_iter(b'\n', done).count();
            self.offset += done.len() as u64;
        }
        self.pos = self.at;
    }

    /// Read more input after the buffer's end; sets `eof` at its end.
    fn fill(&mut self) -> Result<(), InputError> {
        if self.eof {
            return Ok(());
        }
        if !self.holding {
            self.release();
        } else if self.at - self.pos > self.hold_limit {
            // Too long to keep: read on without keeping it.
            self.holding = false;
            self.dropped = true;
            self.release();
        }
        if self.pos >= CHUNK || self.pos == self.buf.len() {
            self.buf.drain(..self.pos);
            self.at -= self.pos;
            self.pos = 0;
        }
        let old = self.buf.len();
        self.buf.resize(old + CHUNK, 0);
        let n = loop {
            let Some(space) = self.buf.get_mut(old..) else {
                break 0;
            };
            match self.src.read(space) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.buf.truncate(old);
                    return Err(InputError::Io(e));
                }
            }
        };
        self.buf.truncate(old + n);
        if n == 0 {
            self.eof = true;
        }
        Ok(())
    }

    /// The byte at `at`, reading more when needed; `None` at the end.
    fn peek(&mut self) -> Result<Option<u8>, InputError> {
        while self.at >= self.buf.len() && !self.eof {
            self.fill()?;
        }
        Ok(self.buf.get(self.at).copied())
    }

    fn skip_ws(&mut self) -> Result<Option<u8>, InputError> {
        loop {
            match self.peek()? {
                Some(b) if is_ws(b) => self.at += 1,
                other => return Ok(other),
            }
        }
    }

    fn broken(&self, message: &'static str) -> InputError {
        let before = self.buf.get(self.pos..self.at).unwrap_or_default();
        InputError::Json {
            line: self.line + memchr::memchr_iter(b'\n', before).count(),
            message,
        }
    }

    /// Skip the value at `at` (its first byte checked), keeping it if holding.
    fn scan_value(&mut self) -> Result<(), InputError> {
        match self.peek()? {
            Some(b) if starts_value(b) => {}
            _ => return Err(self.broken("expected a value")),
        }
        let mut sc = Scanner::default();
        loop {
            let rest = self.buf.get(self.at..).unwrap_or_default();
            if let Some(n) = sc.feed(rest) {
                self.at += n;
                return Ok(());
            }
            self.at = self.buf.len();
            if self.eof {
                return if sc.complete_at_end() {
                    Ok(())
                } else {
                    Err(self.broken("the input ends inside a value"))
                };
            }
            self.fill()?;
        }
    }

    /// Keep the bytes from `at` as an event (up to `limit` of them).
    fn hold(&mut self, limit: usize) -> (usize, u64) {
        if !self.holding {
            self.release();
        }
        self.holding = true;
        self.hold_limit = limit;
        self.dropped = false;
        (self.line, self.offset)
    }

    /// The event held from `pos` to `end`, less `trim` bytes at its end (a
    /// line's `\r`); `None` when it is a blank line.
    fn take(
        &mut self,
        end: usize,
        trim: usize,
        line: usize,
        offset: u64,
    ) -> Result<Option<Found>, InputError> {
        self.holding = false;
        let end_offset = (self.offset + (end - self.pos) as u64).saturating_sub(trim as u64);
        let bytes = end_offset.saturating_sub(offset);
        if self.dropped || bytes > MAX_EVENT_BYTES as u64 {
            return Ok(Some(Found::TooLarge(Skipped {
                line,
                offset,
                bytes,
            })));
        }
        let end = end.saturating_sub(trim).max(self.pos);
        let text = self.buf.get(self.pos..end).unwrap_or_default();
        match std::str::from_utf8(text) {
            Err(e) => {
                let ok = text.get(..e.valid_up_to()).unwrap_or_default();
                Err(InputError::NotUtf8 {
                    line: line + memchr::memchr_iter(b'\n', ok).count(),
                    offset: offset + e.valid_up_to() as u64,
                })
            }
            Ok(s) if self.mode == Mode::Lines && s.trim().is_empty() => Ok(None),
            Ok(_) => Ok(Some(Found::Event {
                start: self.pos,
                end,
                line,
                offset,
            })),
        }
    }

    fn advance(&mut self) -> Result<Option<Found>, InputError> {
        loop {
            match self.mode {
                Mode::Done => return Ok(None),
                Mode::Start => self.start()?,
                Mode::Lines => match self.line_event()? {
                    Some(found) => return Ok(Some(found)),
                    None => continue,
                },
                Mode::Top => {
                    self.release();
                    match self.skip_ws()? {
                        None => self.mode = Mode::Done,
                        Some(b'[') => {
                            self.at += 1;
                            self.layout.get_or_insert(Layout::JsonArray);
                            self.mode = Mode::Elements {
                                records: false,
                                first: true,
                            };
                        }
                        Some(b'{') => {
                            if let Some(found) = self.object()? {
                                return Ok(Some(found));
                            }
                        }
                        Some(_) => return Err(self.broken("expected `{` or `[`")),
                    }
                }
                Mode::Elements { records, first } => {
                    self.release();
                    let b = self.skip_ws()?;
                    if first && b == Some(b']') {
                        self.at += 1;
                        self.mode = if records { Mode::Members } else { Mode::Top };
                        continue;
                    }
                    let (line, offset) = self.hold(MAX_EVENT_BYTES);
                    self.scan_value()?;
                    self.mode = Mode::AfterElement { records };
                    let end = self.at;
                    return self.take(end, 0, line, offset);
                }
                Mode::AfterElement { records } => {
                    self.release();
                    match self.skip_ws()? {
                        Some(b',') => {
                            self.at += 1;
                            self.mode = Mode::Elements {
                                records,
                                first: false,
                            };
                        }
                        Some(b']') => {
                            self.at += 1;
                            self.mode = if records { Mode::Members } else { Mode::Top };
                        }
                        _ => return Err(self.broken("expected `,` or `]` after an element")),
                    }
                }
                Mode::Members => {
                    self.release();
                    match self.skip_ws()? {
                        Some(b'}') => {
                            self.at += 1;
                            self.mode = Mode::Top;
                        }
                        Some(b',') => {
                            self.at += 1;
                            self.member()?;
                        }
                        _ => return Err(self.broken("expected `,` or `}` after a member")),
                    }
                }
            }
        }
    }

    /// The next line; `None` for a blank one or the end of the input.
    fn line_event(&mut self) -> Result<Option<Found>, InputError> {
        self.release();
        if self.peek()?.is_none() {
            self.mode = Mode::Done;
            return Ok(None);
        }
        // One more byte for a `\r` before the newline.
        let (line, offset) = self.hold(MAX_EVENT_BYTES + 1);
        // The byte before the buffer's start, once a fill dropped it.
        let mut before = None;
        let newline = loop {
            let rest = self.buf.get(self.at..).unwrap_or_default();
            if let Some(k) = memchr::memchr(b'\n', rest) {
                self.at += k;
                break true;
            }
            self.at = self.buf.len();
            if self.eof {
                break false;
            }
            before = self.buf.last().copied().or(before);
            self.fill()?;
        };
        let end = self.at;
        let last = match end.checked_sub(1) {
            Some(i) => self.buf.get(i).copied(),
            None => before,
        };
        let trim = usize::from(newline && last == Some(b'\r'));
        if newline {
            self.at += 1;
        }
        self.take(end, trim, line, offset)
    }

    /// A top-level object at `at`: a CloudTrail file (its records come
    /// next) or one event.
    fn object(&mut self) -> Result<Option<Found>, InputError> {
        let (line, offset) = self.hold(MAX_EVENT_BYTES);
        self.at += 1;
        if self.skip_ws()? == Some(b'}') {
            self.at += 1;
        } else {
            loop {
                if self.member()? {
                    // A CloudTrail file: `member` switched to its records.
                    self.layout.get_or_insert(Layout::CloudTrail);
                    return Ok(None);
                }
                match self.skip_ws()? {
                    Some(b',') => self.at += 1,
                    Some(b'}') => {
                        self.at += 1;
                        break;
                    }
                    _ => return Err(self.broken("expected `,` or `}` after a member")),
                }
            }
        }
        self.layout.get_or_insert(Layout::JsonDocument);
        let end = self.at;
        self.take(end, 0, line, offset)
    }

    /// One `"key": value` member of a top-level object. A `Records` array
    /// switches to reading its elements as events (the object is then not
    /// kept), and gives true.
    fn member(&mut self) -> Result<bool, InputError> {
        if self.skip_ws()? != Some(b'"') {
            return Err(self.broken("expected a key"));
        }
        // Keep the key's first bytes: enough to tell `Records`.
        let mut key = Vec::new();
        let mut sc = Scanner::default();
        loop {
            let rest = self.buf.get(self.at..).unwrap_or_default();
            let n = sc.feed(rest);
            let took = n.unwrap_or(rest.len());
            if key.len() < 64 {
                key.extend(rest.iter().take(took.min(64 - key.len())));
            }
            self.at += took;
            if n.is_some() {
                break;
            }
            if self.eof {
                return Err(self.broken("the input ends inside a key"));
            }
            self.fill()?;
        }
        if self.skip_ws()? != Some(b':') {
            return Err(self.broken("expected `:` after a key"));
        }
        self.at += 1;
        let records = std::str::from_utf8(&key)
            .ok()
            .and_then(|k| Reader::new(k).string().ok())
            .is_some_and(|k| k == "Records");
        if records && self.skip_ws()? == Some(b'[') {
            self.at += 1;
            self.holding = false;
            self.release();
            self.mode = Mode::Elements {
                records: true,
                first: true,
            };
            return Ok(true);
        }
        self.skip_ws()?;
        self.scan_value()?;
        Ok(false)
    }

    /// Choose the layout from the start of the input.
    fn start(&mut self) -> Result<(), InputError> {
        // Skip blank lines; keep the first non-blank line whole.
        loop {
            let rest = self.buf.get(self.pos..).unwrap_or_default();
            let first = rest.iter().position(|&b| !is_ws(b));
            let upto = first.map_or(rest, |f| rest.get(..f).unwrap_or_default());
            if let Some(nl) = memchr::memrchr(b'\n', upto) {
                self.at = self.pos + nl + 1;
                self.release();
            }
            if first.is_some() || self.eof || self.buf.len() - self.pos > WINDOW {
                break;
            }
            self.fill()?;
        }
        self.hold(WINDOW);
        while self.buf.len() - self.pos < WINDOW && !self.eof {
            self.at = self.buf.len();
            self.fill()?;
        }
        self.at = self.pos;
        self.holding = false;
        let window = self.buf.get(self.pos..).unwrap_or_default();
        if is_json(window, self.eof) {
            self.mode = Mode::Top;
        } else {
            self.mode = Mode::Lines;
            self.layout = Some(Layout::Lines);
        }
        Ok(())
    }
}

/// The events of `text` and how they were found (events longer than
/// [`MAX_EVENT_BYTES`] included: no matcher evaluates them).
pub fn split(text: &str) -> Result<(Layout, Vec<EventText<'_>>), InputError> {
    let mut r = EventReader::new(text.as_bytes());
    let mut out = Vec::new();
    while let Some(item) = r.next()? {
        let (line, offset, len) = match item {
            Item::Event(e) => (e.line, e.offset, e.message.len() as u64),
            Item::TooLarge(s) => (s.line, s.offset, s.bytes),
        };
        let (Ok(from), Ok(len)) = (usize::try_from(offset), usize::try_from(len)) else {
            continue;
        };
        out.push(EventText {
            message: text.get(from..from + len).unwrap_or_default(),
            line,
            offset,
        });
    }
    Ok((r.layout().unwrap_or(Layout::Lines), out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(text: &str) -> (Layout, Vec<&str>) {
        let (l, evs) = split(text).unwrap();
        (l, evs.iter().map(|e| e.message).collect())
    }

    #[test]
    fn cloudtrail_records() {
        let text =
            "{\"Records\": [\n {\"eventName\":\"A\"},\n {\"eventName\":\"B\", \"x\": [1, 2]}\n]}\n";
        assert_eq!(
            messages(text),
            (
                Layout::CloudTrail,
                vec![r#"{"eventName":"A"}"#, r#"{"eventName":"B", "x": [1, 2]}"#]
            )
        );
        let (_, evs) = split(text).unwrap();
        assert_eq!(evs[0].line, 2);
        assert_eq!(evs[1].line, 3);
        assert_eq!(messages(r#"{"Records":[]}"#), (Layout::CloudTrail, vec![]));
        // Other keys around Records are skipped.
        assert_eq!(
            messages(r#"{"a":{"Records":[1]},"Records":[{"k":1}],"z":null}"#),
            (Layout::CloudTrail, vec![r#"{"k":1}"#])
        );
        // Concatenated CloudTrail files (`zcat *.json.gz`).
        assert_eq!(
            messages("{\"Records\":[{\"a\":1}]}\n{\"Records\":[{\"a\":2},{\"a\":3}]}\n"),
            (
                Layout::CloudTrail,
                vec![r#"{"a":1}"#, r#"{"a":2}"#, r#"{"a":3}"#]
            )
        );
    }

    #[test]
    fn arrays_documents_and_lines() {
        assert_eq!(
            messages(r#"[{"a":1}, "x"]"#),
            (Layout::JsonArray, vec![r#"{"a":1}"#, r#""x""#])
        );
        assert_eq!(messages("[ ]"), (Layout::JsonArray, vec![]));
        assert_eq!(
            messages("[1, -2.5e3,true,null]"),
            (Layout::JsonArray, vec!["1", "-2.5e3", "true", "null"])
        );
        assert_eq!(
            messages("{\n  \"a\": 1\n}\n"),
            (Layout::JsonDocument, vec!["{\n  \"a\": 1\n}"])
        );
        assert_eq!(messages("{}"), (Layout::JsonDocument, vec!["{}"]));
        assert_eq!(
            messages("{\"a\":1}\n{\"a\":2}\r\n\n  \nnot json\n"),
            (Layout::Lines, vec![r#"{"a":1}"#, r#"{"a":2}"#, "not json"])
        );
        let (_, evs) = split("{\"a\":1}\n\n{\"a\":2}").unwrap();
        assert_eq!(evs[1].line, 3);
        assert_eq!(evs[1].offset, 9);
        assert_eq!(messages(""), (Layout::Lines, vec![]));
        assert_eq!(messages(" \n\t\n"), (Layout::Lines, vec![]));
        assert_eq!(messages("{broken\n"), (Layout::Lines, vec!["{broken"]));
        assert_eq!(messages("[1,"), (Layout::Lines, vec!["[1,"]));
        assert_eq!(
            messages("[INFO] started"),
            (Layout::Lines, vec!["[INFO] started"])
        );
        assert_eq!(
            messages("[1,2]\n[3]\n"),
            (Layout::Lines, vec!["[1,2]", "[3]"])
        );
        // Leading blank lines count; leading spaces of a line are kept.
        let (_, evs) = split("\n\n   x y\n").unwrap();
        assert_eq!((evs[0].message, evs[0].line), ("   x y", 3));
        // A line of Unicode spaces is blank too.
        assert_eq!(
            messages("a\n\u{a0}\u{2003}\nb"),
            (Layout::Lines, vec!["a", "b"])
        );
    }

    #[test]
    fn not_utf8_is_an_error_with_its_place() {
        let mut r = EventReader::new(&b"ok\nbad \xff here\n"[..]);
        assert!(matches!(r.next(), Ok(Some(Item::Event(_)))));
        let e = r.next().unwrap_err();
        assert_eq!(
            e.to_string(),
            "not UTF-8 text (invalid byte at offset 7, line 2)"
        );
    }

    /// A reader that hands out a few bytes at a time, to cross every
    /// buffer boundary.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let n = self.1.min(self.0.len()).min(out.len());
            let (now, later) = self.0.split_at(n);
            out[..n].copy_from_slice(now);
            self.0 = later;
            Ok(n)
        }
    }

    fn all(src: impl Read) -> Result<Vec<String>, InputError> {
        let mut r = EventReader::new(src);
        let mut out = Vec::new();
        while let Some(item) = r.next()? {
            out.push(match item {
                Item::Event(e) => format!("{}@{}:{}", e.message, e.line, e.offset),
                Item::TooLarge(s) => format!("<{} bytes>@{}:{}", s.bytes, s.line, s.offset),
            });
        }
        Ok(out)
    }

    #[test]
    fn events_longer_than_the_limit_are_skipped_and_counted() {
        let big = "x".repeat(MAX_EVENT_BYTES + 1);
        let just = "y".repeat(MAX_EVENT_BYTES);
        let lines = format!("a\n{big}\r\n{just}\r\nb");
        let got = all(lines.as_bytes()).unwrap();
        assert_eq!(got.len(), 4);
        assert_eq!(got[0], "a@1:0");
        assert_eq!(got[1], format!("<{} bytes>@2:2", MAX_EVENT_BYTES + 1));
        assert!(
            got[2].starts_with("yyy") && got[2].ends_with(&format!("@3:{}", MAX_EVENT_BYTES + 5))
        );
        assert!(got[3].starts_with("b@4:"));

        // A record over the limit inside a CloudTrail file.
        let ct = format!("{{\"Records\":[{{\"a\":1}},\n\"{big}\",\n{{\"a\":2}}]}}");
        let got = all(Trickle(ct.as_bytes(), 7000)).unwrap();
        assert_eq!(got.len(), 3);
        assert_eq!(got[0], "{\"a\":1}@1:12");
        assert_eq!(got[1], format!("<{} bytes>@2:21", MAX_EVENT_BYTES + 3));
        assert!(got[2].starts_with("{\"a\":2}@3:"), "{}", got[2]);

        // One JSON document over the limit.
        let doc = format!("{{\"k\":\"{big}\"}}");
        assert_eq!(
            all(doc.as_bytes()).unwrap(),
            [format!("<{} bytes>@1:0", MAX_EVENT_BYTES + 9)]
        );
    }

    #[test]
    fn a_long_first_value_is_read_as_json_without_looking_past_it() {
        // The first record alone is longer than the window: the file is read
        // as CloudTrail even though it is one line, and records before and
        // after big ones come out as events.
        let pad = "p".repeat(WINDOW);
        let ct = format!(
            "{{\"pad\":\"{pad}\",\"Records\":[{{\"n\":1}},{{\"n\":2}}]}}\n{{\"Records\":[{{\"n\":3}}]}}"
        );
        let got = all(Trickle(ct.as_bytes(), 4096)).unwrap();
        let line2 = format!("@2:{}", ct.find("\n{").unwrap() + 1 + 12);
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(got[0].starts_with("{\"n\":1}@1:"));
        assert_eq!(got[2], format!("{{\"n\":3}}{line2}"));
        // Broken after the decision: an error with the line.
        let broken = format!("[\"{pad}\",\n1 2]");
        let e = all(broken.as_bytes()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "broken JSON on line 2: expected `,` or `]` after an element"
        );
        let cut = format!("[\"{pad}\",\n\"abc");
        let e = all(cut.as_bytes()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "broken JSON on line 2: the input ends inside a value"
        );
    }

    #[test]
    fn same_events_whatever_the_read_sizes() {
        let inputs = [
            "{\"Records\": [\n {\"eventName\":\"A\", \"s\": \"a\\\"]}\"},\n {\"eventName\":\"B\"}\n]}\n",
            "[{\"a\":1}, \"x\", 3, {\"b\": [1, {\"c\": \"}\"}]}]",
            "{\"a\":1}\n{\"a\":2}\r\n\n  \nnot json\n",
            "{\n  \"Records\": 5, \"x\": [\n1]\n}",
            "plain\ntext\n\nlines",
        ];
        for text in inputs {
            let whole = all(text.as_bytes()).unwrap();
            for step in [1, 2, 3, 5, 8] {
                assert_eq!(
                    all(Trickle(text.as_bytes(), step)).unwrap(),
                    whole,
                    "{text:?} by {step}"
                );
            }
        }
    }

    use proptest::prelude::*;

    proptest! {
        /// Any input, read whole or a few bytes at a time, gives the same
        /// events or the same error, and never panics.
        #[test]
        fn read_sizes_never_change_the_result(
            text in "[\\[\\]{}\",:a1 \n\r\\\\]{0,40}",
            step in 1usize..6,
        ) {
            let whole = all(text.as_bytes()).map_err(|e| e.to_string());
            let trickled = all(Trickle(text.as_bytes(), step)).map_err(|e| e.to_string());
            prop_assert_eq!(whole, trickled);
        }
    }

    /// The whole-text reader this module replaced: for inputs that fit in
    /// the window, layouts and events must be the same.
    mod whole_text {
        use crate::matcher::input::Layout;
        use crate::matcher::json::Reader;

        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub(super) struct Ev<'a> {
            pub(super) message: &'a str,
            pub(super) line: usize,
        }

        pub(super) fn split(text: &str) -> (Layout, Vec<Ev<'_>>) {
            let trimmed = text.trim_start();
            let start = text.len() - trimmed.len();
            if (trimmed.starts_with('{') || trimmed.starts_with('['))
                && let Some(found) = whole_document(text, start)
            {
                return found;
            }
            (Layout::Lines, lines(text))
        }

        fn lines(text: &str) -> Vec<Ev<'_>> {
            text.split('\n')
                .enumerate()
                .filter_map(|(i, l)| {
                    let l = l.strip_suffix('\r').unwrap_or(l);
                    (!l.trim().is_empty()).then_some(Ev {
                        message: l,
                        line: i + 1,
                    })
                })
                .collect()
        }

        /// Line numbers for offsets given in increasing order.
        struct LineCounter<'a> {
            text: &'a [u8],
            at: usize,
            line: usize,
        }

        impl LineCounter<'_> {
            fn line_of(&mut self, offset: usize) -> usize {
                if let Some(run) = self.text.get(self.at..offset) {
                    self.line += memchr::memchr_iter(b'\n', run).count();
                    self.at = offset;
                }
                self.line
            }
        }

        fn whole_document(text: &str, start: usize) -> Option<(Layout, Vec<Ev<'_>>)> {
            let mut r = Reader::new(text);
            r.ws();
            let mut lc = LineCounter {
                text: text.as_bytes(),
                at: 0,
                line: 1,
            };
            if r.eat_ws(b'[') {
                let events = elements(&mut r, &mut lc)?;
                return r.at_end().then_some((Layout::JsonArray, events));
            }
            if !r.eat_ws(b'{') {
                return None;
            }
            let mut records = None;
            if !r.eat_ws(b'}') {
                loop {
                    r.ws();
                    let key = r.string().ok()?;
                    if !r.eat_ws(b':') {
                        return None;
                    }
                    r.ws();
                    if key == "Records" && r.eat_ws(b'[') {
                        records = Some(elements(&mut r, &mut lc)?);
                    } else {
                        r.skip_value(1).ok()?;
                    }
                    if r.eat_ws(b'}') {
                        break;
                    }
                    if !r.eat_ws(b',') {
                        return None;
                    }
                }
            }
            if !r.at_end() {
                return None;
            }
            Some(match records {
                Some(events) => (Layout::CloudTrail, events),
                None => {
                    let message = text.get(start..)?.trim_end();
                    (
                        Layout::JsonDocument,
                        vec![Ev {
                            message,
                            line: lc.line_of(start),
                        }],
                    )
                }
            })
        }

        /// The elements of an array whose `[` was just read.
        fn elements<'a>(r: &mut Reader<'a>, lc: &mut LineCounter<'_>) -> Option<Vec<Ev<'a>>> {
            let mut out = Vec::new();
            if r.eat_ws(b']') {
                return Some(out);
            }
            loop {
                r.ws();
                let begin = r.pos();
                r.skip_value(1).ok()?;
                out.push(Ev {
                    message: r.slice(begin)?,
                    line: lc.line_of(begin),
                });
                if r.eat_ws(b']') {
                    return Some(out);
                }
                if !r.eat_ws(b',') {
                    return None;
                }
            }
        }
    }

    fn event_strings() -> impl Strategy<Value = String> {
        let token = prop::sample::select(vec![
            "{\"Records\":[",
            "{\"a\":1}",
            "{\"b\": [1, \"]\"]}",
            "]}",
            "[",
            "]",
            "{",
            "}",
            ",",
            ", ",
            "\n",
            "\r\n",
            "\n\n",
            " ",
            "x",
            "\"s\"",
            "1",
            "null",
            ":",
            "\"k\":",
            "[INFO]",
            "\u{a0}",
            "é",
        ]);
        prop::collection::vec(token, 0..14).prop_map(|t| t.concat())
    }

    proptest! {
        /// Streaming chooses the layout and the events the whole-text reader
        /// did, but where they differ on purpose: a CloudTrail file followed
        /// by more JSON (read one value after the other now, lines before).
        #[test]
        fn same_events_as_the_whole_text_reader(text in event_strings()) {
            let (old_layout, old) = whole_text::split(&text);
            let Ok((layout, new)) = split(&text) else {
                // Only a CloudTrail file followed by something broken.
                prop_assert_eq!(old_layout, Layout::Lines);
                prop_assert!(text.contains("Records"));
                return Ok(());
            };
            prop_assume!(!(layout == Layout::CloudTrail && old_layout == Layout::Lines));
            prop_assume!(text.matches("Records").count() < 2);
            prop_assert_eq!(layout, old_layout, "{:?}", text);
            let new: Vec<(&str, usize)> = new.iter().map(|e| (e.message, e.line)).collect();
            let old: Vec<(&str, usize)> = old.iter().map(|e| (e.message, e.line)).collect();
            prop_assert_eq!(new, old, "{:?}", text);
        }
    }
}
